"""Attention and AdditiveAttention: parity with torch's scaled_dot_product_attention (use_scale False and True,
masks, causal) and with torch autograd of the concat and additive scores; the masks' and the returned
scores' gradients; a hand-checked example; the errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerwise.layers import AdditiveAttention, Attention
from layerwise.testing import check_gradients

TIGHT = {"rtol": 1e-10, "atol": 1e-12}


def _inputs(rng, with_key, features=4):
    query, value = rng.normal(size=(2, 3, features)), rng.normal(size=(2, 5, 3))
    key = rng.normal(size=(2, 5, features)) if with_key else None
    if not with_key:
        value = rng.normal(size=(2, 5, features))
    return query, value, key


def _masks(rng):
    query_mask = np.array([[True, True, False], [True, True, True]])
    value_mask = np.array([[True, False, True, True, False], [True, True, True, True, True]])
    return query_mask, value_mask


@pytest.mark.parametrize("use_scale", [False, True], ids=["unscaled", "use_scale"])
@pytest.mark.parametrize("with_key", [False, True], ids=["value_as_key", "key"])
@pytest.mark.parametrize("masked", [False, True], ids=["no_mask", "masks"])
@pytest.mark.parametrize("causal", [False, True], ids=["full", "causal"])
def test_dot_attention_matches_torch_sdpa(use_scale, with_key, masked, causal, float64, rng):
    query, value, key = _inputs(rng, with_key)
    inputs = [query, value] + ([key] if with_key else [])
    query_mask, value_mask = _masks(rng)
    layer = Attention(use_scale=use_scale)
    layer(inputs)
    if use_scale:
        layer.scale.assign(0.7)
    y = layer(inputs, mask=[query_mask, value_mask] if masked else None, use_causal_mask=causal)
    dy = rng.normal(size=y.shape)
    grads = layer.backward(dy)

    tq, tv = (torch.tensor(a, requires_grad=True) for a in (query, value))
    tk = torch.tensor(key, requires_grad=True) if with_key else tv
    mask = torch.ones(2, 3, 5, dtype=torch.bool)
    if masked:
        mask &= torch.tensor(value_mask)[:, None, :]
    if causal:
        mask &= torch.ones(3, 5, dtype=torch.bool).tril()
    expected = F.scaled_dot_product_attention(tq, tk, tv, attn_mask=mask, scale=0.7 if use_scale else 1.0)
    if masked:
        expected = expected * torch.tensor(query_mask)[..., None]
    expected.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, expected.detach().numpy(), **TIGHT)
    torch_grads = [tq.grad, tv.grad] + ([tk.grad] if with_key else [])
    for grad, expected_grad in zip(grads, torch_grads, strict=True):
        np.testing.assert_allclose(grad, expected_grad.numpy(), **TIGHT)
    if use_scale:
        # dJ/dc from torch autograd of the same formula with a tensor scale.
        scale = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
        scores = scale * tq.detach() @ tk.detach().transpose(1, 2)
        out = torch.softmax(scores.masked_fill(~mask, -1e9), dim=-1) @ tv.detach()
        if masked:
            out = out * torch.tensor(query_mask)[..., None]
        out.backward(torch.tensor(dy))
        np.testing.assert_allclose(layer.scale.grad, scale.grad.numpy(), **TIGHT)


def _torch_scores(kind, tq, tk, scale, weight):
    pair = tq[:, :, None, :] + tk[:, None, :, :]
    if kind == "additive":
        return (torch.tanh(pair) * (1 if scale is None else scale)).sum(-1)
    return weight * torch.tanh(pair * (1 if scale is None else scale)).sum(-1)


@pytest.mark.parametrize("kind, use_scale", [("concat", False), ("concat", True), ("additive", False),
                                             ("additive", True)])
@pytest.mark.parametrize("with_key", [False, True], ids=["value_as_key", "key"])
def test_concat_and_additive_scores_match_torch_autograd(kind, use_scale, with_key, float64, rng):
    query, value, key = _inputs(rng, with_key)
    inputs = [query, value] + ([key] if with_key else [])
    _, value_mask = _masks(rng)
    layer = (AdditiveAttention(use_scale=use_scale) if kind == "additive"
             else Attention(use_scale=use_scale, score_mode="concat"))
    layer(inputs)
    if kind == "concat":
        layer.concat_score_weight.assign(1.3)
        if use_scale:
            layer.scale.assign(0.6)
    y, weights = layer(inputs, mask=[None, value_mask], use_causal_mask=True, return_attention_scores=True)
    dy, dw = rng.normal(size=y.shape), rng.normal(size=weights.shape)
    grads = layer.backward([dy, dw])

    tq, tv = (torch.tensor(a, requires_grad=True) for a in (query, value))
    tk = torch.tensor(key, requires_grad=True) if with_key else tv
    scale = None if layer.scale is None else torch.tensor(layer.scale.value, requires_grad=True)
    weight = None if kind == "additive" else torch.tensor(1.3, dtype=torch.float64, requires_grad=True)
    mask = torch.tensor(value_mask)[:, None, :] & torch.ones(3, 5, dtype=torch.bool).tril()
    scores = _torch_scores(kind, tq, tk, scale, weight).masked_fill(~mask, -1e9)
    expected_weights = torch.softmax(scores, dim=-1)
    expected = expected_weights @ tv
    (expected * torch.tensor(dy)).sum().add((expected_weights * torch.tensor(dw)).sum()).backward()
    np.testing.assert_allclose(y, expected.detach().numpy(), **TIGHT)
    np.testing.assert_allclose(weights, expected_weights.detach().numpy(), **TIGHT)
    for grad, expected_grad in zip(grads, [tq.grad, tv.grad] + ([tk.grad] if with_key else []), strict=True):
        np.testing.assert_allclose(grad, expected_grad.numpy(), **TIGHT)
    for parameter, tensor in ((layer.scale, scale), (getattr(layer, "concat_score_weight", None), weight)):
        if parameter is not None:
            np.testing.assert_allclose(parameter.grad, tensor.grad.numpy(), **TIGHT)


class _MaskedWithScores(Attention):
    """Attention called with fixed masks and causal masking, returning its weights too (for check_gradients)."""

    masks = None

    def forward(self, inputs, training=False):
        return super().forward(inputs, training, mask=self.masks, return_attention_scores=True,
                               use_causal_mask=True)


@pytest.mark.parametrize("kwargs", [{}, {"use_scale": True, "dropout": 0.3, "seed": 2},
                                    {"score_mode": "concat", "use_scale": True, "dropout": 0.4, "seed": 3}])
def test_gradients_with_masks_dropout_and_returned_weights(kwargs, float64, rng):
    layer = _MaskedWithScores(**kwargs)
    layer.masks = list(_masks(rng))
    query, value, key = _inputs(rng, True)
    report = check_gradients(layer, [query, value, key])
    assert report.passed, f"\n{report}"


def test_masked_value_steps_get_no_weight_and_masked_query_steps_are_zero(rng):
    query, value, _ = _inputs(rng, False)
    query_mask, value_mask = _masks(rng)
    y, weights = Attention()([query, value], mask=[query_mask, value_mask], return_attention_scores=True)
    assert np.all(weights[~np.broadcast_to(value_mask[:, None, :], weights.shape)] == 0)
    np.testing.assert_allclose(weights.sum(-1), 1, rtol=1e-6)
    assert np.all(y[~query_mask] == 0) and np.all(y[query_mask] != 0)
    _, causal = Attention()([query, value], use_causal_mask=True, return_attention_scores=True)
    assert np.all(np.triu(causal[0], k=1) == 0) and np.all(causal[0][np.tril_indices(3)] > 0)


def test_a_hand_checked_attention():
    query = np.array([[[1.0, 0.0]]])
    value = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    y, weights = Attention(dtype="float64")([query, value], return_attention_scores=True)
    first = np.e / (np.e + 1)  # softmax([1, 0])
    np.testing.assert_allclose(weights, [[[first, 1 - first]]])
    np.testing.assert_allclose(y, [[[first, 1 - first]]])


def test_dropout_drops_weights_in_training_only(rng):
    query, value, _ = _inputs(rng, False)
    layer = Attention(dropout=0.5, seed=0)
    _, dropped = layer([query, value], training=True, return_attention_scores=True)
    assert np.any(dropped == 0) and np.any(dropped > 1)
    _, kept = layer([query, value], return_attention_scores=True)
    np.testing.assert_allclose(kept.sum(-1), 1, rtol=1e-6)
    assert layer.stochastic and not Attention().stochastic


def test_weights_as_keras():
    layer = Attention(use_scale=True, score_mode="concat")
    layer([np.ones((1, 2, 3)), np.ones((1, 4, 3))])
    assert [(p.name, p.shape) for p in layer.weights] == [("attention/scale", ()),
                                                          ("attention/concat_score_weight", ())]
    additive = AdditiveAttention()
    additive([np.ones((1, 2, 3)), np.ones((1, 4, 3))])
    assert [(p.name, p.shape) for p in additive.weights] == [("additive_attention/scale", (3,))]
    assert "score_mode" not in additive.get_config()


@pytest.mark.parametrize("call, message", [
    (lambda layer: layer(np.ones((2, 3, 4))), "expects a list of at least 2 inputs"),
    (lambda layer: layer([np.ones((2, 3, 4))] * 4), "expects a list of at least 2 inputs, received 4"),
    (lambda layer: layer([np.ones((2, 3)), np.ones((2, 3))]), r"shapes \(batch, steps, features\)"),
    (lambda layer: layer([np.ones((2, 3, 4)), np.ones((2, 5, 4)), np.ones((2, 6, 4))]), "same number of steps"),
    (lambda layer: layer([np.ones((2, 3, 4)), np.ones((2, 5, 3))]), "same number of features"),
    (lambda layer: layer([np.ones((2, 3, 4)), np.ones((2, 5, 4))], mask=np.ones((2, 5))), "mask must be a list"),
    (lambda layer: layer([np.ones((2, 3, 4)), np.ones((2, 5, 4))], mask=[None, np.ones((2, 4))]),
     r"value_mask must have shape \(2, 5\)"),
])
def test_shape_and_mask_errors_name_the_layer(call, message):
    layer = Attention(name="att")
    with pytest.raises(ValueError, match=message) as error:
        call(layer)
    assert "'att'" in str(error.value)


@pytest.mark.parametrize("make, message", [
    (lambda: Attention(score_mode="add"), "Attention: score_mode must be one of"),
    (lambda: Attention(dropout=1.0), r"Attention: dropout must lie in \[0, 1\), received 1.0"),
    (lambda: AdditiveAttention(dropout=-0.1), r"AdditiveAttention: dropout must lie in \[0, 1\)"),
    (lambda: Attention(dropout=0.1, seed=-1), "Attention: seed must be a non-negative integer"),
])
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()
