"""ReversibleEmbedding: the reverse projection against PyTorch (float64; tied, untied, soft-capped), its gradient
check, the tied gradient of both uses, and the errors."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise import layers
from layerwise.layers import serialization
from layerwise.testing import check_gradients


class Reversed:
    """The reverse call of a built ReversibleEmbedding as a target of `check_gradients`."""

    def __init__(self, layer):
        self.layer, self.weights = layer, layer.weights

    def __call__(self, x, training=False):
        return self.layer(x, training=training, reverse=True)

    def backward(self, dy):
        return self.layer.backward(dy)

    def flatten_layers(self):
        return [self.layer]


@pytest.mark.parametrize("tie_weights, cap", [(True, None), (False, None), (True, 1.5), (False, 0.7)])
def test_lookup_then_reverse_matches_torch(tie_weights, cap, float64, rng):
    layer = layers.ReversibleEmbedding(9, 4, tie_weights=tie_weights, logit_soft_cap=cap,
                                       embeddings_initializer="random_normal")
    ids = rng.integers(0, 9, size=(3, 5))
    layer(ids)
    lookup, reverse = layer.new_call(), layer.new_call()
    hidden = np.tanh(lookup(ids))  # a stand-in for the network between the two uses
    logits = reverse(hidden, reverse=True)
    assert logits.shape == (3, 5, 9) == layer.compute_output_shape((3, 5, 4), reverse=True)
    dlogits = rng.normal(size=logits.shape)
    lookup.backward(reverse.backward(dlogits) * (1.0 - hidden ** 2))

    table = torch.tensor(layer.embeddings.value, requires_grad=True)
    hidden_t = torch.tanh(table[torch.tensor(ids)])
    projection = table.T if tie_weights else torch.tensor(layer.reverse_embeddings.value, requires_grad=True)
    logits_t = hidden_t @ projection
    if cap is not None:
        logits_t = cap * torch.tanh(logits_t / cap)
    logits_t.backward(torch.tensor(dlogits))
    np.testing.assert_allclose(logits, logits_t.detach().numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(layer.embeddings.grad, table.grad.numpy(), rtol=1e-11, atol=1e-13)
    if not tie_weights:
        np.testing.assert_allclose(layer.reverse_embeddings.grad, projection.grad.numpy(), rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("kwargs", [{}, {"tie_weights": False, "logit_soft_cap": 1.0}])
def test_reverse_call_passes_the_gradient_check(kwargs, float64, rng):
    layer = layers.ReversibleEmbedding(6, 3, embeddings_initializer="random_normal", **kwargs)
    layer(rng.integers(0, 6, size=(2, 4)))
    report = check_gradients(Reversed(layer), rng.normal(size=(2, 4, 3)))
    assert report.passed, f"\n{report}"
    assert {row[1] for row in report.rows} == {"input"} | {p.name for p in layer.weights}


def test_reverse_accepts_any_leading_shape_keeps_float32_and_no_mask(rng):
    layer = layers.ReversibleEmbedding(5, 2, mask_zero=True)
    layer(np.array([[0, 1, 2]]))
    assert layer.output_mask is not None
    logits = layer(rng.normal(size=(4, 2)).astype(np.float32), reverse=True)
    assert logits.shape == (4, 5) and logits.dtype == np.float32 and layer.output_mask is None
    assert layer.backward(np.ones_like(logits)).dtype == np.float32
    assert layer(np.array([[3, 1, 2]])).shape == (1, 3, 2)


def test_config_round_trip_with_separate_reverse_weights(rng):
    layer = layers.ReversibleEmbedding(6, 3, tie_weights=False, logit_soft_cap=3.0, name="tokens")
    ids = rng.integers(0, 6, size=(2, 4))
    hidden = layer(ids)
    clone = serialization.deserialize(serialization.serialize(layer))
    assert (clone.tie_weights, clone.logit_soft_cap, clone.name) == (False, 3.0, "tokens")
    clone(ids)
    clone.set_weights(layer.get_weights())
    assert [p.name for p in clone.weights] == ["tokens/embeddings", "tokens/reverse_embeddings"]
    np.testing.assert_array_equal(clone(hidden, reverse=True), layer(hidden, reverse=True))


def test_errors_name_the_layer_and_the_argument():
    layer = layers.ReversibleEmbedding(6, 3, name="tok")
    with pytest.raises(ValueError, match=r"Layer 'tok' \(ReversibleEmbedding\): call it on token ids before"):
        layer(np.ones((2, 3)), reverse=True)
    layer(np.array([[1, 2]]))
    with pytest.raises(ValueError, match=r"Layer 'tok' \(ReversibleEmbedding\) expected hidden vectors of shape "
                                         r"\(None, \.\.\., 3\) with reverse=True, received \(2, 4\)"):
        layer(np.ones((2, 4)), reverse=True)
    with pytest.raises(ValueError, match=r"Layer 'tok' \(ReversibleEmbedding\) expected input of shape \(None, 2\)"):
        layer(np.array([[1, 2, 3]]))
    with pytest.raises(ValueError, match=r"'tok': \['reverse'\] cannot be passed on symbolic calls"):
        layer(layerwise.Input(shape=(2, 3)), reverse=True)
    with pytest.raises(ValueError, match="tie_weights must be True or False, received 'yes'"):
        layers.ReversibleEmbedding(6, 3, tie_weights="yes")
    with pytest.raises(ValueError, match="logit_soft_cap must be a positive number or None, received 0"):
        layers.ReversibleEmbedding(6, 3, logit_soft_cap=0)
