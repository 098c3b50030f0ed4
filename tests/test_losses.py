"""Every loss: PyTorch parity of values and gradients, a central-difference gradient table, the fused
softmax/sigmoid gradients, target checks, and Keras's per-sample reduction.

Predictions are drawn away from Keras's clip regions ([eps, 1 - eps] for probabilities) and from the
kinks of MAE and Huber, where neither finite differences nor a comparison with PyTorch (which clamps
its logarithms differently) means anything.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerwise import activations, losses

N, C = 5, 4
EPS = 1e-7


def _normal(rng, shape):
    return rng.normal(size=shape)


def _probabilities(rng, shape):
    return rng.uniform(0.05, 0.95, size=shape)


def _unnormalized_positive(rng, shape):
    """Positive scores that do not sum to one, to exercise Keras's renormalization."""
    return rng.uniform(0.1, 1.0, size=shape)


def _distribution(rng, shape):
    return rng.dirichlet(np.ones(shape[-1]), size=shape[:-1]) * 0.9 + 0.1 / shape[-1]


def _one_hot(rng, shape):
    return np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]


def _binary(rng, shape):
    return rng.integers(0, 2, size=shape).astype(np.float64)


def _labels(rng, shape):
    return rng.integers(0, shape[-1], size=shape[:-1])


def _offset_from(targets, minimum_gap, *kinks):
    """Predictions y + e with |e| kept at least 0.05 off each kink of the loss in e."""
    def sample(rng, shape):
        error = rng.normal(scale=1.5, size=shape)
        for kink in kinks:
            close = np.abs(np.abs(error) - kink) < minimum_gap
            error = np.where(close, np.sign(error) * (kink + 2 * minimum_gap), error)
        return targets + error
    return sample


def _signs(rng, shape):
    return rng.choice([-1.0, 1.0], size=shape)


def _away_from_margin(rng, shape):
    """Predictions kept 0.05 off ±1, the hinge's kinks for targets ±1."""
    p = rng.normal(scale=1.5, size=shape)
    return np.where(np.abs(np.abs(p) - 1) < 0.05, np.sign(p) * 1.1, p)


def _torch_binary_focal(balanced=False, alpha=0.25, gamma=2.0, logits=False, smoothing=0.0):
    """Keras's binary focal cross-entropy: the mean of w (1 - p_t)^γ bce over every entry."""
    def loss(y, p):
        y = y * (1 - smoothing) + 0.5 * smoothing
        p = torch.sigmoid(p) if logits else p
        clipped = torch.clamp(p, EPS, 1 - EPS)
        bce = -(y * torch.log(clipped) + (1 - y) * torch.log(1 - clipped))
        weight = y * alpha + (1 - y) * (1 - alpha) if balanced else 1.0
        return (weight * (1 - (y * p + (1 - y) * (1 - p))) ** gamma * bce).mean()
    return loss


def _torch_categorical_focal(alpha=0.25, gamma=2.0, logits=False, smoothing=0.0):
    """Keras's categorical focal cross-entropy: the mean over rows of sum_i α (1 - p_i)^γ (-y_i log p_i)."""
    def loss(y, p):
        y = y * (1 - smoothing) + smoothing / y.shape[-1]
        p = torch.softmax(p, -1) if logits else p
        p = torch.clamp(p / p.sum(-1, keepdim=True), EPS, 1 - EPS)
        return (alpha * (1 - p) ** gamma * -y * torch.log(p)).sum(-1).mean()
    return loss


def _t(array):
    return torch.tensor(array, dtype=torch.float64)


def _torch_categorical(y, p, smoothing=0.0):
    y = y * (1 - smoothing) + smoothing / y.shape[-1]
    return -(y * torch.log(p / p.sum(-1, keepdim=True))).sum(-1).mean()


def _torch_binary(y, p, smoothing=0.0):
    return F.binary_cross_entropy(p, y * (1 - smoothing) + 0.5 * smoothing)


def _torch_binary_logits(y, z, smoothing=0.0):
    return F.binary_cross_entropy_with_logits(z, y * (1 - smoothing) + 0.5 * smoothing)


@dataclass
class LossCase:
    id: str
    factory: Callable
    y_true: Callable
    y_pred: Callable
    torch_loss: Callable
    shape: tuple = (N, C)
    sparse: bool = False
    reduced_axis: int = -1  # the axis `call` reduces (the last, unless the loss takes an axis)


LOSS_CASES = [
    LossCase("mse", losses.MeanSquaredError, _normal, _normal, F.mse_loss),
    LossCase("mse_rank3", losses.MeanSquaredError, _normal, _normal, F.mse_loss, shape=(2, 3, 4)),
    LossCase("mae", losses.MeanAbsoluteError, _normal, None, F.l1_loss),
    LossCase("huber", losses.Huber, _normal, None, F.huber_loss),
    LossCase("huber_delta", lambda: losses.Huber(delta=0.4), _normal, None,
             lambda y, p: F.huber_loss(p, y, delta=0.4)),
    LossCase("bce", losses.BinaryCrossentropy, _binary, _probabilities, _torch_binary),
    LossCase("bce_soft_targets", losses.BinaryCrossentropy, _probabilities, _probabilities, _torch_binary),
    LossCase("bce_smoothing", lambda: losses.BinaryCrossentropy(label_smoothing=0.2), _binary,
             _probabilities, lambda y, p: _torch_binary(y, p, 0.2)),
    LossCase("bce_logits", lambda: losses.BinaryCrossentropy(from_logits=True), _binary, _normal,
             _torch_binary_logits),
    LossCase("bce_logits_smoothing", lambda: losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
             _binary, _normal, lambda y, z: _torch_binary_logits(y, z, 0.1)),
    LossCase("cce", losses.CategoricalCrossentropy, _one_hot, _unnormalized_positive, _torch_categorical),
    LossCase("cce_soft_targets", losses.CategoricalCrossentropy, _distribution, _distribution,
             _torch_categorical),
    LossCase("cce_smoothing", lambda: losses.CategoricalCrossentropy(label_smoothing=0.1), _one_hot,
             _unnormalized_positive, lambda y, p: _torch_categorical(y, p, 0.1)),
    LossCase("cce_rank3", losses.CategoricalCrossentropy, _one_hot, _unnormalized_positive,
             _torch_categorical, shape=(2, 3, 4)),
    LossCase("cce_logits", lambda: losses.CategoricalCrossentropy(from_logits=True), _one_hot, _normal,
             lambda y, z: F.cross_entropy(z, y)),
    LossCase("cce_logits_smoothing",
             lambda: losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2), _one_hot,
             _normal, lambda y, z: F.cross_entropy(z, y, label_smoothing=0.2)),
    LossCase("sparse_cce", losses.SparseCategoricalCrossentropy, _labels, _unnormalized_positive,
             lambda y, p: F.nll_loss(torch.log(p / p.sum(-1, keepdim=True)), y), sparse=True),
    LossCase("sparse_cce_logits", lambda: losses.SparseCategoricalCrossentropy(from_logits=True), _labels,
             _normal, lambda y, z: F.cross_entropy(z, y), sparse=True),
    LossCase("kl_divergence", losses.KLDivergence, _distribution, _distribution,
             lambda y, p: F.kl_div(torch.log(p), y, reduction="batchmean")),
    # the losses of issue 18, each against its formula written in torch where torch has no equal
    LossCase("mape", losses.MeanAbsolutePercentageError, _normal, None,
             lambda y, p: 100 * (torch.abs(y - p) / torch.abs(y)).mean()),
    LossCase("msle", losses.MeanSquaredLogarithmicError, _probabilities, _unnormalized_positive,
             lambda y, p: ((torch.log1p(p) - torch.log1p(y)) ** 2).mean()),
    LossCase("log_cosh", losses.LogCosh, _normal, _normal, lambda y, p: torch.log(torch.cosh(p - y)).mean()),
    LossCase("cosine_similarity", losses.CosineSimilarity, _normal, _normal,
             lambda y, p: -F.cosine_similarity(p, y, dim=-1).mean()),
    LossCase("cosine_similarity_axis1", lambda: losses.CosineSimilarity(axis=1), _normal, _normal,
             lambda y, p: -F.cosine_similarity(p, y, dim=1).mean(), shape=(2, 3, 4), reduced_axis=1),
    LossCase("poisson", losses.Poisson, _unnormalized_positive, _unnormalized_positive,
             lambda y, p: (p - y * torch.log(p + EPS)).mean()),
    LossCase("hinge", losses.Hinge, _binary, _away_from_margin, lambda y, p: F.relu(1 - (2 * y - 1) * p).mean()),
    LossCase("hinge_signed", losses.Hinge, _signs, _away_from_margin, lambda y, p: F.relu(1 - y * p).mean()),
    LossCase("squared_hinge", losses.SquaredHinge, _binary, _away_from_margin,
             lambda y, p: (F.relu(1 - (2 * y - 1) * p) ** 2).mean()),
    LossCase("categorical_hinge", losses.CategoricalHinge, _one_hot, _normal,
             lambda y, p: F.relu(((1 - y) * p).max(-1).values - (y * p).sum(-1) + 1).mean()),
    LossCase("binary_focal", losses.BinaryFocalCrossentropy, _binary, _probabilities, _torch_binary_focal()),
    LossCase("binary_focal_balanced_smoothed_logits",
             lambda: losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, gamma=1.5,
                                                    from_logits=True, label_smoothing=0.1),
             _binary, _normal, _torch_binary_focal(True, 0.3, 1.5, True, 0.1)),
    LossCase("categorical_focal", losses.CategoricalFocalCrossentropy, _one_hot, _unnormalized_positive,
             _torch_categorical_focal()),
    LossCase("categorical_focal_logits_smoothed",
             lambda: losses.CategoricalFocalCrossentropy(alpha=0.5, gamma=3.0, from_logits=True,
                                                         label_smoothing=0.1),
             _one_hot, _normal, _torch_categorical_focal(0.5, 3.0, True, 0.1)),
    LossCase("categorical_generalized_ce", losses.CategoricalGeneralizedCrossEntropy, _labels, _distribution,
             lambda y, p: ((1 - p.gather(-1, y[:, None]) ** 0.5) / 0.5).mean(), sparse=True),
    LossCase("dice_per_row", lambda: losses.Dice(axis=-1), _binary, _probabilities,
             lambda y, p: (1 - 2 * (y * p).sum(-1) / (y.sum(-1) + p.sum(-1) + EPS)).mean()),
    LossCase("tversky_per_row", lambda: losses.Tversky(alpha=0.3, beta=0.7, axis=-1), _binary, _probabilities,
             lambda y, p: (1 - (y * p).sum(-1) / ((y * p).sum(-1) + 0.3 * ((1 - p) * y).sum(-1)
                                                  + 0.7 * (p * (1 - y)).sum(-1) + EPS)).mean()),
]
IDS = [case.id for case in LOSS_CASES]
KINKS = {"mae": (0.0,), "huber": (1.0,), "huber_delta": (0.4,), "mape": (0.0,)}


def _sample(case, rng):
    y = case.y_true(rng, case.shape)
    if case.y_pred is None:
        return y, _offset_from(y, 0.05, *KINKS[case.id])(rng, case.shape)
    return y, case.y_pred(rng, case.shape)


@pytest.mark.parametrize("case", LOSS_CASES, ids=IDS)
def test_value_and_gradient_match_pytorch(case, rng):
    loss = case.factory()
    y, p = _sample(case, rng)
    p_torch = _t(p).requires_grad_(True)
    y_torch = torch.tensor(y) if case.sparse else _t(y)
    if len(case.shape) == 3 and case.id.startswith("cce"):
        value_torch = case.torch_loss(y_torch.reshape(-1, C), p_torch.reshape(-1, C))
    else:
        value_torch = case.torch_loss(y_torch, p_torch)
    value_torch.backward()
    np.testing.assert_allclose(loss(y, p), value_torch.item(), rtol=1e-12)
    np.testing.assert_allclose(loss.gradient(y, p), p_torch.grad.numpy(), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("case", LOSS_CASES, ids=IDS)
def test_gradient_matches_central_differences(case, rng):
    loss = case.factory()
    y, p = _sample(case, rng)
    analytic = loss.gradient(y, p)
    numeric = np.empty_like(p)
    h = 1e-6
    for index in np.ndindex(p.shape):
        original = p[index]
        p[index] = original + h
        plus = loss(y, p)
        p[index] = original - h
        minus = loss(y, p)
        p[index] = original
        numeric[index] = (plus - minus) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("case", LOSS_CASES, ids=IDS)
def test_keras_reduction_mean_of_per_sample_losses(case, rng):
    """`call` gives one loss per sample (all axes but the last); the loss is their plain mean."""
    loss = case.factory()
    y, p = _sample(case, rng)
    per_sample = loss.call(y, p)
    assert per_sample.shape == tuple(np.delete(case.shape, case.reduced_axis))
    assert loss(y, p) == pytest.approx(per_sample.mean(), rel=1e-14)
    row = loss.call(y[:1], p[:1])
    np.testing.assert_allclose(row, per_sample[:1], rtol=1e-14)


@pytest.mark.parametrize("case", LOSS_CASES, ids=IDS)
def test_float32_stays_float32(case, rng):
    loss = case.factory()
    y, p = _sample(case, rng)
    y = y if case.sparse else y.astype(np.float32)
    gradient = loss.gradient(y, p.astype(np.float32))
    assert gradient.dtype == np.float32


def test_keras_worked_values():
    cce = losses.CategoricalCrossentropy()
    assert cce(np.array([[0.0, 1.0, 0.0]]), np.array([[0.2, 0.6, 0.2]])) == pytest.approx(-np.log(0.6))
    assert cce(np.array([[0.0, 1.0, 0.0]]), np.array([[1.0, 3.0, 1.0]])) == pytest.approx(-np.log(0.6))
    # Keras clips a zero probability to epsilon = 1e-7 instead of returning inf.
    assert cce(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])) == pytest.approx(-np.log(1e-7))
    bce = losses.BinaryCrossentropy()
    assert bce(np.array([[1.0, 0.0]]), np.array([[0.8, 0.4]])) == pytest.approx(
        -(np.log(0.8) + np.log(0.6)) / 2)
    assert losses.Huber()(np.zeros((1, 2)), np.array([[0.5, 3.0]])) == pytest.approx((0.125 + 2.5) / 2)
    np.testing.assert_allclose(losses.mean_squared_error([[0.0, 0.0], [1.0, 1.0]], [[1.0, 3.0], [1.0, 1.0]]),
                               [5.0, 0.0])


def _torch_clipped_categorical(y, p):
    return -(y * torch.log(torch.clamp(p / p.sum(-1, keepdim=True), EPS, 1 - EPS))).sum(-1).mean()


def _torch_clipped_binary(y, p):
    p = torch.clamp(p, EPS, 1 - EPS)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


def _torch_clipped_kl(y, p):
    y, p = torch.clamp(y, EPS, 1), torch.clamp(p, EPS, 1)
    return (y * torch.log(y / p)).sum(-1).mean()


@pytest.mark.parametrize("loss, y, p, reference", [
    (losses.CategoricalCrossentropy(), [[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]],
     [[1e-9, 0.5, 0.5], [0.2, 0.3, 0.5], [0.0, 0.0, 2.0]], _torch_clipped_categorical),
    (losses.BinaryCrossentropy(), [[1.0, 0.0], [0.0, 1.0]], [[1e-9, 0.3], [1.0, 0.6]], _torch_clipped_binary),
    (losses.KLDivergence(), [[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], [[1e-9, 0.5, 0.5], [0.2, 0.3, 0.5]],
     _torch_clipped_kl),
], ids=["cce", "bce", "kld"])
def test_gradients_in_keras_clip_regions_match_clamped_torch(loss, y, p, reference):
    """Where Keras clips a probability the loss is flat in it: the gradient is that of the clipped loss."""
    y, p = np.array(y), np.array(p)
    p_torch = _t(p).requires_grad_(True)
    value = reference(_t(y), p_torch)
    value.backward()
    assert loss(y, p) == pytest.approx(value.item(), rel=1e-12)
    np.testing.assert_allclose(loss.gradient(y, p), p_torch.grad.numpy(), rtol=1e-12, atol=1e-15)


# ---- fused gradients ------------------------------------------------------------------------------

FUSED_CASES = [
    ("cce", losses.CategoricalCrossentropy(), "softmax", _one_hot),
    ("cce_smoothing", losses.CategoricalCrossentropy(label_smoothing=0.1), "softmax", _one_hot),
    ("cce_soft_targets", losses.CategoricalCrossentropy(), "softmax", _distribution),
    ("sparse_cce", losses.SparseCategoricalCrossentropy(), "softmax", _labels),
    ("bce", losses.BinaryCrossentropy(), "sigmoid", _binary),
    ("bce_smoothing", losses.BinaryCrossentropy(label_smoothing=0.2), "sigmoid", _binary),
]


@pytest.mark.parametrize("loss, activation_name, targets", [c[1:] for c in FUSED_CASES],
                         ids=[c[0] for c in FUSED_CASES])
def test_fused_gradient_equals_chain_rule(loss, activation_name, targets, rng):
    """dJ/dz from the fused rule equals dJ/dp pushed back through the activation's own backward."""
    activation = activations.get(activation_name)
    z = rng.normal(size=(N, C))
    y = targets(rng, (N, C))
    p = activation.forward(z)
    chain_rule = activation.backward(loss.gradient(y, p), z, p)
    fused = loss.fused_gradient(y, p)
    np.testing.assert_allclose(fused, chain_rule, rtol=1e-9, atol=1e-15)
    assert loss.fuses_with(activation)


def test_fused_softmax_gradient_is_p_minus_y_over_batch(rng):
    z = rng.normal(size=(N, C))
    y = _one_hot(rng, (N, C))
    p = activations.softmax(z)
    np.testing.assert_allclose(losses.CategoricalCrossentropy().fused_gradient(y, p), (p - y) / N, rtol=1e-15)
    z_torch = _t(z).requires_grad_(True)
    F.cross_entropy(z_torch, _t(y)).backward()
    np.testing.assert_allclose(losses.CategoricalCrossentropy().fused_gradient(y, p), z_torch.grad.numpy(),
                               rtol=1e-12, atol=1e-16)


def test_fused_gradient_stays_exact_where_the_chain_rule_is_clipped():
    """A saturated softmax (p below eps) makes the clipped chain rule wrong; the fused rule is exact."""
    z = np.array([[30.0, 0.0, -30.0]])
    y = np.array([[0.0, 0.0, 1.0]])
    p = activations.softmax(z)
    loss = losses.CategoricalCrossentropy()
    np.testing.assert_allclose(loss.fused_gradient(y, p), p - y, rtol=1e-12)
    z_torch = _t(z).requires_grad_(True)
    F.cross_entropy(z_torch, _t(y)).backward()
    np.testing.assert_allclose(loss.fused_gradient(y, p), z_torch.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(7, 5), (3, 4, 5)])
@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_cross_entropy_reads_at_the_labels_the_numbers_of_the_one_hot_rows(from_logits, shape, dtype):
    rng = np.random.default_rng(0)
    y_pred = rng.random(shape).astype(dtype) + (0 if from_logits else 1e-3)
    labels = rng.integers(0, shape[-1], shape[:-1]).astype(np.uint8)
    sparse = losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    dense = losses.CategoricalCrossentropy(from_logits=from_logits)
    one_hot = np.eye(shape[-1], dtype=dtype)[labels]
    values = sparse.call(labels, y_pred)
    assert values.shape == shape[:-1] and values.dtype == dtype
    np.testing.assert_array_equal(values, dense.call(one_hot, y_pred))
    gradient = sparse.fused_gradient(labels, y_pred)
    assert gradient.dtype == dtype
    np.testing.assert_array_equal(gradient, dense.fused_gradient(one_hot, y_pred))
    with pytest.raises(IndexError):
        sparse.call(np.full(shape[:-1], shape[-1]), y_pred)


@pytest.mark.parametrize("loss, activation, expected", [
    (losses.CategoricalCrossentropy(), activations.get("softmax"), True),
    (losses.SparseCategoricalCrossentropy(), activations.get("softmax"), True),
    (losses.BinaryCrossentropy(), activations.get("sigmoid"), True),
    (losses.CategoricalCrossentropy(), activations.get("sigmoid"), False),
    (losses.CategoricalCrossentropy(), activations.get("softmax", axis=0), False),
    (losses.CategoricalCrossentropy(), activations.get("linear"), False),
    (losses.CategoricalCrossentropy(), None, False),
    (losses.CategoricalCrossentropy(from_logits=True), activations.get("softmax"), False),
    (losses.SparseCategoricalCrossentropy(from_logits=True), activations.get("softmax"), False),
    (losses.BinaryCrossentropy(from_logits=True), activations.get("sigmoid"), False),
    (losses.BinaryCrossentropy(), activations.get("softmax"), False),
    (losses.BinaryCrossentropy(), activations.get("hard_sigmoid"), False),
    (losses.MeanSquaredError(), activations.get("softmax"), False),
    (losses.MeanSquaredError(), activations.get("sigmoid"), False),
    (losses.KLDivergence(), activations.get("softmax"), False),
    (losses.Huber(), activations.get("linear"), False),
])
def test_fuses_only_with_the_explicit_pairs(loss, activation, expected):
    assert loss.fuses_with(activation) is expected


def test_losses_without_a_pair_have_no_fused_gradient():
    with pytest.raises(NotImplementedError, match="MeanSquaredError"):
        losses.MeanSquaredError().fused_gradient(np.zeros((1, 2)), np.zeros((1, 2)))


# ---- target checks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("loss, y, pattern", [
    ("sparse_categorical_crossentropy", np.array([0, 3, 10]), r"integers in \[0, 10\).*received 10 at index 2"),
    ("sparse_categorical_crossentropy", np.array([-1, 3]), r"integers in \[0, 10\)"),
    ("sparse_categorical_crossentropy", np.array([0.0, 1.5]), r"integers in \[0, 10\)"),
    ("sparse_categorical_crossentropy", np.eye(10)[[1, 2]], r"categorical_crossentropy"),
    ("categorical_crossentropy", np.array([1, 2, 3]), r"look like integer labels.*"
                                                      r"sparse_categorical_crossentropy.*to_categorical"),
    ("categorical_crossentropy", np.zeros((3, 4)), r"\(3, 4\).*\(None, 10\)"),
    ("mse", np.zeros((3, 9)), r"MeanSquaredError.*\(3, 9\).*\(None, 10\)"),
    ("binary_crossentropy", np.full((3, 10), 2.0), r"\[0, 1\].*2\.0"),
    ("binary_crossentropy", np.full((3, 10), -0.5), r"\[0, 1\]"),
])
def test_targets_that_do_not_fit_get_clear_errors(loss, y, pattern):
    with pytest.raises(ValueError, match=pattern):
        losses.get(loss).check_targets(y, (None, 10))


@pytest.mark.parametrize("loss, y", [
    ("sparse_categorical_crossentropy", np.array([0, 9])),
    ("sparse_categorical_crossentropy", np.array([[0], [9]])),
    ("sparse_categorical_crossentropy", np.array([0.0, 9.0])),
    ("categorical_crossentropy", np.eye(10)[[0, 9]]),
    ("binary_crossentropy", np.ones((2, 10))),
])
def test_fitting_targets_pass(loss, y):
    losses.get(loss).check_targets(y, (None, 10))


# ---- get and config --------------------------------------------------------------------------------

@pytest.mark.parametrize("identifier, cls", [
    ("mse", losses.MeanSquaredError), ("mean_squared_error", losses.MeanSquaredError),
    ("mae", losses.MeanAbsoluteError), ("huber", losses.Huber),
    ("binary_crossentropy", losses.BinaryCrossentropy),
    ("categorical_crossentropy", losses.CategoricalCrossentropy),
    ("sparse_categorical_crossentropy", losses.SparseCategoricalCrossentropy),
    ("kld", losses.KLDivergence), ("kl_divergence", losses.KLDivergence),
    (losses.categorical_crossentropy, losses.CategoricalCrossentropy),
    ({"class_name": "Huber", "config": {"delta": 2.0}}, losses.Huber),
    ("CategoricalCrossentropy", losses.CategoricalCrossentropy), ("Huber", losses.Huber),
    ("mape", losses.MeanAbsolutePercentageError), ("msle", losses.MeanSquaredLogarithmicError),
    ("logcosh", losses.LogCosh), ("log_cosh", losses.LogCosh), (losses.hinge, losses.Hinge),
    ("categorical_focal_crossentropy", losses.CategoricalFocalCrossentropy), ("dice", losses.Dice),
    ("categorical_generalized_cross_entropy", losses.CategoricalGeneralizedCrossEntropy),
])
def test_get_resolves_names_functions_and_dicts(identifier, cls):
    assert type(losses.get(identifier)) is cls


def test_get_rejects_unknown_loss_with_the_known_names():
    with pytest.raises(ValueError, match=r"Unknown loss 'cross_entropy'.*'categorical_crossentropy'"):
        losses.get("cross_entropy")


@pytest.mark.parametrize("loss", [
    losses.Huber(delta=0.3), losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
    losses.CategoricalCrossentropy(label_smoothing=0.2), losses.SparseCategoricalCrossentropy(from_logits=True),
    losses.KLDivergence(), losses.MeanSquaredError(name="my_mse"), losses.CosineSimilarity(axis=1),
    losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.4, gamma=1.0, from_logits=True),
    losses.CategoricalFocalCrossentropy(alpha=0.5, gamma=1.0, label_smoothing=0.1),
    losses.CategoricalGeneralizedCrossEntropy(q=0.7), losses.Dice(axis=[1, 2]), losses.Tversky(0.2, 0.8, axis=-1),
    losses.Hinge(), losses.SquaredHinge(), losses.CategoricalHinge(), losses.Poisson(), losses.LogCosh(),
    losses.MeanAbsolutePercentageError(), losses.MeanSquaredLogarithmicError(),
])
def test_config_round_trip(loss):
    clone = losses.get(losses.serialize(loss))
    assert type(clone) is type(loss) and clone.get_config() == loss.get_config()


def test_invalid_huber_delta():
    with pytest.raises(ValueError, match=r"delta must be positive, received -1"):
        losses.Huber(delta=-1)


@pytest.mark.parametrize("loss, reference", [
    (losses.Dice(), lambda y, p: 1 - 2 * (y * p).sum() / (y.sum() + p.sum() + EPS)),
    (losses.Tversky(alpha=0.2, beta=0.6), lambda y, p: 1 - (y * p).sum() / (
        (y * p).sum() + 0.2 * ((1 - p) * y).sum() + 0.6 * (p * (1 - y)).sum() + EPS)),
    (losses.Dice(axis=(1, 2)),
     lambda y, p: (1 - 2 * (y * p).sum((1, 2)) / (y.sum((1, 2)) + p.sum((1, 2)) + EPS)).mean()),
])
def test_overlap_losses_over_the_whole_batch_or_per_sample_as_keras(loss, reference, rng):
    """Keras's Dice and Tversky sum over every axis by default, so the batch has one loss; with axis, one per group."""
    y, p = _binary(rng, (3, 4, 2)), _probabilities(rng, (3, 4, 2))
    p_torch = _t(p).requires_grad_(True)
    expected = reference(_t(y), p_torch)
    expected.backward()
    assert loss(y, p) == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(loss.gradient(y, p), p_torch.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_keras_worked_values_of_the_issue_18_losses():
    """Values worked by hand from Keras's documented formulas."""
    assert losses.Hinge()(np.array([[0.0, 1.0]]), np.array([[0.5, 0.2]])) == pytest.approx((1.5 + 0.8) / 2)
    assert losses.CategoricalHinge()(np.array([[0.0, 1.0, 0.0]]), np.array([[0.6, 0.3, 0.9]])) == pytest.approx(1.6)
    assert losses.Poisson()(np.array([[2.0]]), np.array([[1.0]])) == pytest.approx(1.0 - 2.0 * np.log(1.0 + EPS))
    assert losses.MeanAbsolutePercentageError()(np.array([[2.0, 4.0]]), np.array([[1.0, 5.0]])) == pytest.approx(37.5)
    assert losses.CosineSimilarity()(np.array([[1.0, 0.0]]), np.array([[3.0, 3.0]])) == pytest.approx(-2 ** -0.5)
    assert losses.LogCosh()(np.zeros((1, 1)), np.array([[800.0]])) == pytest.approx(800.0 - np.log(2.0))
    assert losses.CategoricalGeneralizedCrossEntropy(q=0.5)(np.array([1]), np.array([[0.75, 0.25]])) == \
        pytest.approx(1.0)
    # gamma = 0 and no balancing: the focal loss is plain cross-entropy
    y, p = np.array([[1.0, 0.0]]), np.array([[0.8, 0.4]])
    assert losses.BinaryFocalCrossentropy(gamma=0.0)(y, p) == pytest.approx(losses.BinaryCrossentropy()(y, p))
    with pytest.raises(ValueError, match="q must lie in \\(0, 1\\), received 1.5"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.5)
