"""CIFAR ResNets on convolutions: structure, gradients, a residual conv block against PyTorch."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise import layers
from layerwise.applications import residual_block, resnet_cifar
from layerwise.testing import check_gradients
from torch_conv_bn import torch_conv_bn


def _count(model, cls):
    return sum(isinstance(layer, cls) for layer in model.layers)


@pytest.mark.parametrize("depth", [20, 56])
def test_resnet_has_6n_plus_2_weighted_layers(depth):
    model = resnet_cifar(depth)
    convolutions = [layer for layer in model.layers if isinstance(layer, layers.Conv2D)]
    three_by_three = [layer for layer in convolutions if layer.kernel.shape[:2] == (3, 3)]
    assert len(three_by_three) + _count(model, layers.Dense) == depth
    assert len(convolutions) - len(three_by_three) == 2  # the two projections where the stage changes
    assert _count(model, layers.Add) == (depth - 2) // 2
    assert model.compute_output_shape((None, 32, 32, 3)) == (None, 10)


def test_resnet20_parameter_count_and_plain_counterpart():
    residual, plain = resnet_cifar(20), resnet_cifar(20, plain=True)
    # He et al.'s ResNet-20 has 0.27M parameters; option B adds the two projections (16*32 + 32*64 + BN).
    assert 0.26e6 < residual.count_params() < 0.28e6
    assert _count(plain, layers.Add) == 0
    assert residual.count_params() - plain.count_params() == 16 * 32 + 2 * 2 * 32 + 32 * 64 + 2 * 2 * 64


def test_mnist_shaped_input_and_shortcut_variants():
    for shortcut in ("identity", "scaling", "projection", "dropout"):
        model = resnet_cifar(8, shortcut=shortcut, input_shape=(28, 28, 1), classes=10)
        assert model.compute_output_shape((None, 28, 28, 1)) == (None, 10)
    assert _count(resnet_cifar(8, shortcut="scaling"), layers.Rescaling) == 1


def test_narrower_stages_have_the_parameters_their_filters_give():
    # conv 3x3x1x8, then per stage two 3x3 convolutions (the first from the previous width) and 1x1 projections
    # where the width changes, 2 BN parameters per filter after each convolution, and the classifier.
    model = resnet_cifar(8, input_shape=(28, 28, 1), filters=(8, 16, 32))
    convolutions = 9 * 8 + 9 * (8 * 8 + 8 * 8) + 9 * (8 * 16 + 16 * 16) + 8 * 16 + 9 * (16 * 32 + 32 * 32) + 16 * 32
    normalizations = 4 * (8 + 2 * 8 + 3 * 16 + 3 * 32)  # gamma, beta and the two moving statistics
    assert model.count_params() == convolutions + normalizations + 32 * 10 + 10
    assert model.layers[-1].kernel.value.shape == (32, 10)


def test_gradients_through_a_small_resnet(float64, rng):
    model = resnet_cifar(8, input_shape=(8, 8, 2), classes=3)
    report = check_gradients(model, rng.normal(size=(2, 8, 8, 2)), modes=("training", "inference"),
                             max_entries=8)
    assert report.passed, f"\n{report}"


def test_a_few_sgd_steps_lower_the_loss(rng):
    model = resnet_cifar(8, input_shape=(8, 8, 3), classes=2)
    model.compile(optimizer=layerwise.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy")
    x = rng.normal(size=(32, 8, 8, 3)).astype("float32")
    y = (x[..., 0].mean(axis=(1, 2)) > 0).astype(int)
    first = model.train_on_batch(x, y)
    for _ in range(10):
        last = model.train_on_batch(x, y)
    assert last < 0.7 * first


def _same_pads(size, kernel_size, stride):
    """Keras's 'same' padding (before, after) of one axis: an odd total puts the extra row after."""
    total = max((-(-size // stride) - 1) * stride + kernel_size - size, 0)
    return total // 2, total - total // 2


@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
@pytest.mark.parametrize("shortcut, channels, strides", [("identity", 4, 1), ("projection", 3, 2)],
                         ids=["identity", "projection_stride2"])
def test_conv_residual_block_matches_torch(shortcut, channels, strides, training, float64, rng):
    """relu(BN(conv(relu(BN(conv(x))))) + h(x)), h = x or BN(conv1x1(x)), as resnet_cifar builds its blocks:
    output, input gradient, every parameter gradient and the moving statistics, NHWC against torch's NCHW."""
    size, filters, batch = 6, 4, 3
    conv1, conv2, projection = (layers.Conv2D(filters, k, strides=s, padding="same", use_bias=False,
                                              kernel_initializer="he_normal")
                                for k, s in ((3, strides), (3, 1), (1, strides)))
    norm1, norm2, norm_projection = (layers.BatchNormalization(momentum=0.9) for _ in range(3))
    x = layerwise.Input(shape=(size, size, channels))
    model = layerwise.Model(x, residual_block(
        x, lambda t: norm2(conv2(layers.Activation("relu")(norm1(conv1(t))))),
        lambda t: norm_projection(projection(t)), shortcut))
    pairs = [(conv1, norm1, size), (conv2, norm2, -(-size // strides))]
    if shortcut == "projection":
        pairs.append((projection, norm_projection, size))
    for _, norm, _ in pairs:  # away from the initial gamma = 1, beta = 0, mean = 0, variance = 1
        for weight, values in ((norm.gamma, rng.uniform(0.5, 1.5, filters)), (norm.beta, rng.normal(size=filters)),
                               (norm.moving_mean, rng.normal(size=filters)),
                               (norm.moving_variance, rng.uniform(0.5, 1.5, filters))):
            weight.assign(values)
    initial = [(norm.moving_mean.value.copy(), norm.moving_variance.value.copy()) for _, norm, _ in pairs]
    branch1, branch2, *shortcut_branch = (
        torch_conv_bn(conv, norm, _same_pads(size, conv.kernel_size[0], conv.strides[0])) for conv, norm, size in pairs)
    torch_shortcut = shortcut_branch[0] if shortcut_branch else torch.nn.Identity()
    for module in (branch1, branch2, torch_shortcut):
        module.train(training)

    data = rng.normal(size=(batch, size, size, channels))
    output = model.call(data, training=training)
    dy = rng.normal(size=output.shape)
    dx = model.backward(dy)
    x_torch = torch.tensor(data.transpose(0, 3, 1, 2), requires_grad=True)
    y_torch = torch.relu(branch2(torch.relu(branch1(x_torch))) + torch_shortcut(x_torch))
    y_torch.backward(torch.from_numpy(dy.transpose(0, 3, 1, 2)))

    tight = {"rtol": 1e-10, "atol": 1e-12}
    np.testing.assert_allclose(output, y_torch.detach().numpy().transpose(0, 2, 3, 1), **tight)
    np.testing.assert_allclose(dx, x_torch.grad.numpy().transpose(0, 2, 3, 1), **tight)
    compared = set()
    for (conv, norm, conv_input_size), (_, torch_conv, torch_norm), (mean_0, variance_0) in zip(
            pairs, [branch1, branch2, torch_shortcut], initial):
        np.testing.assert_allclose(conv.kernel.grad, torch_conv.weight.grad.numpy().transpose(2, 3, 1, 0),
                                   err_msg=conv.name, **tight)
        np.testing.assert_allclose(norm.gamma.grad, torch_norm.weight.grad.numpy(), err_msg=norm.name, **tight)
        np.testing.assert_allclose(norm.beta.grad, torch_norm.bias.grad.numpy(), err_msg=norm.name, **tight)
        compared |= {conv.kernel.name, norm.gamma.name, norm.beta.name}
        np.testing.assert_allclose(norm.moving_mean.value, torch_norm.running_mean.numpy(), **tight)
        if training:
            # torch moves towards the unbiased variance n/(n-1) s^2: v_torch = (1-m) s^2 n/(n-1) + m v_0 with
            # m = Keras's momentum, n the values per channel; Keras moves towards the biased s^2.
            m, n = norm.momentum, batch * (-(-conv_input_size // conv.strides[0])) ** 2
            expected = m * variance_0 + (n - 1) / n * (torch_norm.running_var.numpy() - m * variance_0)
            assert not np.allclose(norm.moving_mean.value, mean_0)
        else:
            expected = variance_0
            np.testing.assert_array_equal(norm.moving_mean.value, mean_0)
        np.testing.assert_allclose(norm.moving_variance.value, expected, err_msg=norm.name, **tight)
    assert compared == {p.name for p in model.trainable_weights}
