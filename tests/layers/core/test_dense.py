"""Dense: PyTorch parity (Keras's kernel (in, out) is torch's weight transposed), input_dim/input_shape,
weights in Keras's shapes, and its error messages."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise.layers import Dense

pytestmark = pytest.mark.usefixtures("matrix_products")

TORCH_ACTIVATIONS = {
    None: lambda t: t, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
    "softmax": lambda t: torch.softmax(t, dim=-1), "elu": torch.nn.functional.elu,
    "softplus": torch.nn.functional.softplus, "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.2),
}


@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("input_shape", [(6, 5), (2, 3, 5)], ids=["rank2", "rank3"])
@pytest.mark.parametrize("activation", list(TORCH_ACTIVATIONS), ids=lambda a: a or "linear")
def test_matches_torch_linear(activation, input_shape, use_bias, float64, rng):
    layer = Dense(4, activation=activation, use_bias=use_bias, bias_initializer="random_normal")
    x = rng.normal(size=input_shape)
    dy = rng.normal(size=input_shape[:-1] + (4,))
    y = layer(x, training=True)
    dx = layer.backward(dy)

    linear = torch.nn.Linear(5, 4, bias=use_bias).double()
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(layer.kernel.value.T))
        if use_bias:
            linear.bias.copy_(torch.tensor(layer.bias.value))
    x_torch = torch.tensor(x, requires_grad=True)
    y_torch = TORCH_ACTIVATIONS[activation](linear(x_torch))
    y_torch.backward(torch.tensor(dy))

    tight = {"rtol": 1e-12, "atol": 1e-13}
    np.testing.assert_allclose(y, y_torch.detach().numpy(), **tight)
    np.testing.assert_allclose(dx, x_torch.grad.numpy(), **tight)
    np.testing.assert_allclose(layer.kernel.grad, linear.weight.grad.numpy().T, **tight)
    if use_bias:
        np.testing.assert_allclose(layer.bias.grad, linear.bias.grad.numpy(), **tight)


def test_backward_accumulates_into_grads(float64, rng):
    layer = Dense(3, activation="relu")
    x, dy = rng.normal(size=(4, 2)), rng.normal(size=(4, 3))
    layer(x)
    layer.backward(dy)
    once = layer.kernel.grad.copy(), layer.bias.grad.copy()
    layer.backward(dy)
    np.testing.assert_allclose(layer.kernel.grad, 2 * once[0])
    np.testing.assert_allclose(layer.bias.grad, 2 * once[1])


def test_a_hand_checkable_forward_and_backward():
    layer = Dense(2, kernel_initializer="ones", bias_initializer="ones", dtype="float64")
    x = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(layer(x), [[7.0, 7.0]])
    dx = layer.backward(np.array([[1.0, -2.0]]))
    np.testing.assert_array_equal(dx, [[-1.0, -1.0, -1.0]])
    np.testing.assert_array_equal(layer.kernel.grad, [[1.0, -2.0], [2.0, -4.0], [3.0, -6.0]])
    np.testing.assert_array_equal(layer.bias.grad, [1.0, -2.0])


def test_forward_leaves_the_input_untouched(rng):
    layer = Dense(5, activation="sigmoid", input_dim=5)
    x = rng.normal(size=(3, 5)).astype(np.float32)
    original = x.copy()
    layer(x)
    np.testing.assert_array_equal(x, original)


@pytest.mark.parametrize("kwargs", [{"input_dim": 784}, {"input_shape": (784,)}], ids=["input_dim", "input_shape"])
def test_input_dim_and_input_shape_build_the_model_at_once(kwargs):
    """Lecture 003 writes Dense(units=500, input_dim=784); Keras also accepts input_shape=(784,)."""
    model = layerwise.Sequential()
    model.add(Dense(500, activation="relu", **kwargs))
    model.add(Dense(10, activation="softmax"))
    assert model.built and model.input_shape == (None, 784)
    assert model.count_params() == 784 * 500 + 500 + 500 * 10 + 10
    assert [w.shape for w in model.get_weights()] == [(784, 500), (500,), (500, 10), (10,)]


def test_input_dim_and_input_shape_together_are_refused():
    with pytest.raises(ValueError, match="Dense: give input_shape or input_dim, not both"):
        Dense(3, input_dim=4, input_shape=(4,))


def test_declared_input_shape_is_enforced():
    layer = Dense(3, input_dim=4)
    with pytest.raises(ValueError, match=r"'dense' \(Dense\) was declared with input shape \(None, 4\), "
                                         r"received \(None, 5\)"):
        layer(np.zeros((2, 5)))


def test_wrong_input_after_build_names_layer_and_shapes():
    layer = Dense(3, name="hidden")
    layer(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"'hidden' \(Dense\) expected input of shape \(None, 4\), "
                                         r"received \(2, 5\)"):
        layer(np.zeros((2, 5)))


def test_get_and_set_weights_in_keras_shapes(rng):
    layer = Dense(3)
    layer(np.zeros((1, 4)))
    kernel, bias = layer.get_weights()
    assert kernel.shape == (4, 3) and bias.shape == (3,) and kernel.dtype == np.float32
    new = [rng.normal(size=(4, 3)), rng.normal(size=(3,))]
    layer.set_weights(new)
    np.testing.assert_allclose(layer(np.eye(4)), new[0] + new[1], rtol=1e-6, atol=1e-6)
    no_bias = Dense(3, use_bias=False)
    no_bias(np.zeros((1, 4)))
    assert [w.shape for w in no_bias.get_weights()] == [(4, 3)]
    assert [p.name for p in layer.weights] == ["dense/kernel", "dense/bias"]


def test_set_weights_errors_name_the_weight_and_shapes():
    layer = Dense(3)
    layer(np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"'dense' expects 2 weight arrays .*received 1"):
        layer.set_weights([np.zeros((4, 3))])
    with pytest.raises(ValueError, match=r"'dense/kernel' has shape \(4, 3\), received a value of shape \(3, 4\)"):
        layer.set_weights([np.zeros((3, 4)), np.zeros(3)])


@pytest.mark.parametrize("units", [0, -1, 2.5, "3", True])
def test_invalid_units(units):
    with pytest.raises(ValueError, match=rf"Dense: units must be a positive integer, received {units!r}"):
        Dense(units)


def test_initializers_are_used():
    layer = Dense(2, kernel_initializer="ones", bias_initializer=layerwise.initializers.Constant(0.5))
    layer(np.zeros((1, 3)))
    np.testing.assert_array_equal(layer.kernel.value, np.ones((3, 2)))
    np.testing.assert_array_equal(layer.bias.value, [0.5, 0.5])


def test_default_kernel_is_glorot_uniform():
    layer = Dense(300)
    layer(np.zeros((1, 200)))
    limit = np.sqrt(6 / 500)
    assert np.abs(layer.kernel.value).max() <= limit
    assert layer.kernel.value.var() == pytest.approx(limit**2 / 3, rel=0.05)
    np.testing.assert_array_equal(layer.bias.value, 0)


def test_unknown_activation_is_refused():
    with pytest.raises(ValueError, match="Unknown activation 'rellu'"):
        Dense(3, activation="rellu")
