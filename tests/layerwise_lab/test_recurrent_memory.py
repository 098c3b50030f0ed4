"""A fast version of the lab's adding-problem run: an LSTM learns the task at length 10 in ~2 s.

The length-100 comparison with a SimpleRNN (about 15 minutes) is the lab script's job.
"""

import layerwise
from layerwise import layers
from layerwise_lab.recurrent_memory import BASELINE_MSE, train_on_adding_problem


def test_lstm_learns_the_adding_problem_at_length_10():
    history = train_on_adding_problem(layers.LSTM, 10, units=8, train_samples=1000, test_samples=500,
                                      epochs=10, batch_size=20,
                                      optimizer=layerwise.optimizers.SGD(learning_rate=0.05, momentum=0.9))
    assert history[0] > 0.5 * BASELINE_MSE
    assert history[-1] < 0.2 * BASELINE_MSE
