"""The perceptron experiment's helpers: the Boolean functions, Rosenblatt's rule and its cycle detection, and
its criterion."""

import pytest

from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.perceptron_xor import PerceptronXor, boolean_functions, first_cycle, run_perceptron


def test_boolean_functions_label_the_corners():
    x, labels = boolean_functions()
    assert x.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert {name: y.tolist() for name, y in labels.items()} == {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1],
                                                                "XOR": [0, 1, 1, 0]}


def test_rosenblatts_rule_stops_on_and_and_cycles_on_xor():
    x, labels = boolean_functions()
    model, states = run_perceptron(x, labels["AND"], max_epochs=50)
    assert model.converged_ and len(states) < 50 and model.score(x, labels["AND"]) == 1.0
    model, states = run_perceptron(x, labels["XOR"], max_epochs=20)
    assert not model.converged_ and len(states) == 20 and min(model.errors_) > 0
    start, period = first_cycle(states)
    assert states[start - 1] == states[start - 1 + period]


def test_first_cycle():
    assert first_cycle([(0.0,), (1.0,), (2.0,), (1.0,)]) == (2, 2)
    assert first_cycle([(0.0,), (1.0,), (2.0,)]) is None


def _numbers(and_errors, or_errors, xor_errors, accuracy):
    def run(errors):
        return {"errors": errors, "converged": errors[-1] == 0, "cycle": None if errors[-1] == 0 else [2, 1]}
    return {"perceptron": {"AND": run(and_errors), "OR": run(or_errors), "XOR": run(xor_errors)},
            "mlp": {"accuracy": accuracy}}


@pytest.mark.parametrize("and_errors, xor_errors, accuracy, status", [
    ([2, 1, 0], [2, 4, 4], [1.0, 1.0, 0.75], HELD),
    ([2, 1, 0], [2, 4, 4], [1.0, 0.5, 0.75], INCONCLUSIVE),
    ([2, 1, 0], [2, 4, 4], [0.75, 0.5, 0.75], DID_NOT_HOLD),
    ([2, 1, 1], [2, 4, 4], [1.0, 1.0, 1.0], DID_NOT_HOLD),
    ([2, 1, 0], [2, 1, 0], [1.0, 1.0, 1.0], DID_NOT_HOLD),
])
def test_the_criterion(and_errors, xor_errors, accuracy, status):
    assert PerceptronXor().judge(_numbers(and_errors, [1, 0], xor_errors, accuracy)).status == status
