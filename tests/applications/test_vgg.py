"""VGG: torchvision's parameter counts, the paper's stage shapes, a small trainable VGG, one stage against torch."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise import layers
from layerwise.applications import VGG11, VGG13, VGG16, VGG19, vgg_block
from layerwise.testing import check_gradients

BUILDERS = {11: VGG11, 13: VGG13, 16: VGG16, 19: VGG19}
#: torchvision's vgg11/13/16/19 (parameters(), 1000 classes).
TORCHVISION_COUNTS = {11: 132_863_336, 13: 133_047_848, 16: 138_357_544, 19: 143_667_240}


@pytest.fixture(scope="module")
def imagenet_vgg():
    """Each full-size VGG built once for the module (about 3 s each), on demand."""
    built = {}

    def get(depth):
        if depth not in built:
            built[depth] = BUILDERS[depth]()
        return built[depth]

    return get


@pytest.mark.parametrize("depth", sorted(TORCHVISION_COUNTS))
def test_parameter_count_is_torchvisions(depth, imagenet_vgg):
    model = imagenet_vgg(depth)
    assert model.count_params() == TORCHVISION_COUNTS[depth]
    assert model.compute_output_shape((None, 224, 224, 3)) == (None, 1000)
    convolutions = sum(len([la for la in model.get_layer(f"block{s}").layers if isinstance(la, layers.Conv2D)])
                       for s in range(1, 6))
    assert convolutions + 3 == depth  # the weight layers that name the configuration


def test_stage_shapes_at_224_match_the_paper(imagenet_vgg):
    model = imagenet_vgg(16)
    shape = (None, 224, 224, 3)
    for stage, expected in enumerate([(112, 64), (56, 128), (28, 256), (14, 512), (7, 512)], start=1):
        shape = model.get_layer(f"block{stage}").compute_output_shape(shape)
        assert shape == (None, expected[0], expected[0], expected[1]), f"block{stage}"
    # 7x7 is what torchvision's adaptive pool produces: no pooling layer is needed at 224x224.
    assert "avgpool" not in [layer.name for layer in model.layers]
    assert model.get_layer("classifier").get_layer("fc1").kernel.shape == (7 * 7 * 512, 4096)


def test_batch_norm_adds_gamma_beta_and_moving_statistics_per_filter():
    plain = VGG11(input_shape=(32, 32, 3), width_multiplier=0.125, classes=10)
    normalized = VGG11(input_shape=(32, 32, 3), width_multiplier=0.125, classes=10, batch_norm=True)
    filters = 8 + 16 + 2 * 32 + 4 * 64  # the eight convolutions of configuration A at width 1/8
    trainable = sum(w.value.size for w in normalized.trainable_weights)
    # torchvision's vgg11_bn: 132,868,840 = 132,863,336 + 2 x 2,752 (gamma, beta; its moving statistics are
    # buffers, not parameters); here the same at width 1/8, plus the moving statistics in count_params.
    assert trainable - plain.count_params() == 2 * filters
    assert normalized.count_params() - trainable == 2 * filters
    assert normalized.name == "vgg11_bn"
    assert isinstance(normalized.get_layer("block1").get_layer("block1_bn1"), layers.BatchNormalization)


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
def test_cifar_sized_vgg_takes_a_training_step(batch_norm, rng):
    model = VGG11(input_shape=(32, 32, 3), classes=10, batch_norm=batch_norm, width_multiplier=0.125)
    # 32x32 leaves a 1x1 map after block5, copied to 7x7 as torchvision's adaptive pool does.
    assert isinstance(model.get_layer("avgpool"), layers.UpSampling2D)
    model.compile(optimizer=layerwise.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
    kernel = model.get_layer("block1").get_layer("block1_conv1").kernel
    before = kernel.value.copy()
    loss = model.train_on_batch(rng.normal(size=(4, 32, 32, 3)).astype("float32"), np.arange(4))
    assert np.isfinite(loss) and loss > 0
    assert not np.array_equal(kernel.value, before)
    assert kernel.value.dtype == np.float32


def test_fashion_mnist_sized_inputs_are_padded_to_32():
    model = VGG11(input_shape=(28, 28, 1), classes=10, width_multiplier=0.125)
    assert model.get_layer("pad").compute_output_shape((None, 28, 28, 1)) == (None, 32, 32, 1)
    assert model.predict(np.ones((2, 28, 28, 1), "float32"), verbose=0).shape == (2, 10)


def test_headless_features_pooling_and_errors():
    features = VGG13(include_top=False, input_shape=(64, 64, 3), width_multiplier=0.125)
    assert features.compute_output_shape((None, 64, 64, 3)) == (None, 2, 2, 64)
    pooled = VGG13(include_top=False, pooling="max", input_shape=(64, 64, 3), width_multiplier=0.125)
    assert pooled.compute_output_shape((None, 64, 64, 3)) == (None, 64)
    with pytest.raises(ValueError, match="weights='imagenet' downloads"):
        VGG16(weights="imagenet")
    with pytest.raises(ValueError, match="pooling"):
        VGG16(include_top=False, pooling="mean")
    with pytest.raises(ValueError, match="2x2 feature map cannot be pooled adaptively to 7x7"):
        VGG16(input_shape=(64, 64, 3), width_multiplier=0.125)


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
def test_gradients_through_one_stage(batch_norm, float64, rng):
    x = layerwise.Input(shape=(6, 6, 2))
    model = layerwise.Model(x, vgg_block(3, 2, "block1", batch_norm)(x))
    report = check_gradients(model, rng.normal(size=(2, 6, 6, 2)), modes=("training", "inference"),
                             max_entries=16)
    assert report.passed, f"\n{report}"


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "bn"])
def test_one_stage_matches_torch(batch_norm, float64, rng):
    """conv3x3 [-BN] -ReLU twice, then maxpool2x2, in training mode: output, input gradient and every parameter
    gradient, NHWC against torch's NCHW (torchvision's vgg*_bn layout: the convolutions keep their bias)."""
    channels, filters, size = 3, 4, 8
    x = layerwise.Input(shape=(size, size, channels))
    block = vgg_block(filters, 2, "block1", batch_norm)
    model = layerwise.Model(x, block(x))
    torch_layers, pairs = [], []  # pairs: (layerwise weight, torch parameter, Keras -> torch axes or None)
    for i, in_channels in enumerate((channels, filters), start=1):
        conv = block.get_layer(f"block1_conv{i}")
        conv.bias.assign(rng.normal(size=filters))  # away from the zero initial bias
        torch_layers.append(torch.nn.Conv2d(in_channels, filters, 3, padding=1, dtype=torch.float64))
        pairs += [(conv.kernel, torch_layers[-1].weight, (3, 2, 0, 1)), (conv.bias, torch_layers[-1].bias, None)]
        if batch_norm:
            norm = block.get_layer(f"block1_bn{i}")
            norm.gamma.assign(rng.uniform(0.5, 1.5, filters))
            norm.beta.assign(rng.normal(size=filters))
            torch_layers.append(torch.nn.BatchNorm2d(filters, eps=1e-5, dtype=torch.float64))
            pairs += [(norm.gamma, torch_layers[-1].weight, None), (norm.beta, torch_layers[-1].bias, None)]
        torch_layers.append(torch.nn.ReLU())
    torch_block = torch.nn.Sequential(*torch_layers, torch.nn.MaxPool2d(2)).train()
    with torch.no_grad():
        for weight, parameter, axes in pairs:
            parameter.copy_(torch.from_numpy(weight.value if axes is None else weight.value.transpose(axes)))

    data = rng.normal(size=(2, size, size, channels))
    output = model.call(data, training=True)
    dy = rng.normal(size=output.shape)
    dx = model.backward(dy)
    x_torch = torch.tensor(data.transpose(0, 3, 1, 2), requires_grad=True)
    y_torch = torch_block(x_torch)
    y_torch.backward(torch.from_numpy(dy.transpose(0, 3, 1, 2)))

    tight = {"rtol": 1e-9, "atol": 1e-11}
    assert output.shape == (2, size // 2, size // 2, filters)
    np.testing.assert_allclose(output, y_torch.detach().numpy().transpose(0, 2, 3, 1), **tight)
    np.testing.assert_allclose(dx, x_torch.grad.numpy().transpose(0, 2, 3, 1), **tight)
    for weight, parameter, axes in pairs:
        # Keras's (kh, kw, C, F) kernel is torch's (F, C, kh, kw) weight; the inverse permutation maps it back.
        expected = parameter.grad.numpy() if axes is None else parameter.grad.numpy().transpose(np.argsort(axes))
        np.testing.assert_allclose(weight.grad, expected, err_msg=weight.name, **tight)
    assert {w.name for w, _, _ in pairs} == {w.name for w in model.trainable_weights}
