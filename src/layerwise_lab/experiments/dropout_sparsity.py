"""Dropout makes the hidden units' activations sparse (lectures 001, 002; Srivastava et al. 2014, Fig. 8).

A unit that cannot count on its neighbours being present must carry its feature on its own; Srivastava et al.
saw, as a side effect, the mean activation of the units fall (from about 2 to about 0.7 in their net) and most
activations sit near zero, with no sparsity penalty in the loss.
"""

import numpy as np

from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._dropout import dropout_mlp, error
from layerwise_lab._models import compiled

#: An activation below this counts as "near zero" (a ReLU's output on inputs in [0, 1]; Srivastava's histogram
#: shows the mass within its first bin).
NEAR_ZERO = 0.1
#: The arms, by their dropout probability p on the hidden layer.
ARMS = {"no dropout": 0.0, "dropout p = 0.5": 0.5}
#: The histogram's bins of activations, the same for both arms; larger activations count in the last bin.
EDGES = np.linspace(0.0, 20.0, 81)


def activation_statistics(activations):
    """The numbers the histograms show, for hidden activations (N, units): each unit's mean activation over
    the examples, their mean, and the fractions of activations below NEAR_ZERO and exactly zero."""
    activations = np.asarray(activations, dtype=np.float64)
    per_unit = activations.mean(axis=0)
    return {"unit_means": per_unit.tolist(), "mean": float(per_unit.mean()),
            "near_zero": float(np.mean(activations < NEAR_ZERO)), "zero": float(np.mean(activations == 0))}


class DropoutSparsity(Experiment):
    name = "dropout-sparsity"
    title = "Dropout makes the hidden activations sparse: lower mean activations, more units near zero"
    number = 24
    lectures = ("001_9d6428fc0ed20444.txt", "002_18b815cf32b04ead.txt")
    claim = ("(a) Without dropout [...] (b) Dropout with $p = 0.5$. For each model, the histogram on the left shows "
             "the distribution of mean activations of hidden units across the minibatch. The histogram on the "
             "right shows the distribution of activations of the hidden units. **The activations of the hidden "
             "units become sparse with dropout.** [...] MNIST, one hidden layer, 256 ReLUs No Dropout Dropout p=0.5")
    protocol = ("MNIST, all 60,000 training images: a 784-256-10 ReLU classifier with and without dropout (p = 0.5) "
                "on its hidden layer, trained by Adam (learning rate 1e-3, batches of 128) for 20 epochs, 2 seeds. "
                "On the 10,000 test images: the hidden layer's activations (inference pass), each unit's mean "
                f"activation, the mean over units, the fraction of activations below {NEAR_ZERO} and exactly 0, "
                "and the test error. --quick: 2,000 training and 500 test images, 2 epochs, 1 seed.")
    criterion = (f"Per seed, dropout makes the activations sparser if its net has (a) a lower mean activation and "
                 f"(b) a larger fraction of activations below {NEAR_ZERO} than the net without dropout. Held if (a) "
                 "and (b) hold in every seed, did not hold if they hold together in none, inconclusive if the "
                 "seeds disagree.")
    minutes = 1

    def run(self, trial):
        train, test, epochs, seeds = trial.size((60000, 10000, 20, 2), (2000, 500, 2, 1))
        (x, y), (x_test, y_test) = mnist(train=train, test=test, seed=trial.seed)
        results = {}
        for seed in range(seeds):
            for arm, rate in ARMS.items():
                trial.seeded(seed)
                model = compiled(dropout_mlp((256,), rate=rate))
                model.fit(x, y, epochs=epochs, batch_size=128, verbose=0)
                hidden = model.get_layer("hidden_1")
                activations = model.layer_outputs(x_test, select=lambda layer: layer is hidden)[hidden][0]
                results.setdefault(f"seed {seed}", {})[arm] = {
                    **activation_statistics(activations), "error": error(model.predict(x_test, verbose=0), y_test)}
                if seed == 0:
                    results[f"seed {seed}"][arm]["histogram"] = np.histogram(
                        np.minimum(activations, EDGES[-1]), bins=EDGES)[0].tolist()
        trial.table("activations", [
            {"seed": seed, "model": arm, "mean activation": numbers["mean"], f"fraction < {NEAR_ZERO}":
             numbers["near_zero"], "fraction = 0": numbers["zero"], "test error": numbers["error"]}
            for seed, arms in results.items() for arm, numbers in arms.items()],
            caption=f"Hidden activations of the 784-256-10 net on {test:,} MNIST test images")
        self._plot(trial, results["seed 0"])
        return results

    def _plot(self, trial, arms):
        import matplotlib.pyplot as plt

        figure, (means, values) = plt.subplots(1, 2, figsize=(11, 4))
        for arm, numbers in arms.items():
            means.hist(numbers["unit_means"], bins=np.linspace(0, max(max(n["unit_means"]) for n in arms.values()),
                                                               41), histtype="step", linewidth=1.5,
                       label=f"{arm} (mean {numbers['mean']:.2f})")
            values.stairs(numbers["histogram"], EDGES, linewidth=1.5, label=f"{arm} ({numbers['near_zero']:.0%} "
                                                                            f"below {NEAR_ZERO})")
        means.set(xlabel="mean activation of a hidden unit", ylabel="hidden units",
                  title="Mean activations (test set)")
        values.set(yscale="log", xlabel="activation", ylabel="activations (log count)",
                   title="All activations (test set)")
        for ax in (means, values):
            ax.legend(fontsize="small")
        trial.figure("activation_histograms", figure,
                     caption="Hidden activations of the 784-256-10 ReLU net (seed 0) with and without dropout "
                             "(Srivastava et al., Fig. 8).")

    def judge(self, numbers):
        sparser = {seed: arms["dropout p = 0.5"]["mean"] < arms["no dropout"]["mean"]
                   and arms["dropout p = 0.5"]["near_zero"] > arms["no dropout"]["near_zero"]
                   for seed, arms in numbers.items()}
        reason = "; ".join(
            f"{seed}: mean activation {arms['no dropout']['mean']:.3f} without, {arms['dropout p = 0.5']['mean']:.3f} "
            f"with dropout; below {NEAR_ZERO}: {arms['no dropout']['near_zero']:.1%} without, "
            f"{arms['dropout p = 0.5']['near_zero']:.1%} with" for seed, arms in numbers.items())
        if all(sparser.values()):
            return Verdict.of(True, reason)
        if not any(sparser.values()):
            return Verdict.of(False, reason)
        return Verdict(INCONCLUSIVE, reason + " (the seeds disagree)")
