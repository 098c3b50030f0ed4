"""ZeroPadding2D, Cropping2D and UpSampling2D against NumPy and PyTorch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerwise import layers


def test_zero_padding_and_cropping_are_adjoint(rng):
    x = rng.normal(size=(2, 3, 4, 2)).astype("float32")
    pad = layers.ZeroPadding2D(((1, 2), (0, 3)))
    y = pad(x)
    np.testing.assert_array_equal(y, np.pad(x, ((0, 0), (1, 2), (0, 3), (0, 0))))
    dy = rng.normal(size=y.shape).astype("float32")
    np.testing.assert_array_equal(pad.backward(dy), dy[:, 1:4, 0:4])
    crop = layers.Cropping2D(((1, 2), (0, 3)))
    np.testing.assert_array_equal(crop(y), x)
    np.testing.assert_array_equal(crop.backward(x), y)


@pytest.mark.parametrize("value, expected", [(2, ((2, 2), (2, 2))), ((1, 3), ((1, 1), (3, 3))),
                                             (((0, 1), (2, 3)), ((0, 1), (2, 3)))])
def test_padding_argument_forms(value, expected):
    assert layers.ZeroPadding2D(value).padding == expected
    assert layers.Cropping2D(value).cropping == expected


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="padding"):
        layers.ZeroPadding2D(-1)
    with pytest.raises(ValueError, match="leaves nothing"):
        layers.Cropping2D(2)(np.zeros((1, 4, 4, 1)))
    with pytest.raises(ValueError, match="interpolation"):
        layers.UpSampling2D(interpolation="bilinear")


def test_up_sampling_matches_torch_nearest(float64, rng):
    layer = layers.UpSampling2D((2, 3))
    x = rng.normal(size=(2, 3, 4, 2))
    xt = torch.tensor(np.moveaxis(x, -1, 1).copy(), requires_grad=True)
    yt = F.interpolate(xt, scale_factor=(2, 3), mode="nearest")
    y = layer(x)
    np.testing.assert_allclose(y, np.moveaxis(yt.detach().numpy(), 1, -1))
    dy = rng.normal(size=y.shape)
    yt.backward(torch.tensor(np.moveaxis(dy, -1, 1).copy()))
    np.testing.assert_allclose(layer.backward(dy), np.moveaxis(xt.grad.numpy(), 1, -1), rtol=1e-12)
