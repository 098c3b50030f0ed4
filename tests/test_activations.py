"""Every activation function: gradient check, PyTorch parity, stability, in-place use, `get`.

One table, ACTIVATION_CASES, drives the gradient check and the parity test; a new activation is one
new row (name, kwargs, the torch equivalent, and an input sampler that keeps away from kinks).
"""

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerwise import activations

SHAPE = (4, 6)


def _normal(rng, shape):
    return rng.normal(scale=1.5, size=shape)


def _away_from(*kinks):
    """Normal inputs moved at least 0.1 off each kink, so central differences never straddle one."""
    def sample(rng, shape):
        x = _normal(rng, shape)
        for kink in kinks:
            x = np.where(np.abs(x - kink) < 0.1, kink + 0.2 * np.sign(x - kink + 1e-12), x)
        return x
    return sample


def _torch_hard_sigmoid(t):
    """F.hardsigmoid's backward multiplies by a float32 1/6 even in float64 (off by 3e-8), so the
    reference is the same formula written with clamp, which autograd differentiates exactly."""
    return torch.clamp(t / 6 + 0.5, 0.0, 1.0)


def _torch_sparsemax(t, axis):
    """Martins & Astudillo's sparsemax written in torch (autograd differentiates it through the sort)."""
    moved = t.movedim(axis, -1)
    ranked = torch.sort(moved, dim=-1, descending=True).values
    cumulative = ranked.cumsum(-1)
    k = torch.arange(1, moved.shape[-1] + 1, dtype=t.dtype)
    support = ((1 + k * ranked) > cumulative).sum(-1, keepdim=True)
    tau = (cumulative.gather(-1, support - 1) - 1) / support
    return torch.clamp(moved - tau, min=0).movedim(-1, axis)


def _torch_softmax(axis):
    return lambda t: torch.softmax(t, dim=axis)


@dataclass
class ActivationCase:
    id: str
    name: str
    torch_function: Callable
    kwargs: dict = field(default_factory=dict)
    sampler: Callable = _normal
    shape: tuple = SHAPE
    reads: Optional[str] = None

    def function(self):
        return activations.get(self.name, **self.kwargs)


ACTIVATION_CASES = [
    ActivationCase("linear", "linear", lambda t: t),
    ActivationCase("sigmoid", "sigmoid", torch.sigmoid),
    ActivationCase("tanh", "tanh", torch.tanh),
    ActivationCase("relu", "relu", F.relu, sampler=_away_from(0.0)),
    ActivationCase("leaky_relu_default", "leaky_relu", lambda t: F.leaky_relu(t, 0.2),
                   sampler=_away_from(0.0)),
    ActivationCase("leaky_relu_0.05", "leaky_relu", lambda t: F.leaky_relu(t, 0.05),
                   {"negative_slope": 0.05}, _away_from(0.0)),
    ActivationCase("elu", "elu", F.elu, sampler=_away_from(0.0)),
    ActivationCase("elu_alpha", "elu", lambda t: F.elu(t, alpha=0.6), {"alpha": 0.6}, _away_from(0.0)),
    ActivationCase("selu", "selu", F.selu, sampler=_away_from(0.0)),
    ActivationCase("softplus", "softplus", F.softplus),
    ActivationCase("softsign", "softsign", F.softsign, sampler=_away_from(0.0)),
    ActivationCase("silu", "silu", F.silu),
    ActivationCase("swish", "swish", F.silu),
    ActivationCase("hard_sigmoid", "hard_sigmoid", _torch_hard_sigmoid, sampler=_away_from(-3.0, 3.0)),
    ActivationCase("hard_sigmoid_wide", "hard_sigmoid", _torch_hard_sigmoid,
                   sampler=lambda rng, shape: _away_from(-3.0, 3.0)(rng, shape) * 3),
    ActivationCase("softmax", "softmax", _torch_softmax(-1)),
    ActivationCase("softmax_axis0", "softmax", _torch_softmax(0), {"axis": 0}),
    ActivationCase("softmax_axis1_rank3", "softmax", _torch_softmax(1), {"axis": 1}, shape=(2, 3, 4)),
    ActivationCase("exponential", "exponential", torch.exp),
    ActivationCase("relu6", "relu6", F.relu6, sampler=lambda rng, shape: _away_from(0.0, 6.0)(rng, shape) * 3),
    ActivationCase("hard_tanh", "hard_tanh", F.hardtanh, sampler=_away_from(-1.0, 1.0)),
    ActivationCase("hard_silu", "hard_silu", lambda t: t * torch.clamp(t + 3, 0, 6) / 6,
                   sampler=lambda rng, shape: _away_from(-3.0, 3.0)(rng, shape) * 3),
    ActivationCase("hard_swish", "hard_swish", lambda t: t * torch.clamp(t + 3, 0, 6) / 6,
                   sampler=_away_from(-3.0, 3.0)),
    ActivationCase("gelu", "gelu", F.gelu, sampler=lambda rng, shape: _normal(rng, shape) * 3),
    ActivationCase("gelu_approximate", "gelu", lambda t: F.gelu(t, approximate="tanh"), {"approximate": True}),
    ActivationCase("mish", "mish", F.mish),
    ActivationCase("celu", "celu", F.celu, sampler=_away_from(0.0)),
    # torch's CELU backward scales by 1/alpha in float32 even in float64 (off by 1e-7 at alpha=0.4): alpha=0.5 is exact.
    ActivationCase("celu_alpha", "celu", lambda t: F.celu(t, alpha=0.5), {"alpha": 0.5}, _away_from(0.0)),
    ActivationCase("log_sigmoid", "log_sigmoid", F.logsigmoid),
    ActivationCase("log_softmax", "log_softmax", lambda t: F.log_softmax(t, dim=-1)),
    ActivationCase("log_softmax_axis1_rank3", "log_softmax", lambda t: F.log_softmax(t, dim=1), {"axis": 1},
                   shape=(2, 3, 4)),
    ActivationCase("tanh_shrink", "tanh_shrink", F.tanhshrink),
    ActivationCase("hard_shrink", "hard_shrink", F.hardshrink, sampler=_away_from(-0.5, 0.5)),
    ActivationCase("soft_shrink", "soft_shrink", lambda t: F.softshrink(t, 0.3), {"threshold": 0.3},
                   _away_from(-0.3, 0.3)),
    ActivationCase("threshold", "threshold", lambda t: F.threshold(t, 0.2, -1.0),
                   {"threshold": 0.2, "default_value": -1.0}, _away_from(0.2)),
    ActivationCase("sparse_plus", "sparse_plus",
                   lambda t: torch.where(t >= 1, t, torch.clamp(t + 1, 0, 2) ** 2 / 4), sampler=_away_from(-1.0, 1.0)),
    ActivationCase("sparse_sigmoid", "sparse_sigmoid", lambda t: torch.clamp((t + 1) / 2, 0, 1),
                   sampler=_away_from(-1.0, 1.0)),
    ActivationCase("squareplus", "squareplus", lambda t: (t + torch.sqrt(t * t + 4)) / 2),
    ActivationCase("squareplus_b", "squareplus", lambda t: (t + torch.sqrt(t * t + 0.5)) / 2, {"b": 0.5}),
    ActivationCase("sparsemax", "sparsemax", lambda t: _torch_sparsemax(t, -1)),
    ActivationCase("sparsemax_axis0", "sparsemax", lambda t: _torch_sparsemax(t, 0), {"axis": 0}),
    # glu halves its axis: dJ/dy has the output's shape.
    ActivationCase("glu", "glu", lambda t: F.glu(t, dim=-1)),
    ActivationCase("glu_axis0_rank3", "glu", lambda t: F.glu(t, dim=0), {"axis": 0}, shape=(4, 3, 2)),
]
IDS = [case.id for case in ACTIVATION_CASES]


def test_glu_by_hand_and_its_odd_axis_refused():
    """glu([a, b]) = a sigmoid(b): glu([2, 0]) = 2 · 1/2 = 1; dJ/da = sigmoid(b) = 1/2, dJ/db = a/4 = 1/2."""
    f = activations.get("glu")
    x = np.array([[2.0, 0.0]])
    np.testing.assert_allclose(f(x), [[1.0]])
    np.testing.assert_allclose(f.backward(np.ones((1, 1)), x, f(x)), [[0.5, 0.5]])
    assert activations.glu(np.ones((2, 6)), axis=-1).shape == (2, 3)
    with pytest.raises(ValueError, match="even"):
        activations.glu(np.ones((2, 5)))


def _central_difference(function, x, dy, h=1e-6):
    """d sum(dy * f(x)) / dx, entry by entry."""
    numeric = np.empty_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        plus = np.sum(dy * function(x))
        x[index] = original - h
        minus = np.sum(dy * function(x))
        x[index] = original
        numeric[index] = (plus - minus) / (2 * h)
    return numeric


@pytest.mark.parametrize("case", ACTIVATION_CASES, ids=IDS)
def test_backward_matches_central_differences(case, rng):
    f = case.function()
    x = case.sampler(rng, case.shape)
    y = f.forward(x)
    dy = rng.normal(size=y.shape)
    analytic = f.backward(dy, x, y)
    numeric = _central_difference(f.forward, x.copy(), dy)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("case", ACTIVATION_CASES, ids=IDS)
def test_values_and_gradients_match_pytorch(case, rng):
    f = case.function()
    x = case.sampler(rng, case.shape)
    dy = rng.normal(size=f.forward(x).shape)
    x_torch = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y_torch = case.torch_function(x_torch)
    y_torch.backward(torch.tensor(dy))
    y = f.forward(x)
    np.testing.assert_allclose(y, y_torch.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(f.backward(dy, x, y), x_torch.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", ACTIVATION_CASES, ids=IDS)
def test_backward_reads_only_what_it_declares(case, rng):
    """Layers keep x only when `reads == "input"` (else y overwrites it in place) and keep y always."""
    f = case.function()
    x = case.sampler(rng, case.shape)
    y = f.forward(x)
    dy = rng.normal(size=y.shape)
    expected = f.backward(dy, x, y)
    kept_x = x if f.reads == "input" else None
    np.testing.assert_array_equal(f.backward(dy, kept_x, y), expected)


@pytest.mark.parametrize("case", ACTIVATION_CASES, ids=IDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_out_argument_gives_the_same_values(case, dtype, rng):
    f = case.function()
    x = case.sampler(rng, case.shape).astype(dtype)
    expected = f.forward(x)
    out = np.empty_like(expected)
    assert f.forward(x, out=out) is out
    np.testing.assert_array_equal(out, expected)
    if f.reads != "input":
        in_place = x.copy()
        f.forward(in_place, out=in_place)
        np.testing.assert_array_equal(in_place, expected)
    assert expected.dtype == dtype


@pytest.mark.parametrize("case", ACTIVATION_CASES, ids=IDS)
def test_float32_stays_float32(case, rng):
    f = case.function()
    x = case.sampler(rng, case.shape).astype(np.float32)
    y = f.forward(x)
    dx = f.backward(np.ones_like(y), x, y)
    assert y.dtype == np.float32 and dx.dtype == np.float32 and dx.shape == x.shape


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "softmax", "tanh", "silu", "softsign",
                                  "hard_sigmoid", "elu", "selu", "gelu", "mish", "celu", "log_sigmoid",
                                  "log_softmax", "squareplus", "sparsemax", "tanh_shrink"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_finite_at_plus_minus_1000(name, dtype):
    f = activations.get(name)
    x = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = f.forward(x)
        dx = f.backward(np.ones_like(x), x, y)
    assert np.isfinite(y).all() and np.isfinite(dx).all()


def test_stable_values_at_extremes():
    x = np.array([[-1000.0, 1000.0]])
    np.testing.assert_array_equal(activations.sigmoid(x), [[0.0, 1.0]])
    np.testing.assert_array_equal(activations.softplus(x), [[0.0, 1000.0]])
    np.testing.assert_array_equal(activations.softmax(x), [[0.0, 1.0]])
    np.testing.assert_allclose(activations.softmax(np.array([[1000.0, 1000.0]])), [[0.5, 0.5]])


def test_sign_and_step_forward_values():
    x = np.array([-2.0, -0.0, 0.0, 0.5])
    np.testing.assert_array_equal(activations.get("sign").forward(x), [-1.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(activations.get("step").forward(x), [0.0, 1.0, 1.0, 1.0])
    assert activations.step(x.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize("name", ["sign", "step"])
def test_sign_and_step_refuse_backpropagation(name):
    f = activations.get(name)
    x = np.array([[-1.0, 1.0]])
    with pytest.raises(ValueError, match=rf"'{name}'.*no useful derivative.*cannot be backpropagated"):
        f.backward(np.ones_like(x), x, f.forward(x))


def test_sign_activation_in_a_dense_layer_refuses_backward():
    from layerwise.layers import Dense

    layer = Dense(2, activation="step", input_dim=3)
    y = layer(np.ones((1, 3)))
    with pytest.raises(ValueError, match="'step'"):
        layer.backward(np.ones_like(y))


@pytest.mark.parametrize("identifier", [
    "relu", activations.relu, activations.get("relu"), {"class_name": "relu", "config": {}}])
def test_get_accepts_names_functions_instances_and_dicts(identifier):
    f = activations.get(identifier)
    assert isinstance(f, activations.ActivationFunction) and f.name == "relu"
    np.testing.assert_array_equal(f(np.array([-1.0, 2.0])), [0.0, 2.0])


def test_get_none_is_linear_and_kwargs_are_kept():
    assert activations.get(None).name == "linear"
    f = activations.get("leaky_relu", negative_slope=0.1)
    assert f.kwargs == {"negative_slope": 0.1}
    np.testing.assert_allclose(f(np.array([-1.0])), [-0.1])


@pytest.mark.parametrize("identifier", [
    "leaky_relu", activations.get("softmax", axis=1), activations.get("elu", alpha=0.5)])
def test_serialize_round_trip(identifier, rng):
    f = activations.get(identifier)
    clone = activations.get(activations.serialize(f))
    x = rng.normal(size=(3, 4))
    assert clone.name == f.name and clone.kwargs == f.kwargs
    np.testing.assert_array_equal(clone(x), f(x))


@pytest.mark.parametrize("identifier", ["rleu", "Relu", np.tanh, 3])
def test_get_rejects_unknown_identifiers_with_the_known_names(identifier):
    with pytest.raises(ValueError, match=r"Unknown activation .*known names: \[.*'relu'"):
        activations.get(identifier)


@pytest.mark.parametrize("shape", [(), (7,), (3, 16384 + 5), (2, 16384)])
@pytest.mark.parametrize("layout", ["contiguous", "strided", "int"])
def test_relu_is_max_x_0_for_every_size_and_layout(shape, layout, rng):
    """relu compares contiguous float arrays with rows of zeros; every other array takes np.maximum."""
    pairs = rng.standard_normal(shape + (2,)).astype(np.float32)
    if layout == "int":
        x = (10 * pairs[..., 0]).astype(np.int64)
    else:
        pairs.reshape(-1)[::7] = np.nan
        x = pairs[..., 0] if layout == "strided" else pairs[..., 0].copy()
    expected = np.maximum(x, 0)
    np.testing.assert_array_equal(activations.relu(x), expected)
    out = np.empty_like(x)
    assert activations.relu(x, out=out) is out
    np.testing.assert_array_equal(out, expected)
    if layout == "contiguous":
        activations.relu(x, out=x)
        np.testing.assert_array_equal(x, expected)


def test_glu_as_an_activation_layer_halves_the_units_and_trains(rng):
    import layerwise
    from layerwise.layers import Activation, Dense

    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(8), Activation("glu"), Dense(1)])
    assert model.layers[1].compute_output_shape((None, 8)) == (None, 4) and model.layers[2].kernel.shape == (4, 1)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = np.tanh(x @ np.array([[1.0], [-1.0], [0.5]], dtype="float32"))
    model.compile(optimizer=layerwise.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
