"""AlexNet: torchvision's parameter count and block shapes at 224, the CIFAR stem, gradients of one block."""

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise.applications import AlexNet
from layerwise.testing import check_gradients


@pytest.fixture(scope="module")
def alexnet():
    return AlexNet()


def test_parameter_count_is_torchvisions(alexnet):
    assert alexnet.count_params() == 61_100_840
    assert alexnet.compute_output_shape((None, 224, 224, 3)) == (None, 1000)


def test_block_shapes_at_224(alexnet):
    shape = (None, 224, 224, 3)
    for block, expected in (("block1", (27, 64)), ("block2", (13, 192)), ("block3", (6, 256))):
        shape = alexnet.get_layer(block).compute_output_shape(shape)
        assert shape == (None, expected[0], expected[0], expected[1]), block
    # conv1 is 11x11/4 with torch's padding 2: 224 -> 55 (Keras's 'same' would give 56).
    assert alexnet.get_layer("block1").layers[0].compute_output_shape((None, 224, 224, 3)) == (None, 228, 228, 3)
    assert "avgpool" not in [layer.name for layer in alexnet.layers]  # torchvision's 6x6 adaptive pool: identity
    assert alexnet.get_layer("classifier").get_layer("fc1").kernel.shape == (6 * 6 * 256, 4096)


def test_cifar_stem_keeps_the_classifier_and_trains(rng):
    model = AlexNet(input_shape=(32, 32, 3), classes=10, stem="cifar", width_multiplier=0.125)
    shape = (None, 32, 32, 3)
    for block, size in (("block1", 15), ("block2", 7), ("block3", 3)):
        shape = model.get_layer(block).compute_output_shape(shape)
        assert shape[1:3] == (size, size), block
    assert model.get_layer("avgpool").size == (2, 2)  # 3x3 -> 6x6, as torchvision's adaptive pool copies it
    full_width = AlexNet(input_shape=(32, 32, 3), stem="cifar")
    # Only conv1 changes: 3x3x3x64 + 64 instead of 11x11x3x64 + 64.
    assert 61_100_840 - full_width.count_params() == (11 * 11 - 3 * 3) * 3 * 64
    model.compile(optimizer=layerwise.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
    loss = model.train_on_batch(rng.normal(size=(4, 32, 32, 3)).astype("float32"), np.arange(4))
    assert np.isfinite(loss) and loss > 0


def test_headless_and_argument_errors():
    features = AlexNet(include_top=False, pooling="avg", input_shape=(96, 96, 3), width_multiplier=0.25)
    assert features.compute_output_shape((None, 96, 96, 3)) == (None, 64)
    with pytest.raises(ValueError, match="stem"):
        AlexNet(stem="mnist")
    with pytest.raises(ValueError, match="weights='imagenet' downloads"):
        AlexNet(weights="imagenet")
    with pytest.raises(ValueError, match="weights must be None \\(random initialization\\) or the path"):
        AlexNet(weights=3)


def test_gradients_through_a_small_alexnet(float64, rng):
    model = AlexNet(input_shape=(16, 16, 2), classes=3, stem="cifar", width_multiplier=1 / 32,
                    classifier_activation=None)
    assert isinstance(model.get_layer("block3").layers[-1], layers.MaxPooling2D)
    report = check_gradients(model, rng.normal(size=(2, 16, 16, 2)), modes=("inference",), max_entries=8)
    assert report.passed, f"\n{report}"
