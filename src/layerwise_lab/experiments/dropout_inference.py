"""Dropout at test time: Monte Carlo averaging of k stochastic passes approaches weight scaling as k grows
(lecture 001).

Weight scaling replaces the average over masks E_θ f_θ(x) by the one network f_{Eθ}(x) with the expected
weights; Monte Carlo averaging estimates the same average by sampling. A single pass is one thinned network
and errs more; the estimate's noise falls as 1/√k, and Srivastava et al. (Fig. 11) found its error level with
weight scaling's at about k = 50.
"""

import numpy as np

from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._dropout import dropout_mlp, error, stochastic_passes
from layerwise_lab._models import compiled

#: The numbers of stochastic passes averaged.
SAMPLES = (1, 2, 5, 10, 20, 50, 100)
#: The sample counts at which Monte Carlo must match weight scaling (Srivastava's "about 50" and beyond).
MATCHED = (50, 100)
#: The smallest error difference counted as one (0.1 percentage point), below twice the repeats' spread.
RESOLUTION = 0.001


def tolerance(spread):
    """The margin within which two errors count as equal: RESOLUTION, or twice the repeats' spread if larger."""
    return max(RESOLUTION, 2 * spread)


def averaged_errors(passes, labels, samples=SAMPLES):
    """{k: the error of the mean of the first k of ``passes`` (count, N, classes)} for each k in ``samples``."""
    running = np.cumsum(passes, axis=0, dtype=np.float64)
    return {k: error(running[k - 1], labels) for k in samples}


class DropoutInference(Experiment):
    name = "dropout-inference"
    title = "Dropout at test time: Monte Carlo averaging approaches weight scaling as the samples grow"
    number = 25
    lectures = ("001_9d6428fc0ed20444.txt",)
    claim = ("For testing : 1. Monte Carlo Averaging: $y = \\int p(\\theta) f_\\theta(x) = \\frac{1}{N} \\sum_i "
             "f_{\\theta_i}(x), \\theta_i \\sim p(\\theta);$ 2. Weight Scaling: $y = E_\\theta f_\\theta(x) \\approx "
             "f_{E\\theta}(x)$ [...] Srivastava et al, \u201cDropout: A simple way to prevent neural networks from "
             "overfitting\u201d, JMLR 2014")
    protocol = ("MNIST, all 60,000 training images: a 784-512-512-10 ReLU MLP with dropout on the inputs (p = 0.2) "
                "and after each hidden layer (p = 0.5), trained by Adam (learning rate 1e-3, batches of 128) for 15 "
                "epochs. On the 10,000 test images: the error of weight scaling (the deterministic inference pass) "
                "and of the mean of the softmax outputs of k = 1, 2, 5, 10, 20, 50, 100 stochastic passes (fresh "
                "masks per example and pass), in 5 independent repeats of 100 passes. --quick: 2,000 training and "
                "1,000 test images, a 784-64-64-10 net, 2 epochs, 2 repeats.")
    criterion = ("The Monte Carlo error at k (mean over repeats, spread = their standard deviation) against weight "
                 "scaling's; two errors match when they differ by at most max(0.1 points, 2 spreads). Held if one "
                 "pass (k = 1) errs more than weight scaling by more than that margin and the Monte Carlo error "
                 "matches weight scaling at k = 50 and at k = 100. Did not hold if it matches at neither k = 50 nor "
                 "k = 100 (either way: much better or much worse). Inconclusive otherwise (k = 1 does not err "
                 "measurably more, so convergence cannot be seen, or only one of k = 50, 100 matches).")
    minutes = 2

    def run(self, trial):
        width, train, test, epochs, repeats = trial.size((512, 60000, 10000, 15, 5), (64, 2000, 1000, 2, 2))
        (x, y), (x_test, y_test) = mnist(train=train, test=test, seed=trial.seed)
        trial.seeded()
        model = compiled(dropout_mlp((width, width), rate=0.5, input_rate=0.2))
        model.fit(x, y, epochs=epochs, batch_size=128, verbose=0)
        scaled = error(model.predict(x_test, batch_size=1000, verbose=0), y_test)
        runs = [averaged_errors(stochastic_passes(model, x_test, max(SAMPLES),
                                                  lambda it: trial.progress(it, f"repeat {repeat + 1}")), y_test)
                for repeat in range(repeats)]
        monte_carlo = {str(k): {"mean": float(np.mean([run[k] for run in runs])),
                                "spread": float(np.std([run[k] for run in runs]))} for k in SAMPLES}
        trial.table("errors", [{"k passes": k, "Monte Carlo error": monte_carlo[str(k)]["mean"],
                                "spread over repeats": monte_carlo[str(k)]["spread"],
                                "weight scaling error": scaled} for k in SAMPLES],
                    caption=f"Test error on {test:,} MNIST images, Monte Carlo means over {repeats} repeats")
        self._plot(trial, monte_carlo, scaled, repeats)
        return {"weight_scaling": scaled, "monte_carlo": monte_carlo}

    def _plot(self, trial, monte_carlo, scaled, repeats):
        import matplotlib.pyplot as plt

        figure, ax = plt.subplots(figsize=(6.5, 4.2))
        means = [100 * monte_carlo[str(k)]["mean"] for k in SAMPLES]
        spreads = [100 * monte_carlo[str(k)]["spread"] for k in SAMPLES]
        ax.errorbar(SAMPLES, means, yerr=spreads, marker="o", capsize=3, label=f"Monte Carlo ({repeats} repeats)")
        ax.axhline(100 * scaled, color="black", linestyle="--", label="weight scaling")
        ax.set(xscale="log", xlabel="stochastic passes averaged k", ylabel="test error (%)",
               title="MNIST: Monte Carlo averaging vs weight scaling")
        ax.legend()
        trial.figure("monte_carlo_vs_weight_scaling", figure,
                     caption="Test error of the mean of k stochastic passes (± one standard deviation over "
                             "repeats) and of the weight-scaled network (Srivastava et al., Fig. 11).")

    def judge(self, numbers):
        scaled, monte_carlo = numbers["weight_scaling"], numbers["monte_carlo"]

        def gap(k):
            return monte_carlo[str(k)]["mean"] - scaled

        def matches(k):
            return abs(gap(k)) <= tolerance(monte_carlo[str(k)]["spread"])

        single = gap(1) > tolerance(monte_carlo["1"]["spread"])
        reason = (f"weight scaling {scaled:.2%}; Monte Carlo k = 1: {monte_carlo['1']['mean']:.2%}, "
                  + ", ".join(f"k = {k}: {monte_carlo[str(k)]['mean']:.2%} (spread {monte_carlo[str(k)]['spread']:.2%})"
                              for k in MATCHED)
                  + f"; one pass {'errs' if single else 'does not err'} measurably more, Monte Carlo matches "
                  + "weight scaling at " + (", ".join(f"k = {k}" for k in MATCHED if matches(k)) or "neither k"))
        matched = [matches(k) for k in MATCHED]
        if not any(matched):
            return Verdict.of(False, reason)
        if single and all(matched):
            return Verdict.of(True, reason)
        return Verdict(INCONCLUSIVE, reason)
