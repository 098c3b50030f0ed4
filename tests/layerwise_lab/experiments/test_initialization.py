"""The initialization experiment's gradient measure matches the backward pass worked by hand, and its criterion
judges as written."""

import math

import numpy as np
import pytest

import layerwise
from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab._mlp import deep_mlp, hidden_dense
from layerwise_lab.experiments.initialization import Initialization, backpropagated_rms, decades


def test_backpropagated_rms_is_dJ_dz_of_each_example():
    layerwise.utils.set_random_seed(0)
    model = deep_mlp(1, 3, "tanh", "glorot_normal", inputs=2, classes=2, dtype="float64")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, y = np.array([[0.5, -1.0], [2.0, 0.3]]), np.array([0, 1])
    (dense,), output = hidden_dense(model), model.get_layer("output")
    squares = []
    for example, label in zip(x, y):
        h = np.tanh(example @ dense.kernel.value + dense.bias.value)
        p = np.exp(h @ output.kernel.value + output.bias.value)
        p /= p.sum()
        delta = (output.kernel.value @ (p - np.eye(2)[label])) * (1 - h ** 2)   # dJ/dz = (W^T (p - y)) f'(z)
        squares.append(np.mean(delta ** 2))
    np.testing.assert_allclose(backpropagated_rms(model, x, y), [math.sqrt(np.mean(squares))], rtol=1e-10)


def test_decades():
    assert decades(1e-3, 1.0) == pytest.approx(3.0)
    assert decades(5.0, 0.5) == pytest.approx(1.0)
    assert decades(0.0, 1.0) is None and decades(math.inf, 1.0) is None


@pytest.mark.parametrize("good, naive, status", [
    (0.5, 3.0, HELD), (1.5, 3.0, DID_NOT_HOLD), (0.5, 0.8, DID_NOT_HOLD), (0.5, 1.5, INCONCLUSIVE),
    (0.5, None, HELD),        # a naive initialization with no finite ratio is off by more than any factor
])
def test_the_criterion(good, naive, status):
    spans = {"tanh, Xavier": good, "relu, Kaiming": 0.1, "tanh, N(0, 1)": 4.0, "relu, N(0, 1)": naive}
    numbers = {"decades": spans, "recommended": ["tanh, Xavier", "relu, Kaiming"]}
    assert Initialization().judge(numbers).status == status
