"""Maxout: parity with torch's reshape + max on dense and convolutional layouts, ties, errors."""

import numpy as np
import pytest
import torch

from layerwise.layers import Maxout


def torch_maxout(x, num_units, axis):
    shape = list(x.shape)
    axis %= len(shape)
    grouped = x.reshape(shape[:axis] + [num_units, shape[axis] // num_units] + shape[axis + 1:])
    return grouped.max(dim=axis + 1).values


@pytest.mark.parametrize("shape, num_units, axis", [
    ((5, 12), 4, -1), ((5, 12), 12, -1), ((5, 12), 1, -1), ((2, 3, 3, 6), 3, -1), ((2, 6, 3, 3), 2, 1),
])
def test_matches_torch_reshape_and_max(shape, num_units, axis, float64, rng):
    layer = Maxout(num_units, axis=axis)
    x = rng.normal(size=shape)
    y = layer(x)
    xt = torch.tensor(x, requires_grad=True)
    yt = torch_maxout(xt, num_units, axis)
    np.testing.assert_array_equal(y, yt.detach().numpy())
    dy = rng.normal(size=y.shape)
    yt.backward(torch.from_numpy(dy))
    np.testing.assert_array_equal(layer.backward(dy), xt.grad.numpy())


def test_pieces_are_consecutive_channels_and_ties_go_to_the_first():
    layer = Maxout(3)
    x = np.array([[3.0, 3.0, 1.0, -1.0, 2.0, 7.0]], dtype="float32")
    np.testing.assert_array_equal(layer(x), [[3.0, 1.0, 7.0]])
    np.testing.assert_array_equal(layer.backward(np.array([[10.0, 20.0, 30.0]], "float32")),
                                  [[10.0, 0.0, 20.0, 0.0, 0.0, 30.0]])


def test_channels_not_a_multiple_of_num_units_are_refused():
    with pytest.raises(ValueError, match=r"the 7 channels .* not a multiple of num_units=3"):
        Maxout(3, name="mx")(np.zeros((2, 7)))


@pytest.mark.parametrize("kwargs, match", [
    ({"num_units": 0}, "num_units must be a positive integer"), ({"num_units": 2.0}, "num_units"),
    ({"num_units": 2, "axis": 0}, "non-batch axis"),
])
def test_invalid_arguments_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Maxout(**kwargs)


def test_axis_out_of_range_names_the_layer():
    with pytest.raises(ValueError, match=r"'mx' \(Maxout\): axis 3 is out of range"):
        Maxout(2, axis=3, name="mx")(np.zeros((2, 4)))
