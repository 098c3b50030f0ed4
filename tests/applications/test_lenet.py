"""LeNet-5: 61,706 parameters, the paper's map sizes, MNIST's 28x28 padded to 32x32, both variants train."""

import pytest

import layerwise
from layerwise import layers
from layerwise.applications import LeNet5
from layerwise.testing import check_gradients


@pytest.mark.parametrize("variant, activation, pool", [("original", "tanh", layers.AveragePooling2D),
                                                       ("modern", "relu", layers.MaxPooling2D)])
def test_parameters_and_map_sizes(variant, activation, pool):
    model = LeNet5(variant=variant)
    # C1 156 + C3 2,416 (fully connected) + C5 48,120 + F6 10,164 + output 850.
    assert model.count_params() == 61_706
    shape = (None, 32, 32, 1)
    for block, expected in (("block1", (14, 6)), ("block2", (5, 16)), ("block3", (1, 120))):
        shape = model.get_layer(block).compute_output_shape(shape)
        assert shape == (None, expected[0], expected[0], expected[1]), block
    c1 = model.get_layer("block1").get_layer("c1")
    assert c1.compute_output_shape((None, 32, 32, 1)) == (None, 28, 28, 6)
    assert c1.activation.name == activation
    assert isinstance(model.get_layer("block2").get_layer("s4"), pool)
    assert model.compute_output_shape((None, 32, 32, 1)) == (None, 10)


def test_mnist_digits_are_padded_to_the_32x32_field():
    model = LeNet5(input_shape=(28, 28, 1))
    assert model.get_layer("pad").compute_output_shape((None, 28, 28, 1)) == (None, 32, 32, 1)
    assert model.count_params() == 61_706
    assert "pad" not in [layer.name for layer in LeNet5().layers]
    features = LeNet5(include_top=False, pooling="max", input_shape=(28, 28, 1))
    assert features.compute_output_shape((None, 28, 28, 1)) == (None, 120)
    with pytest.raises(ValueError, match="variant"):
        LeNet5(variant="sparse")


@pytest.mark.parametrize("variant", ["original", "modern"])
def test_a_few_steps_lower_the_loss(variant, rng):
    model = LeNet5(input_shape=(28, 28, 1), classes=2, variant=variant)
    model.compile(optimizer=layerwise.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy")
    x = rng.normal(size=(16, 28, 28, 1)).astype("float32")
    y = (x[:, :14].mean(axis=(1, 2, 3)) > x[:, 14:].mean(axis=(1, 2, 3))).astype(int)
    first = model.train_on_batch(x, y)
    for _ in range(10):
        last = model.train_on_batch(x, y)
    assert last < 0.8 * first


@pytest.mark.parametrize("variant", ["original", "modern"])
def test_gradients(variant, float64, rng):
    model = LeNet5(classes=3, variant=variant)
    report = check_gradients(model, rng.normal(size=(2, 32, 32, 1)), modes=("inference",), max_entries=8)
    assert report.passed, f"\n{report}"
