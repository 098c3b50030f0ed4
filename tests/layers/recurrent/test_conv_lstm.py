"""ConvLSTM1D/2D/3D: parity (float64) with a convolutional LSTM written with torch's conv1d/conv2d/conv3d and
differentiated by autograd (torch has no ConvLSTM layer), plus shapes, states, masks, Keras defaults, errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import layerwise
from layerwise import layers
from layerwise.layers import serialization


def _torch_conv(x, kernel, geometry, rank):
    """Channels-first x convolved as the layer's geometry says (explicit, possibly uneven, padding); a 1-D
    layer's geometry is that of an image of height 1."""
    axes = slice(len(geometry.strides) - rank, None)
    padded = F.pad(x, [p for before_after in reversed(geometry.pads[axes]) for p in before_after])
    convolve = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[rank]
    return convolve(padded, kernel.permute(rank + 1, rank, *range(rank)), stride=geometry.strides[axes],
                    dilation=geometry.dilation[axes])


def _torch_conv_lstm(layer, x):
    """The layer's forward pass in torch: x (N, T, *S, C) channels-last -> outputs (N, T, *S', F)."""
    cell, rank = layer.cell, layer.rank
    kernel, recurrent = (torch.from_numpy(p.value).requires_grad_() for p in (cell.kernel, cell.recurrent_kernel))
    bias = torch.from_numpy(cell.bias.value).requires_grad_()
    channels_first = [0, rank + 1, *range(1, rank + 1)]
    filters, batch = cell.units, x.shape[0]
    h = c = torch.zeros((batch, filters) + cell.state_shape[:-1], dtype=torch.float64)
    outputs = []
    for t in range(x.shape[1]):
        z = (_torch_conv(x[:, t].permute(*channels_first), kernel, cell.geometry, rank)
             + _torch_conv(h, recurrent, cell.recurrent_geometry, rank) + bias.reshape((1, -1) + (1,) * rank))
        i, f, g, o = torch.split(z, filters, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs.append(h.permute(0, *range(2, rank + 2), 1))
    return torch.stack(outputs, dim=1), (kernel, recurrent, bias)


@pytest.mark.parametrize("make, shape", [
    (lambda: layers.ConvLSTM2D(3, 3, padding="same", bias_initializer="random_normal", return_sequences=True),
     (2, 6, 5, 4, 2)),
    (lambda: layers.ConvLSTM2D(2, (2, 3), strides=(2, 1), dilation_rate=1, bias_initializer="random_normal",
                               return_sequences=True), (2, 5, 5, 6, 3)),
    (lambda: layers.ConvLSTM2D(2, 2, padding="same", dilation_rate=2, return_sequences=True,
                               bias_initializer="random_normal"), (1, 4, 5, 5, 2)),
    (lambda: layers.ConvLSTM1D(3, 4, padding="same", strides=2, return_sequences=True,
                               bias_initializer="random_normal"), (2, 6, 7, 2)),
    (lambda: layers.ConvLSTM3D(2, (2, 3, 2), padding="same", strides=(2, 1, 1), return_sequences=True,
                               bias_initializer="random_normal"), (2, 3, 3, 4, 3, 2)),
    (lambda: layers.ConvLSTM3D(2, 2, dilation_rate=(2, 1, 1), return_sequences=True,
                               bias_initializer="random_normal"), (1, 3, 4, 3, 3, 1)),
], ids=["2d_same", "2d_valid_strided", "2d_same_dilated_even_kernel", "1d_same_strided_even_kernel",
        "3d_same_strided_even_kernel", "3d_valid_dilated"])
def test_matches_a_torch_conv_lstm(make, shape, float64, rng):
    layer = make()
    x = rng.normal(size=shape)
    y = layer(x, training=True)
    dy = rng.normal(size=y.shape)
    dx = layer.backward(dy)
    x_torch = torch.from_numpy(x).requires_grad_()
    y_torch, weights = _torch_conv_lstm(layer, x_torch)
    y_torch.backward(torch.from_numpy(dy))
    np.testing.assert_allclose(y, y_torch.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, x_torch.grad.numpy(), rtol=1e-9, atol=1e-11)
    for parameter, twin in zip(layer.weights, weights, strict=True):
        np.testing.assert_allclose(parameter.grad, twin.grad.numpy(), rtol=1e-9, atol=1e-11)
    assert np.abs(dx[:, 0]).max() > 1e-6, "the gradient must reach the first step for the test to mean much"


def test_keras_defaults_shapes_and_return_state(rng):
    layer = layers.ConvLSTM2D(4, (3, 2), strides=(1, 2), return_sequences=True, return_state=True)
    x = rng.normal(size=(2, 3, 6, 7, 5)).astype("float32")
    output, h, c = layer(x)
    assert output.shape == (2, 3, 4, 3, 4) == layer.compute_output_shape(x.shape)[:1] + (3, 4, 3, 4)
    assert h.shape == c.shape == (2, 4, 3, 4) and h.dtype == np.float32
    np.testing.assert_array_equal(h, output[:, -1])
    assert layer.kernel.shape == (3, 2, 5, 16) and layer.recurrent_kernel.shape == (3, 2, 4, 16)
    np.testing.assert_array_equal(layer.bias.value, [0] * 4 + [1] * 4 + [0] * 8)
    assert (layer.filters, layer.kernel_size, layer.strides, layer.padding) == (4, (3, 2), (1, 2), "valid")
    assert layer.activation.name == "tanh" and layer.recurrent_activation.name == "sigmoid"
    assert [p.name for p in layer.weights] == [f"{layer.name}/{w}" for w in ("kernel", "recurrent_kernel", "bias")]
    config = layer.get_config()
    assert config["filters"] == 4 and "units" not in config and "rank" not in config
    clone = serialization.deserialize(serialization.serialize(layer))
    assert serialization.serialize(clone) == serialization.serialize(layer)


def test_return_state_gradients_by_finite_differences(float64, rng):
    layer = layers.ConvLSTM1D(2, 3, padding="same", return_state=True)
    x = rng.normal(size=(2, 3, 4, 2))
    output, h, c = layer(x)
    dy, dc = rng.normal(size=output.shape), rng.normal(size=c.shape)
    dx = layer.backward([dy, None, dc])
    epsilon, numeric = 1e-6, np.zeros_like(x)
    for index in np.ndindex(x.shape):
        for sign in (1, -1):
            x[index] += sign * epsilon
            out, _, cell = layer(x)
            numeric[index] += sign * (np.sum(dy * out) + np.sum(dc * cell)) / (2 * epsilon)
            x[index] -= sign * epsilon
    np.testing.assert_allclose(dx, numeric, rtol=1e-6, atol=1e-9)


def test_stateful_halves_and_masked_steps(rng):
    x = rng.normal(size=(2, 6, 4, 4, 1)).astype("float32")
    whole = layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True)
    expected = whole(x)
    halves = layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True, stateful=True)
    halves.build_for(x.shape)
    halves.set_weights(whole.get_weights())
    y = np.concatenate([halves(x[:, :3]), halves(x[:, 3:])], axis=1)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
    mask = np.array([[True, True, True, False, False, False], [True] * 6])
    masked = whole(x, mask=mask)
    np.testing.assert_array_equal(masked[0, 3:], 0.0)
    last = layers.ConvLSTM2D(2, 3, padding="same")
    last.build_for(x.shape)
    last.set_weights(whole.get_weights())
    np.testing.assert_allclose(last(x, mask=mask)[0], expected[0, 2], rtol=1e-6)


def test_trains_in_a_sequential(rng):
    x = rng.normal(size=(32, 4, 5, 5, 1)).astype("float32")
    y = (x[:, :, 2, 2, 0].sum(axis=1) > 0).astype("float32")[:, None]
    model = layerwise.Sequential([layerwise.Input(shape=(4, 5, 5, 1)), layers.ConvLSTM2D(4, 3, padding="same"),
                                  layers.GlobalAveragePooling2D(), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=layerwise.optimizers.Adam(0.02), loss="binary_crossentropy")
    history = model.fit(x, y, epochs=15, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]


@pytest.mark.parametrize("make, message", [
    (lambda: layers.ConvLSTM2D(0, 3), "ConvLSTM2D: filters must be a positive integer"),
    (lambda: layers.ConvLSTM2D(2, 3, padding="causal"), "padding"),
    (lambda: layers.ConvLSTM2D(2, 3, data_format="channels_first"), "channels_last"),
    (lambda: layers.ConvLSTM1D(2, (3, 3)), "kernel_size"),
    (lambda: layers.ConvLSTM2D(2, 3, dropout=1.5), "dropout must be in"),
    (lambda: layers.ConvLSTM2D(2, 3)(np.ones((1, 2, 5, 5))), r"rank 5 \(batch, time, rows, cols, channels\)"),
    (lambda: layers.ConvLSTM2D(2, 4)(np.ones((1, 2, 3, 5, 1))), "states of spatial size"),
    (lambda: layers.ConvLSTM3D(2, 3)(np.ones((1, 2, 5, 5, 1))), r"rank 6 \(batch, time, depth, rows, cols, channels\)"),
])
def test_errors_name_the_layer_and_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()
