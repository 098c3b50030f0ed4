"""Circle loss: the paper's formula written pair by pair, Keras's formula in torch (values and autograd
gradients), central differences, Keras's reduction over the samples with a loss, and training embeddings."""

import itertools

import numpy as np
import pytest
import torch

import layerwise
from layerwise import losses
from layerwise.layers import Dense, UnitNormalization


def _embeddings(rng, n=8, d=3):
    y = rng.normal(size=(n, d))
    return y / np.linalg.norm(y, axis=1, keepdims=True)


def paper_circle(labels, y, gamma, margin, remove_diagonal=True):
    """Sun et al. 2020, eq. 4 with O_p = 1 + m, O_n = -m, Δ_p = 1 - m, Δ_n = m, one sample at a time:
    l_i = log(1 + sum_neg exp(γ α_n (s - Δ_n)) sum_pos exp(-γ α_p (s - Δ_p)));
    0 without a positive or a negative pair."""
    values = []
    for i in range(len(labels)):
        positive_sum = negative_sum = 0.0
        for j in range(len(labels)):
            s = min(float(y[i] @ y[j]), 1.0)
            if labels[j] == labels[i] and (j != i or not remove_diagonal):
                positive_sum += np.exp(-gamma * max(1 + margin - s, 0) * (s - (1 - margin)))
            elif labels[j] != labels[i]:
                negative_sum += np.exp(gamma * max(s + margin, 0) * (s - margin))
        values.append(np.log1p(positive_sum * negative_sum))
    return np.array(values)


def torch_keras_circle(labels, y, gamma, margin):
    """Keras's losses.circle (distances, masks, logsumexp, softplus), in torch, differentiated by autograd."""
    labels = torch.tensor(labels)
    positive = (labels[:, None] == labels[None, :]) & ~torch.eye(len(labels), dtype=torch.bool)
    negative = labels[:, None] != labels[None, :]
    d = torch.clamp(1 - y @ y.T, min=0.0)
    alpha_p = torch.clamp((margin + d) * positive, min=0.0)
    alpha_n = torch.clamp((1 + margin - d) * negative, min=0.0)
    p = torch.logsumexp(torch.where(positive, -gamma * alpha_p * (margin - d), -torch.inf), dim=1)
    n = torch.logsumexp(torch.where(negative, gamma * alpha_n * (1 - margin - d), -torch.inf), dim=1)
    return torch.nn.functional.softplus(p + n)


LABELS = [0, 1, 0, 2, 1, 0, 3, 2]  # class 3 has one sample: no positive pair, loss 0


@pytest.mark.parametrize("gamma, margin", [(80.0, 0.4), (4.0, 0.25), (1.0, 0.0)])
def test_values_are_the_papers(gamma, margin, rng):
    y = _embeddings(rng)
    np.testing.assert_allclose(losses.circle(LABELS, y, gamma=gamma, margin=margin), paper_circle(LABELS, y, gamma,
                                                                                                  margin), rtol=1e-10)


@pytest.mark.parametrize("gamma, margin", [(80.0, 0.4), (4.0, 0.25)])
def test_value_and_gradient_match_keras_formula_in_torch(gamma, margin, rng):
    y = _embeddings(rng)
    loss = losses.Circle(gamma=gamma, margin=margin)
    y_torch = torch.tensor(y, requires_grad=True)
    per_sample = torch_keras_circle(LABELS, y_torch, gamma, margin)
    valid = (per_sample > 0).sum()
    reference = per_sample.sum() / (valid.double() + 1e-7)
    reference.backward()
    assert valid == 7
    np.testing.assert_allclose(loss(LABELS, y), reference.item(), rtol=1e-12)
    np.testing.assert_allclose(loss.gradient(LABELS, y), y_torch.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_gradient_matches_central_differences(rng):
    y = _embeddings(rng) * 0.9  # inside the unit ball: no similarity at the clip s = 1
    loss = losses.Circle(gamma=3.0, margin=0.3)
    analytic = loss.gradient(LABELS, y)
    numeric = np.zeros_like(y)
    h = 1e-6
    for index in itertools.product(*map(range, y.shape)):
        step = np.zeros_like(y)
        step[index] = h
        numeric[index] = (loss(LABELS, y + step) - loss(LABELS, y - step)) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


def test_one_pair_by_hand():
    """Two samples of class 0 (s = 1) and one of class 1 (s = 0 with both): for samples 0 and 1 the positive
    logit is -γ m · m and the negative one γ m · (-m), so l = softplus(-2 γ m²); sample 2 has no positive."""
    y = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(losses.circle([0, 0, 1], y, gamma=2.0, margin=0.5),
                               [np.log1p(np.exp(-1.0)), np.log1p(np.exp(-1.0)), 0.0])
    # The mean is over the two samples with a loss, as Keras masks the zero ones.
    np.testing.assert_allclose(losses.Circle(gamma=2.0, margin=0.5)([0, 0, 1], y), np.log1p(np.exp(-1.0)))
    with_diagonal = losses.circle([0, 0, 1], y, gamma=2.0, margin=0.5, remove_diagonal=False)
    assert with_diagonal[2] > 0  # its pair with itself is now a positive


def test_reference_embeddings_and_labels():
    """Against references R = [e1, e2, (0.6, 0.8)] labelled [0, 1, 1] (the diagonal pairs (0, 0) and (1, 1) left
    out): sample 0 has no positive; sample 1 has the positive s = 0.8 (α_p = 1.5 - 0.8, s - Δ_p = 0.3) and the
    negative s = 0 (α_n = 0.5, s - Δ_n = -0.5), so with γ = 2: l = softplus(-2·0.7·0.3 + 2·0.5·(-0.5))."""
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    references = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    values = losses.circle([0, 1], y, ref_labels=[0, 1, 1], ref_embeddings=references, gamma=2.0, margin=0.5)
    np.testing.assert_allclose(values, [0.0, np.log1p(np.exp(-0.42 - 0.5))])


def test_sample_weights_in_evaluation_and_refused_in_training(rng):
    y = _embeddings(rng)
    per_sample = losses.circle(LABELS, y)
    weights = rng.uniform(0.5, 2.0, size=len(LABELS))
    np.testing.assert_allclose(losses.Circle()(LABELS, y, weights), np.sum(per_sample * weights) / (7 + 1e-7))
    with pytest.raises(ValueError, match="sample weights"):
        losses.Circle().weigh(np.zeros_like(y), weights)


def test_float32_stays_float32(rng):
    y = _embeddings(rng).astype(np.float32)
    assert losses.circle(LABELS, y).dtype == np.float32
    assert losses.Circle().gradient(LABELS, y).dtype == np.float32


def test_get_config_and_targets():
    loss = losses.get("circle")
    assert type(loss) is losses.Circle and losses.get(losses.circle).gamma == 80.0
    clone = losses.get(losses.serialize(losses.Circle(gamma=16, margin=0.1, remove_diagonal=False)))
    assert (clone.gamma, clone.margin, clone.remove_diagonal, clone.name) == (16.0, 0.1, False, "circle")
    loss.check_targets(np.zeros(4), (4, 3))
    loss.check_targets(np.zeros((4, 1)), (4, 3))
    with pytest.raises(ValueError, match="integer labels of shape"):
        loss.check_targets(np.zeros((4, 3)), (4, 3))
    with pytest.raises(ValueError, match="gamma"):
        losses.Circle(gamma=-1)


def test_training_pulls_classes_apart(rng):
    centres = rng.normal(size=(3, 6)) * 2
    labels = np.repeat(np.arange(3), 30)
    x = (centres[labels] + rng.normal(size=(90, 6))).astype("float32")
    layerwise.utils.set_random_seed(0)
    model = layerwise.Sequential([layerwise.Input(shape=(6,)), Dense(16, activation="tanh"), Dense(4),
                                  UnitNormalization()])
    model.compile(optimizer=layerwise.optimizers.Adam(0.01), loss=losses.Circle(gamma=16.0))
    history = model.fit(x, labels, epochs=15, batch_size=30, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    embeddings = model.predict(x, verbose=0)
    similarity = embeddings @ embeddings.T
    same = labels[:, None] == labels[None, :]
    assert similarity[same].mean() > similarity[~same].mean() + 0.5
