"""The adding-problem experiment's model learns at a short length, and its criterion judges as written."""

import pytest

import layerwise
from layerwise import layers
from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.recurrent_memory import BASELINE_MSE, RecurrentMemory, train_on_adding_problem


def test_lstm_learns_the_adding_problem_at_length_10():
    history = train_on_adding_problem(layers.LSTM, 10, units=8, train_samples=1000, test_samples=500,
                                      epochs=10, batch_size=20,
                                      optimizer=layerwise.optimizers.SGD(learning_rate=0.05, momentum=0.9))
    assert history[0] > 0.5 * BASELINE_MSE
    assert history[-1] < 0.2 * BASELINE_MSE


@pytest.mark.parametrize("lstm, rnn, status", [(0.01, 0.9, HELD), (0.01, 0.3, DID_NOT_HOLD),
                                                (0.8, 0.9, INCONCLUSIVE)])
def test_the_criterion(lstm, rnn, status):
    numbers = {"baseline": BASELINE_MSE, "test_mse": {"LSTM": [lstm * BASELINE_MSE],
                                                       "SimpleRNN": [rnn * BASELINE_MSE]}}
    assert RecurrentMemory().judge(numbers).status == status
