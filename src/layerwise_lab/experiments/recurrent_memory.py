"""An LSTM solves the adding problem over long sequences where a SimpleRNN fails (lecture 000).

In the adding problem (`layerwise.datasets.toy_sequences.adding_problem`) the two numbers to add can sit
~T/2 steps before the output, so the error signal must cross that many steps: through U^T φ' at every step
for a SimpleRNN, where it vanishes, and through the forget gate's additive path for an LSTM. Always answering
1 scores the baseline MSE 1/6.
"""

import layerwise
from layerwise import layers
from layerwise.datasets.toy_sequences import adding_problem
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict

BASELINE_MSE = 1.0 / 6.0


def train_on_adding_problem(layer_class, length, units=32, train_samples=5000, test_samples=1000, epochs=40,
                            batch_size=50, optimizer="adam", seed=0, progress=None):
    """Train ``layer_class(units)`` + Dense(1) on the adding problem; return the test MSE after each epoch."""
    layerwise.utils.set_random_seed(seed)
    x, y = adding_problem(train_samples, length, seed=seed)
    x_test, y_test = adding_problem(test_samples, length, seed=seed + 1)
    model = layerwise.Sequential([layerwise.Input(shape=(length, 2)), layer_class(units), layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    test_mse = []
    for _ in (progress or iter)(range(epochs)):
        model.fit(x, y, epochs=1, batch_size=batch_size, verbose=0)
        test_mse.append(float(model.evaluate(x_test, y_test, verbose=0)))
    return test_mse


class RecurrentMemory(Experiment):
    name = "recurrent-memory"
    title = "Vanishing gradients through time: SimpleRNN vs LSTM"
    number = 16
    lectures = ("000_6a85cdb6fa74c7e4.txt",)
    claim = ("In training, the gradient may become vanishingly small (or large), effectively preventing the "
             "weight from changing its value (or exploding in value). This leads to the neural network not being "
             "able to train. This issue affects many-layered networks (feed-forward), as well as recurrent "
             "networks.")
    protocol = ("The adding problem at sequence length 100 (5,000 training and 1,000 test sequences): a "
                "32-unit SimpleRNN and a 32-unit LSTM, each with a Dense(1) output, trained with Adam "
                "(learning rate 0.01, clipnorm 1) in mini-batches of 50 for 30 epochs; test MSE after each "
                "epoch against the baseline 1/6 of always answering 1. --quick: length 20, 500 sequences, "
                "4 epochs.")
    criterion = ("Held if the LSTM's final test MSE is below 10% of the baseline while the SimpleRNN's stays "
                 "above 50% of it; did not hold if the SimpleRNN gets below 50% of the baseline; inconclusive "
                 "if neither learns (the run cannot tell the two apart).")
    minutes = 1

    def run(self, trial):
        length, samples, epochs = trial.size((100, 5000, 30), (20, 500, 4))
        curves = {}
        for layer_class in (layers.SimpleRNN, layers.LSTM):
            optimizer = layerwise.optimizers.Adam(learning_rate=0.01, clipnorm=1.0)
            curves[layer_class.__name__] = train_on_adding_problem(
                layer_class, length, train_samples=samples, test_samples=max(samples // 5, 100), epochs=epochs,
                optimizer=optimizer, seed=trial.seed,
                progress=lambda epochs, name=layer_class.__name__: trial.progress(epochs, name))
        trial.table("final", [{"network": name, "final test MSE": curve[-1],
                               "fraction of baseline": curve[-1] / BASELINE_MSE, "best test MSE": min(curve)}
                              for name, curve in curves.items()], caption=f"Adding problem, length {length}")
        self._plot(trial, curves, length)
        return {"length": length, "baseline": BASELINE_MSE, "test_mse": curves}

    def _plot(self, trial, curves, length):
        import matplotlib.pyplot as plt

        figure, ax = plt.subplots(figsize=(6, 3.5))
        for name, curve in curves.items():
            ax.plot(range(1, len(curve) + 1), curve, marker=".", label=name)
        ax.axhline(BASELINE_MSE, color="gray", linestyle="--", label="baseline: always 1")
        ax.set(yscale="log", xlabel="epoch", ylabel="test MSE", title=f"Adding problem, length {length}")
        ax.legend()
        trial.figure("test_mse", figure, caption="Test MSE after each epoch (log scale).")

    def judge(self, numbers):
        baseline = numbers["baseline"]
        lstm, rnn = numbers["test_mse"]["LSTM"][-1] / baseline, numbers["test_mse"]["SimpleRNN"][-1] / baseline
        reason = f"final test MSE: LSTM {lstm:.1%} of the baseline, SimpleRNN {rnn:.1%}"
        if rnn < 0.5:
            return Verdict.of(False, reason + " (the SimpleRNN learned)")
        if lstm >= 0.1:
            return Verdict(INCONCLUSIVE, reason + " (the LSTM did not learn either)")
        return Verdict.of(True, reason)
