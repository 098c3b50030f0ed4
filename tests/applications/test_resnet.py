"""ImageNet ResNets: torchvision's parameter counts, the paper's stage shapes, training, blocks against PyTorch."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise import layers
from layerwise.applications import ResNet18, ResNet34, ResNet50, ResNet101, ResNet152
from layerwise.applications.resnet import basic_block, bottleneck_block
from layerwise.testing import check_gradients
from torch_conv_bn import randomize_batch_normalization, torch_conv_bn

# torchvision's published parameter counts (1000 classes). torch keeps BN's running statistics as buffers,
# so these are our trainable counts; count_params() adds the moving mean and variance, as Keras does.
TORCHVISION_COUNTS = [(ResNet18, 11_689_512, 64), (ResNet34, 21_797_672, 64), (ResNet50, 25_557_032, 256),
                      (ResNet101, 44_549_160, 256), (ResNet152, 60_192_808, 256)]


def _trainable(model):
    return sum(p.value.size for p in model.trainable_weights)


@pytest.mark.parametrize("builder, expected, conv2_filters", TORCHVISION_COUNTS,
                         ids=[b.__name__ for b, _, _ in TORCHVISION_COUNTS])
def test_parameter_counts_equal_torchvision_and_stages_match_the_paper(builder, expected, conv2_filters):
    model = builder()  # each network is built once, here
    assert _trainable(model) == expected
    moving_statistics = sum(p.value.size for p in model.weights if p.name.endswith(("moving_mean", "moving_variance")))
    gammas = sum(layer.gamma.value.size for stage in model.layers if isinstance(stage, layerwise.Model)
                 for layer in stage.layers if isinstance(layer, layers.BatchNormalization))
    assert moving_statistics == 2 * gammas
    assert model.count_params() == expected + moving_statistics
    # He et al., table 1: conv1 112x112 then the pool to 56x56; conv2 .. conv5 at 56, 28, 14, 7.
    assert model.get_layer("conv1").get_layer("conv1_conv").output.shape == (None, 112, 112, 64)
    shapes = [model.get_layer(f"conv{stage}").output.shape for stage in range(1, 6)]
    assert shapes == [(None, 56, 56, 64)] + [(None, size, size, conv2_filters * 2 ** i)
                                             for i, size in enumerate((56, 28, 14, 7))]
    assert model.output.shape == (None, 1000)


def test_keras_conventions_feature_extraction_and_summary():
    model = ResNet18(include_top=False, pooling="max", input_shape=(64, 64, 3), width_multiplier=0.25)
    assert model.output.shape == (None, 128)
    assert ResNet18(include_top=False, input_shape=(64, 64, 3), width_multiplier=0.25).output.shape == (None, 2, 2, 128)
    conv4 = model.get_layer("conv4")
    features = layerwise.Model(model.input, conv4.get_output_at(0))  # the stage as called in the network
    assert features.predict(np.zeros((2, 64, 64, 3), "float32"), verbose=0).shape == (2, 4, 4, 64)
    assert conv4.get_layer("conv4_block1_0_conv").kernel.shape == (1, 1, 32, 64)  # the projection shortcut
    lines = []
    model.summary(print_fn=lines.append, expand_nested=True)
    assert " conv3 (Functional)" in lines[0] and "conv5_block2_2_bn (BatchNormalization)" in lines[0]


@pytest.mark.parametrize("call, message", [
    (lambda: ResNet50(weights="imagenet"), "weights='imagenet' downloads"),
    (lambda: ResNet18(pooling="mean"), "pooling"),
    (lambda: ResNet18(classes=0), "classes"),
    (lambda: layerwise.applications.resnet(20), "depth"),
])
def test_invalid_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("builder", [ResNet18, ResNet50])
def test_cifar_sized_input_trains(builder, rng):
    """At 32x32 the ImageNet stem leaves 8x8 to conv2 and conv5 works on 1x1 maps; the full-width network trains."""
    model = builder(input_shape=(32, 32, 3), classes=10)
    assert model.get_layer("conv5").output.shape[1:3] == (1, 1)
    model.compile(optimizer=layerwise.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
    x, y = rng.normal(size=(4, 32, 32, 3)).astype("float32"), np.array([0, 1, 2, 3])
    stem_kernel = model.get_layer("conv1").get_layer("conv1_conv").kernel
    before = stem_kernel.value.copy()
    # Batch statistics of 4 samples (conv5's 1x1 maps) make the first steps' losses jump: five steps, not three.
    losses = [model.train_on_batch(x, y) for _ in range(5)]
    assert np.isfinite(losses).all() and losses[-1] < losses[0]
    assert stem_kernel.value.dtype == np.float32 and not np.allclose(stem_kernel.value, before)


def _block_model(block, input_shape, filters, strides, rng):
    x = layerwise.Input(shape=input_shape)
    model = layerwise.Model(x, block(x, filters, strides, name="block"))
    randomize_batch_normalization(model, rng)
    return model


@pytest.mark.parametrize("block, channels, filters", [(basic_block, 2, 3), (bottleneck_block, 3, 2)],
                         ids=["basic", "bottleneck"])
def test_block_gradients(block, channels, filters, float64, rng):
    model = _block_model(block, (5, 5, channels), filters, 2, rng)
    assert model.get_layer("block_0_conv")  # the stride-2 block projects its shortcut
    report = check_gradients(model, rng.normal(size=(2, 5, 5, channels)), modes=("training", "inference"),
                             max_entries=16)
    assert report.passed, f"\n{report}"


@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
def test_bottleneck_block_matches_torch(training, float64, rng):
    """torchvision's Bottleneck (stride on the 3x3, 1x1 + BN downsample) written in torch: outputs, input
    gradients, every parameter gradient and the moving means, NHWC against torch's NCHW."""
    size, channels, filters, batch = 6, 3, 2, 3
    model = _block_model(bottleneck_block, (size, size, channels), filters, 2, rng)
    paddings = {"block_1": 0, "block_2": 1, "block_3": 0, "block_0": 0}  # the stride-2 3x3 pads 1 each side
    pairs = [(model.get_layer(f"{name}_conv"), model.get_layer(f"{name}_bn")) for name in paddings]
    modules = [torch_conv_bn(conv, norm, (padding, padding)) for (conv, norm), padding in zip(pairs, paddings.values())]
    # torchvision's BatchNorm2d defaults: eps 1e-5 and momentum 0.1, Keras's momentum 0.9.
    assert all(norm.epsilon == 1e-5 and norm.momentum == 0.9 for _, norm in pairs)
    conv1, conv2, conv3, downsample = modules
    for module in modules:
        module.train(training)

    data = rng.normal(size=(batch, size, size, channels))
    output = model.call(data, training=training)
    dy = rng.normal(size=output.shape)
    dx = model.backward(dy)
    x_torch = torch.tensor(data.transpose(0, 3, 1, 2), requires_grad=True)
    y_torch = torch.relu(conv3(torch.relu(conv2(torch.relu(conv1(x_torch))))) + downsample(x_torch))
    y_torch.backward(torch.from_numpy(dy.transpose(0, 3, 1, 2)))

    tight = {"rtol": 1e-10, "atol": 1e-12}
    assert output.shape == (batch, 3, 3, 4 * filters)
    np.testing.assert_allclose(output, y_torch.detach().numpy().transpose(0, 2, 3, 1), **tight)
    np.testing.assert_allclose(dx, x_torch.grad.numpy().transpose(0, 2, 3, 1), **tight)
    for (conv, norm), (_, torch_conv, torch_norm) in zip(pairs, modules):
        np.testing.assert_allclose(conv.kernel.grad, torch_conv.weight.grad.numpy().transpose(2, 3, 1, 0),
                                   err_msg=conv.name, **tight)
        np.testing.assert_allclose(norm.gamma.grad, torch_norm.weight.grad.numpy(), err_msg=norm.name, **tight)
        np.testing.assert_allclose(norm.beta.grad, torch_norm.bias.grad.numpy(), err_msg=norm.name, **tight)
        np.testing.assert_allclose(norm.moving_mean.value, torch_norm.running_mean.numpy(), **tight)
    assert {p.name for pair in pairs for p in (pair[0].kernel, pair[1].gamma, pair[1].beta)} == \
        {p.name for p in model.trainable_weights}
