"""CIFAR ResNets on convolutions: structure, gradients, a residual conv block against PyTorch."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise import layers
from layerwise.applications import resnet_cifar
from layerwise.testing import check_gradients


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
