"""The vanishing-gradients experiment's per-layer measure matches the backward pass worked by hand, and its
criterion judges as written."""

import math

import numpy as np
import pytest

import layerwise
from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab._mlp import deep_mlp, hidden_dense
from layerwise_lab.experiments.vanishing_gradients import ARMS, VanishingGradients, layer_gradients, span


def test_span_counts_decades_lost_toward_the_input():
    assert span([1e-5, 1e-3, 0.1]) == pytest.approx(4.0)
    assert span([100.0, 1.0]) == pytest.approx(-2.0)
    assert span([0.0, 1.0]) is None and span([1.0, math.nan]) is None


def test_layer_gradients_are_the_summed_backpropagated_gradient_and_the_kernel_gradient():
    layerwise.utils.set_random_seed(0)
    model = deep_mlp(2, 3, "sigmoid", "glorot_normal", inputs=2, classes=2, dtype="float64")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, y = np.array([[0.5, -1.0], [2.0, 0.3], [-0.7, 0.1]]), np.array([0, 1, 1])
    (first, second), output = hidden_dense(model), model.get_layer("output")
    h1 = 1 / (1 + np.exp(-(x @ first.kernel.value + first.bias.value)))
    h2 = 1 / (1 + np.exp(-(h1 @ second.kernel.value + second.bias.value)))
    logits = h2 @ output.kernel.value + output.bias.value
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    delta_output = (p - np.eye(2)[y]) / len(x)                         # the mean loss's dJ/dlogits
    delta2 = (delta_output @ output.kernel.value.T) * h2 * (1 - h2)    # dJ/dz_2 = (dJ/dh_2) f'(z_2)
    delta1 = (delta2 @ second.kernel.value.T) * h1 * (1 - h1)
    measured = layer_gradients(model, x, y)
    np.testing.assert_allclose(measured["bias"], [np.linalg.norm(delta1.sum(0)), np.linalg.norm(delta2.sum(0))],
                               rtol=1e-8)
    np.testing.assert_allclose(measured["kernel"], [np.linalg.norm(x.T @ delta1), np.linalg.norm(h1.T @ delta2)],
                               rtol=1e-8)


def run(spans, diverged_at=None, accuracy=0.9):
    return {"span": spans, "diverged_at": diverged_at, "test_accuracy": None if diverged_at else accuracy}


def numbers(sigmoid=(5.0, 5.5), relu=(0.2, -0.5), explode=(-2.4,), trains=0.11, reference=None, seeds=1, **seed_1):
    """Hand-made results: every seed as given, seed 1 replaced by ``seed_1``'s arms where given."""
    arms = {"sigmoid, Glorot": run(list(sigmoid), accuracy=trains), "tanh, Glorot": run([0.3, -0.5]),
            "ReLU, Kaiming": run(list(relu), diverged_at=reference, accuracy=0.94),
            "ReLU, 4x Kaiming variance": run(list(explode), diverged_at=3)}
    runs = {name: [arms[name]] + [seed_1.get(name, arms[name])] * (seeds - 1) for name in arms}
    return {"runs": runs, "roles": {name: role for name, (_, _, role) in ARMS.items()}}


@pytest.mark.parametrize("case, status", [
    ({}, HELD),
    ({"sigmoid": (5.0, 1.5)}, DID_NOT_HOLD),              # the sigmoid's gradient recovers during training
    ({"relu": (0.2, -1.3)}, DID_NOT_HOLD),                # Kaiming ReLU drifts by more than a decade
    ({"explode": (-1.2,)}, DID_NOT_HOLD),                 # 4x variance explodes by less than 2 decades
    ({"explode": (-2.5, None)}, DID_NOT_HOLD),            # ... or its gradient stops being finite
    ({"trains": 0.9}, DID_NOT_HOLD),                      # the sigmoid net trains nearly as well
    ({"sigmoid": (None, 5.0)}, HELD),                     # a first layer's gradient of exactly 0 has vanished
    ({"reference": 30}, INCONCLUSIVE),                    # the Kaiming ReLU net diverged
    ({"seeds": 2, "sigmoid, Glorot": run([5.0, 1.0], accuracy=0.11)}, INCONCLUSIVE),   # seeds disagree
])
def test_the_criterion(case, status):
    assert VanishingGradients().judge(numbers(**case)).status == status


def test_an_exploding_net_that_trains_fails_the_criterion():
    result = numbers()
    result["runs"]["ReLU, 4x Kaiming variance"] = [run([-2.5, -2.2], accuracy=0.93)]
    verdict = VanishingGradients().judge(result)
    assert verdict.status == DID_NOT_HOLD and "still trains" in verdict.reason
