"""The perceptron: converges on separable data within Novikoff's bound, and provably never on XOR."""

import numpy as np
import pytest

from layerwise.models import Perceptron

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def test_converges_on_separable_data_within_novikoff_bound(rng):
    separator, offset = np.array([2.0, -1.0, 0.5]), 0.3
    x = rng.normal(size=(200, 3))
    margin_raw = x @ separator + offset
    x, margin_raw = x[np.abs(margin_raw) > 0.5], margin_raw[np.abs(margin_raw) > 0.5]
    y = np.where(margin_raw > 0, "pos", "neg")
    model = Perceptron(max_epochs=1000, seed=0).fit(x, y)
    assert model.converged_ and model.errors_[-1] == 0
    assert model.score(x, y) == 1.0
    augmented = np.hstack([x, np.ones((len(x), 1))])
    unit = np.append(separator, offset) / np.linalg.norm(np.append(separator, offset))
    gamma = np.min(np.abs(augmented @ unit))
    radius = np.max(np.linalg.norm(augmented, axis=1))
    assert sum(model.errors_) <= (radius / gamma) ** 2
    assert len(model.errors_) > 1, "the data needs more than one epoch: the rule did the work"


def test_one_step_matches_the_lecture_rule():
    model = Perceptron(learning_rate=0.5, shuffle=False)
    x = np.array([[1.0, 2.0], [-1.0, 0.5]])
    model.partial_fit(x, np.array([1, -1]))
    # sample 1: w = 0 predicts -1 for y = +1: w += 0.5 * 2 * x1 = (1, 2), b = 1
    # sample 2: w.x2 + b = -1 + 1 + 1 = 1 > 0 predicts +1 for y = -1: w -= x2 -> (2, 1.5), b = 0
    np.testing.assert_allclose(model.weights_, [2.0, 1.5])
    assert model.bias_ == 0.0 and model.errors_ == [2]


def test_never_converges_on_xor_and_cycles():
    model = Perceptron(max_epochs=200, seed=0).fit(XOR_X, XOR_Y)
    assert not model.converged_ and min(model.errors_) >= 1
    assert model.score(XOR_X, XOR_Y) <= 0.75  # no line classifies all four XOR points
    # The proof: with a fixed visiting order the epoch map is deterministic; once a state (w, b) at the
    # start of an epoch repeats, training repeats the same epochs forever, each with a mistake.
    cycling = Perceptron(shuffle=False)
    cycling.partial_fit(XOR_X, XOR_Y)
    seen, mistakes = {}, []
    for epoch in range(50):
        state = (tuple(cycling.weights_), cycling.bias_)
        if state in seen:
            break
        seen[state] = epoch
        mistakes.append(cycling.partial_fit(XOR_X, XOR_Y))
    else:
        pytest.fail("the perceptron's state never repeated on XOR")
    assert all(m > 0 for m in mistakes[seen[state]:])


def test_errors():
    with pytest.raises(ValueError, match="two classes"):
        Perceptron().fit(XOR_X, np.array([0, 1, 2, 0]))
    with pytest.raises(ValueError, match="learning_rate"):
        Perceptron(learning_rate=0)
    model = Perceptron().fit(XOR_X, XOR_Y)
    with pytest.raises(ValueError, match="expected 2 features"):
        model.predict(np.ones((1, 3)))
