"""The generalization experiments' shared models and test-image shifts, and the datasets experiments read."""

import numpy as np
import pytest

from layerwise_lab._data import dataset
from layerwise_lab._models import compiled, mlp, shift_images, small_cnn


@pytest.mark.parametrize("rows, columns", [(0, 0), (2, 0), (-1, 3), (0, -4), (28, 0)])
def test_shift_images_moves_every_pixel_and_fills_with_zeros(rows, columns):
    images = np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")
    shifted = shift_images(images, rows, columns)
    assert shifted.shape == images.shape and shifted.dtype == images.dtype
    for row in range(28):
        for column in range(28):
            source = (row - rows, column - columns)
            expected = images[:, source[0], source[1]] if 0 <= source[0] < 28 and 0 <= source[1] < 28 else 0
            np.testing.assert_array_equal(shifted[:, row, column], expected)


def test_the_cnn_shares_its_weights_and_the_mlp_does_not():
    cnn, dense = small_cnn(), mlp((256,), images=True)
    # 5x5 kernels: 8 (25 + 1) + 16 (8 * 25 + 1) weights, then 4 * 4 * 16 features into Dense(10).
    assert cnn.count_params() == 8 * 26 + 16 * 201 + 256 * 10 + 10
    assert dense.count_params() == 784 * 256 + 256 + 256 * 10 + 10
    assert mlp((4, 3)).count_params() == 784 * 4 + 4 + 4 * 3 + 3 + 3 * 10 + 10


def test_compiled_models_classify_digit_images():
    x = np.random.default_rng(1).random((4, 28, 28, 1)).astype("float32")
    for model in (small_cnn(), mlp((8,), images=True)):
        probabilities = compiled(model).predict(x, verbose=0)
        assert probabilities.shape == (4, 10)
        np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)


def test_a_dataset_comes_in_float32_subsets_as_images_or_vectors():
    (x, y), (x_test, y_test) = dataset("fashion_mnist", train=300, test=50, seed=4)
    assert x.shape == (300, 28, 28, 1) and x_test.shape == (50, 28, 28, 1) and x.dtype == np.float32
    assert y.shape == (300,) and y.dtype == np.int64 and 0.0 <= x.min() and x.max() <= 1.0
    (flat, labels), _ = dataset("fashion_mnist", train=300, test=0, flat=True, seed=4)
    np.testing.assert_array_equal(flat, x.reshape(300, 784))
    np.testing.assert_array_equal(labels, y)
    with pytest.raises(ValueError, match="the lab knows the datasets mnist, fashion_mnist, cifar10, not 'svhn'"):
        dataset("svhn")
