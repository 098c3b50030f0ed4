"""GoogLeNet: torchvision's parameter counts, the paper's stage shapes, a small trainable GoogLeNet with its
auxiliary classifiers, and one Inception module against the same module written in torch."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise import layers
from layerwise.applications import GoogLeNet, inception_module
from layerwise.testing import check_gradients
from torch_conv_bn import randomize_batch_normalization, torch_conv_bn


def _trainable(model):
    # torchvision counts parameters(); BN's moving statistics are its buffers (count_params() adds them here).
    return sum(p.value.size for p in model.trainable_weights)


@pytest.fixture(scope="module")
def imagenet_googlenet():
    return GoogLeNet()


def test_parameter_counts_equal_torchvisions(imagenet_googlenet):
    assert _trainable(imagenet_googlenet) == 6_624_904
    assert _trainable(GoogLeNet(aux_classifiers=True)) == 13_004_888  # googlenet(aux_logits=True)
    assert imagenet_googlenet.compute_output_shape((None, 224, 224, 3)) == (None, 1000)


def test_stage_shapes_at_224_match_the_paper(imagenet_googlenet):
    # Table 1 of Szegedy et al.: output size of each Inception module.
    expected = {"3a": (28, 256), "3b": (28, 480), "4a": (14, 512), "4b": (14, 512), "4c": (14, 512),
                "4d": (14, 528), "4e": (14, 832), "5a": (7, 832), "5b": (7, 1024)}
    for module, (size, channels) in expected.items():
        assert imagenet_googlenet.get_layer(f"inception{module}").output.shape == (None, size, size, channels)
    assert imagenet_googlenet.get_layer("maxpool1").output.shape == (None, 56, 56, 64)
    assert imagenet_googlenet.get_layer("conv3_relu").output.shape == (None, 56, 56, 192)


def test_a_small_googlenet_with_auxiliary_classifiers_trains(rng):
    model = GoogLeNet(input_shape=(28, 28, 1), classes=10, aux_classifiers=True, width_multiplier=0.125)
    assert [tensor.shape for tensor in model.outputs] == [(None, 10)] * 3
    assert {"aux1", "aux2", "inception4a"} <= {layer.name for layer in model.layers}
    model.compile(optimizer=layerwise.optimizers.SGD(0.05, momentum=0.9), loss="sparse_categorical_crossentropy",
                  loss_weights=[1.0, 0.3, 0.3])
    x, y = rng.normal(size=(8, 28, 28, 1)).astype("float32"), np.arange(8) % 10
    stem = model.get_layer("conv1_conv").kernel
    before = stem.value.copy()
    # Batch statistics of 8 samples make the first steps' losses jump (by seed, either way): six steps, not four.
    losses = [model.train_on_batch(x, [y, y, y]) for _ in range(6)]
    assert np.isfinite(losses).all() and losses[-1] < losses[0]
    assert stem.value.dtype == np.float32 and not np.allclose(stem.value, before)


def test_feature_extraction_freezing_and_summary():
    model = GoogLeNet(input_shape=(64, 64, 3), classes=10, width_multiplier=0.125)
    module = model.get_layer("inception4a")
    features = layerwise.Model(model.input, module.get_output_at(0))  # the module as called in the network
    assert features.predict(np.zeros((2, 64, 64, 3), "float32"), verbose=0).shape == (2, 4, 4, 64)
    trainable, in_module = _trainable(model), _trainable(module)
    module.trainable = False
    assert in_module > 0 and _trainable(module) == 0 and _trainable(model) == trainable - in_module
    lines = []
    model.summary(print_fn=lines.append, expand_nested=True)
    assert " inception5b (Functional)" in lines[0] and "inception5b_branch4_pool (MaxPooling2D)" in lines[0]


def test_headless_features_pooling_and_errors():
    features = GoogLeNet(include_top=False, input_shape=(32, 32, 3), width_multiplier=0.125)
    assert features.compute_output_shape((None, 32, 32, 3)) == (None, 1, 1, 128)
    pooled = GoogLeNet(include_top=False, pooling="avg", input_shape=(32, 32, 3), width_multiplier=0.125)
    assert pooled.compute_output_shape((None, 32, 32, 3)) == (None, 128)
    with pytest.raises(ValueError, match="aux_classifiers needs include_top=True"):
        GoogLeNet(include_top=False, aux_classifiers=True)
    with pytest.raises(ValueError, match="weights='imagenet' downloads"):
        GoogLeNet(weights="imagenet")


def _module(rng, size=5, channels=3, filters=(2, 2, 3, 1, 2, 2)):
    x = layerwise.Input(shape=(size, size, channels))
    model = layerwise.Model(x, inception_module((size, size, channels), filters, "inception")(x))
    randomize_batch_normalization(model, rng)
    return model


@pytest.mark.parametrize("mode", ["training", "inference"])
def test_inception_module_gradients(mode, float64, rng):
    report = check_gradients(_module(rng), rng.normal(size=(2, 5, 5, 3)), modes=(mode,), max_entries=12)
    assert report.passed, f"\n{report}"


@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
def test_inception_module_matches_torch(training, float64, rng):
    """torchvision's Inception block (BasicConv2d = conv, BN eps 1e-3, ReLU; its "5x5" branch convolves 3x3;
    the pool branch max-pools 3x3/1 with ceil_mode) written in torch: outputs, input gradients, every
    parameter gradient, NHWC against torch's NCHW."""
    model = _module(rng)
    module = model.get_layer("inception")
    names = ("branch1", "branch2_reduce", "branch2", "branch3_reduce", "branch3", "branch4")
    pairs = [(module.get_layer(f"inception_{name}_conv"), module.get_layer(f"inception_{name}_bn")) for name in names]
    assert all(norm.epsilon == 1e-3 for _, norm in pairs)
    twins = {name: torch_conv_bn(conv, norm, (conv.kernel_size[0] // 2,) * 2).train(training)
             for name, (conv, norm) in zip(names, pairs)}

    def basic(name, t):
        return torch.relu(twins[name](t))

    data = rng.normal(size=(3, 5, 5, 3))
    output = model.call(data, training=training)
    dy = rng.normal(size=output.shape)
    dx = model.backward(dy)
    x_torch = torch.tensor(data.transpose(0, 3, 1, 2), requires_grad=True)
    pooled = torch.nn.functional.max_pool2d(x_torch, 3, stride=1, padding=1, ceil_mode=True)
    y_torch = torch.cat([basic("branch1", x_torch), basic("branch2", basic("branch2_reduce", x_torch)),
                         basic("branch3", basic("branch3_reduce", x_torch)), basic("branch4", pooled)], dim=1)
    y_torch.backward(torch.from_numpy(dy.transpose(0, 3, 1, 2)))

    tight = {"rtol": 1e-10, "atol": 1e-12}
    assert output.shape == (3, 5, 5, 2 + 3 + 2 + 2)
    np.testing.assert_allclose(output, y_torch.detach().numpy().transpose(0, 2, 3, 1), **tight)
    np.testing.assert_allclose(dx, x_torch.grad.numpy().transpose(0, 2, 3, 1), **tight)
    for (conv, norm), (_, torch_conv, torch_norm) in zip(pairs, twins.values()):
        np.testing.assert_allclose(conv.kernel.grad, torch_conv.weight.grad.numpy().transpose(2, 3, 1, 0),
                                   err_msg=conv.name, **tight)
        np.testing.assert_allclose(norm.gamma.grad, torch_norm.weight.grad.numpy(), err_msg=norm.name, **tight)
        np.testing.assert_allclose(norm.beta.grad, torch_norm.bias.grad.numpy(), err_msg=norm.name, **tight)
    assert isinstance(module.get_layer("inception_branch4_pool"), layers.MaxPooling2D)
