"""Keras's lowercase merge functions, Minimum and Dot (against torch), and the layer aliases."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise import layers


@pytest.mark.parametrize("function, cls, kwargs", [
    (layers.add, layers.Add, {}), (layers.subtract, layers.Subtract, {}), (layers.multiply, layers.Multiply, {}),
    (layers.average, layers.Average, {}), (layers.maximum, layers.Maximum, {}), (layers.minimum, layers.Minimum, {}),
    (layers.concatenate, layers.Concatenate, {"axis": 1}), (layers.dot, layers.Dot, {"axes": 1})])
def test_a_merge_function_is_its_layer_called_on_the_inputs(function, cls, kwargs, rng):
    a, b = layers.Input(shape=(3,)), layers.Input(shape=(3,))
    model = layerwise.Model([a, b], function([a, b], name="merged", **kwargs))
    assert type(model.get_layer("merged")) is cls
    x = [rng.normal(size=(4, 3)).astype("float32") for _ in range(2)]
    np.testing.assert_array_equal(model.predict(x, verbose=0), cls(**kwargs)(x))


def test_minimum_passes_the_gradient_to_the_smaller_input():
    layer = layers.Minimum()
    y = layer([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])])
    np.testing.assert_array_equal(y, [[1.0, 2.0]])
    first, second = layer.backward(np.array([[10.0, 20.0]], dtype="float32"))
    np.testing.assert_array_equal(first, [[10.0, 0.0]])
    np.testing.assert_array_equal(second, [[0.0, 20.0]])


@pytest.mark.parametrize("shapes, axes, normalize, equation", [
    ([(3, 4), (3, 4)], 1, False, "bk,bk->b"),
    ([(2, 3, 4), (2, 5, 3)], (1, 2), False, "bkp,bqk->bpq"),
    ([(2, 3, 4), (2, 5, 4)], -1, True, "bpk,bqk->bpq"),
])
def test_dot_matches_torch(shapes, axes, normalize, equation, float64, rng):
    a, b = (rng.normal(size=shape) for shape in shapes)
    layer = layers.Dot(axes=axes, normalize=normalize)
    y = layer([a, b])
    dy = rng.normal(size=y.shape)
    ta, tb = (torch.tensor(v, requires_grad=True) for v in (a, b))
    axis = [axes] * 2 if isinstance(axes, int) else list(axes)
    na, nb = (torch.nn.functional.normalize(t, dim=k) if normalize else t for t, k in zip((ta, tb), axis))
    expected = torch.einsum(equation, na, nb)
    expected = expected.reshape(y.shape)
    expected.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, expected.detach().numpy(), rtol=1e-12)
    for grad, t in zip(layer.backward(dy), (ta, tb)):
        np.testing.assert_allclose(grad, t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_dot_shapes_and_errors():
    assert layers.Dot(axes=1).compute_output_shape([(None, 4), (None, 4)]) == (None, 1)
    assert layers.Dot(axes=(1, 2)).compute_output_shape([(None, 3, 4), (None, 5, 3)]) == (None, 4, 5)
    with pytest.raises(ValueError, match=r"Layer 'd' \(Dot\): the sizes on axes 1 differ"):
        layers.Dot(axes=1, name="d")([np.ones((2, 3)), np.ones((2, 4))])
    with pytest.raises(ValueError, match="axes must be an int or a pair of ints, received 'last'"):
        layers.Dot(axes="last")
    with pytest.raises(ValueError, match="expects a list of 2 inputs, received 3"):
        layers.Dot(axes=1)([np.ones((2, 3))] * 3)


@pytest.mark.parametrize("alias, cls", [
    ("Convolution1D", "Conv1D"), ("Convolution2D", "Conv2D"), ("Convolution2DTranspose", "Conv2DTranspose"),
    ("MaxPool1D", "MaxPooling1D"), ("MaxPool2D", "MaxPooling2D"), ("AvgPool2D", "AveragePooling2D"),
    ("GlobalMaxPool2D", "GlobalMaxPooling2D"), ("GlobalAvgPool2D", "GlobalAveragePooling2D")])
def test_keras_layer_aliases_are_the_classes(alias, cls):
    assert getattr(layers, alias) is getattr(layers, cls)


def test_layers_serialize_and_deserialize_as_keras():
    clone = layers.deserialize(layers.serialize(layers.Dot(axes=(1, 2), normalize=True, name="d")))
    assert (type(clone), clone.axes, clone.normalize, clone.name) == (layers.Dot, [1, 2], True, "d")


def test_merges_built_for_steps_of_free_length_take_any_length(rng):
    a, b = layers.Input(shape=(None, 3)), layers.Input(shape=(None, 3))
    model = layerwise.Model([a, b], layers.Add()([a, b]))
    for steps in (2, 5):
        x = [rng.normal(size=(4, steps, 3)).astype("float32") for _ in range(2)]
        np.testing.assert_array_equal(model.predict(x, verbose=0), x[0] + x[1])
    with pytest.raises(ValueError, match=r"expected inputs of shapes \['\(None, None, 3\)', '\(None, None, 3\)'\]"):
        model.layers[-1]([np.ones((4, 2, 3)), np.ones((4, 2, 4))])
