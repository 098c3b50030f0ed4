"""Flatten and Reshape: shapes, exact backward reshapes, and errors naming the layer."""

import numpy as np
import pytest

from layerwise.layers import Flatten, Reshape


def test_flatten_forward_and_backward(rng):
    x = rng.normal(size=(2, 3, 4, 5))
    layer = Flatten()
    y = layer(x)
    np.testing.assert_array_equal(y, x.reshape(2, 60).astype(np.float32))
    assert layer.compute_output_shape((None, 3, 4, 5)) == (None, 60)
    dy = rng.normal(size=(2, 60)).astype(np.float32)
    np.testing.assert_array_equal(layer.backward(dy), dy.reshape(2, 3, 4, 5))


@pytest.mark.parametrize("target, expected", [((4, 6), (None, 4, 6)), ((-1, 3), (None, 8, 3)),
                                              ((2, -1, 2), (None, 2, 6, 2)), ((24,), (None, 24))])
def test_reshape_shapes_and_backward(target, expected, rng):
    layer = Reshape(target)
    x = rng.normal(size=(5, 2, 3, 4)).astype(np.float32)
    y = layer(x)
    assert y.shape == (5,) + expected[1:] and layer.compute_output_shape((None, 2, 3, 4)) == expected
    np.testing.assert_array_equal(y.reshape(x.shape), x)
    np.testing.assert_array_equal(layer.backward(y), x)


def test_reshape_of_the_wrong_size_names_the_layer():
    with pytest.raises(ValueError, match=r"'reshape' \(Reshape\) cannot reshape input \(None, 2, 3\) "
                                         r"\(6 values per sample\) to \(4, 2\)"):
        Reshape((4, 2))(np.zeros((1, 2, 3)))
    with pytest.raises(ValueError, match="cannot reshape"):
        Reshape((-1, 4)).compute_output_shape((None, 6))


@pytest.mark.parametrize("target", [(-1, -1), (0, 3), (-2, 3)])
def test_invalid_target_shape(target):
    with pytest.raises(ValueError, match=r"Reshape: target_shape may hold positive sizes and at most one -1"):
        Reshape(target)
