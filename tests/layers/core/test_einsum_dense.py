"""EinsumDense: PyTorch parity (torch.einsum with the same kernel), Keras's kernel and bias shapes for its
documented equations, the Dense special case, and its error messages."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise.layers import Dense, EinsumDense

# (equation, output_shape, bias_axes, input shape, the equation torch runs with the ellipsis spelled out)
CASES = [
    ("ab,bc->ac", 4, "c", (3, 5), "ab,bc->ac"),
    ("abc,cd->abd", (None, 4), "d", (2, 3, 5), "abc,cd->abd"),
    ("abc,cde->abde", (None, 2, 4), "de", (2, 3, 5), "abc,cde->abde"),
    ("abcd,cde->abe", (None, 3), "e", (2, 3, 2, 4), "abcd,cde->abe"),
    ("...b,bc->...c", 4, "c", (2, 3, 5), "...b,bc->...c"),
    ("ab...,bc->ac...", 4, "c", (2, 5, 3), "ab...,bc->ac..."),
    ("abc,cd->ad", 4, None, (2, 3, 5), "abc,cd->ad"),
    ("abc,c->abc", (None, 5), "c", (2, 3, 5), "abc,c->abc"),
]


@pytest.mark.parametrize("equation, output_shape, bias_axes, input_shape, torch_equation", CASES,
                         ids=[case[0] for case in CASES])
def test_matches_torch_einsum(equation, output_shape, bias_axes, input_shape, torch_equation, float64, rng):
    layer = EinsumDense(equation, output_shape, bias_axes=bias_axes, activation="tanh",
                        bias_initializer="random_normal")
    x = rng.normal(size=input_shape)
    y = layer(x, training=True)
    dy = rng.normal(size=y.shape)
    dx = layer.backward(dy)

    x_torch = torch.tensor(x, requires_grad=True)
    kernel = torch.tensor(layer.kernel.value, requires_grad=True)
    z = torch.einsum(torch_equation, x_torch, kernel)
    if bias_axes:
        bias = torch.tensor(layer.bias.value, requires_grad=True)
        z = z + bias
    y_torch = torch.tanh(z)
    y_torch.backward(torch.tensor(dy))

    tight = {"rtol": 1e-12, "atol": 1e-13}
    np.testing.assert_allclose(y, y_torch.detach().numpy(), **tight)
    np.testing.assert_allclose(dx, x_torch.grad.numpy(), **tight)
    np.testing.assert_allclose(layer.kernel.grad, kernel.grad.numpy(), **tight)
    if bias_axes:
        np.testing.assert_allclose(layer.bias.grad, bias.grad.numpy(), **tight)


@pytest.mark.parametrize("equation, output_shape, bias_axes, input_shape, kernel_shape, bias_shape, y_shape", [
    ("ab,bc->ac", 64, "c", (None, 32), (32, 64), (64,), (None, 64)),
    ("abc,cd->abd", (None, 64), "d", (None, 32, 128), (128, 64), (64,), (None, 32, 64)),
    ("...x,xy->...y", 64, "y", (None, 32, 128), (128, 64), (64,), (None, 32, 64)),
    ("abc,cde->abde", (None, 8, 16), "de", (None, 5, 32), (32, 8, 16), (8, 16), (None, 5, 8, 16)),
    ("abc,cde->abde", (None, 8, 16), "e", (None, 5, 32), (32, 8, 16), (16,), (None, 5, 8, 16)),
    ("abc,cde->abde", (None, 8, 16), "d", (None, 5, 32), (32, 8, 16), (8, 1), (None, 5, 8, 16)),
    ("ab...,bc->ac...", 4, "c", (None, 5, 3, 2), (5, 4), (4, 1, 1), (None, 4, 3, 2)),
])
def test_kernel_bias_and_output_shapes_as_keras(equation, output_shape, bias_axes, input_shape, kernel_shape,
                                                bias_shape, y_shape):
    layer = EinsumDense(equation, output_shape, bias_axes=bias_axes)
    output = layer(layerwise.Input(shape=input_shape[1:]))
    assert layer.kernel.shape == kernel_shape and layer.bias.shape == bias_shape
    assert output.shape == y_shape


def test_is_dense_for_the_dense_equation(float64, rng):
    dense, einsum = Dense(3, bias_initializer="random_normal"), EinsumDense("...i,ij->...j", 3, bias_axes="j")
    x, dy = rng.normal(size=(4, 2, 5)), rng.normal(size=(4, 2, 3))
    dense(x)
    einsum(x)
    einsum.set_weights(dense.get_weights())
    np.testing.assert_allclose(einsum(x), dense(x), rtol=1e-13)
    np.testing.assert_allclose(einsum.backward(dy), dense.backward(dy), rtol=1e-13)
    np.testing.assert_allclose(einsum.kernel.grad, dense.kernel.grad, rtol=1e-13)
    np.testing.assert_allclose(einsum.bias.grad, dense.bias.grad, rtol=1e-13)


def test_float32_stays_float32(rng):
    layer = EinsumDense("abc,cde->abde", (None, 2, 3), bias_axes="de")
    y = layer(rng.normal(size=(2, 4, 5)).astype("float32"))
    assert y.dtype == np.float32
    assert layer.backward(np.ones_like(y)).dtype == np.float32 and layer.kernel.grad.dtype == np.float32


@pytest.mark.parametrize("kwargs, input_shape, message", [
    ({"equation": "ab,bc", "output_shape": 3}, (2, 4), "equation must be of the form"),
    ({"equation": "...b,bc->c", "output_shape": 3}, (2, 4), "equation must be of the form"),
    ({"equation": "ab,bc->ac", "output_shape": 3}, (2, 4, 5), "describes inputs of rank 2"),
    ({"equation": "abc,cd->abd", "output_shape": 3}, (2, 4, 5), "output_shape must give 2 sizes"),
    ({"equation": "abc,cd->abd", "output_shape": (7, 3)}, (2, 4, 5), "gives size 7 to axis 'b'"),
    ({"equation": "ab,bc->ac", "output_shape": 3, "bias_axes": "x"}, (2, 4), "bias_axes must be letters"),
    ({"equation": "ab,bc->ad", "output_shape": 3}, (2, 4), "output axis 'd'.*neither the input nor the kernel"),
    ({"equation": "ab,bc->ac", "output_shape": (None,)}, (2, 4), r"kernel axes \['c'\].*need a known size"),
    ({"equation": "aab,bc->ac", "output_shape": 3}, (2, 2, 4), "repeats a letter"),
])
def test_bad_equations_name_the_layer(kwargs, input_shape, message):
    layer = EinsumDense(name="proj", **kwargs)
    with pytest.raises(ValueError, match=message) as error:
        layer(np.zeros(input_shape, dtype="float32"))
    assert "'proj' (EinsumDense)" in str(error.value)


@pytest.mark.parametrize("kwargs, message", [
    ({"equation": 3, "output_shape": 2}, "equation must be a string"),
    ({"equation": "ab,bc->ac", "output_shape": 2, "bias_axes": 1}, "bias_axes must be a string"),
    ({"equation": "ab,bc->ac", "output_shape": "two"}, "output_shape must be a tuple"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=f"EinsumDense: {message}"):
        EinsumDense(**kwargs)
