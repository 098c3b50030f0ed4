"""Batch normalization: faster training, larger learning rates, and a hidden unit's input distribution that stays
put (lectures 001, 002; Ioffe & Szegedy's MNIST experiment, Fig. 1).

Without normalization the input z = w^T h + b of a unit in the last hidden layer moves as the layers below it
learn (internal covariate shift, lecture 002); with BN the unit sees gamma (z - mu_B) / sigma_B + beta, whose
batch quantiles move only as gamma and beta do. The sigmoid's input is measured on a fixed probe batch as the
network computes it in training: every BN layer normalizes with the probe batch's own mean and variance
(Algorithm 1 with the probe as the mini-batch), so the moving averages' warm-up in the first hundreds of
steps is not mistaken for a drift, and measuring does not move them.
"""

import math

import numpy as np

import layerwise
from layerwise import layers
from layerwise.initializers import RandomNormal
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._checkpoints import train_with_checkpoints
from layerwise_lab._data import mnist

#: The learning-rate grid of plain SGD: 10^(k/2), 0.01 to 1,000 (factor sqrt(10) per step).
RATES = tuple(round(10 ** (k / 2), 4) for k in range(-4, 7))
#: "Still trains": at least this test accuracy after the sweep's steps, without diverging.
TRAINS = 0.90
#: The test accuracy whose first checkpoint measures training speed.
TARGET = 0.95
#: BN must reach TARGET in at most this fraction of the steps without BN, train at a rate RATE_DECADES decades
#: larger (10 times), and drift at most DRIFT_FACTOR times as far.
SPEEDUP, RATE_DECADES, DRIFT_FACTOR = 0.5, 1.0, 0.5
QUANTILES = (15, 50, 85)


def sigmoid_mlp(batch_norm, hidden=(100, 100, 100)):
    """Ioffe & Szegedy's MNIST network: Dense layers of ``hidden`` units, kernels N(0, 0.1²), each followed by
    a sigmoid (with ``batch_norm``, by BatchNormalization and then the sigmoid: BN's beta replaces the Dense
    bias), and a softmax Dense(10). The hidden Dense layers are named ``dense_1`` ... and the BN layers
    ``bn_1`` ...."""
    stack = [layerwise.Input(shape=(784,))]
    for index, units in enumerate(hidden, start=1):
        stack.append(layers.Dense(units, use_bias=not batch_norm, kernel_initializer=RandomNormal(stddev=0.1),
                                  name=f"dense_{index}"))
        if batch_norm:
            stack.append(layers.BatchNormalization(name=f"bn_{index}"))
        stack.append(layers.Activation("sigmoid"))
    stack.append(layers.Dense(10, activation="softmax", name="output"))
    return layerwise.Sequential(stack)


def batch_normalized(z, layer):
    """Algorithm 1 of a `BatchNormalization` ``layer`` on the batch ``z`` (features last): normalized by the
    batch's own mean and variance, then scaled by gamma and shifted by beta, as in training, but without
    updating the layer's moving statistics."""
    z = np.asarray(z, dtype=np.float64)
    return (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + layer.epsilon) * layer.gamma.value + layer.beta.value


def sigmoid_inputs(model, x):
    """The inputs (len(x), units) of the last hidden layer's sigmoids of a `sigmoid_mlp` on the batch ``x``, as
    training computes them: every BN layer normalizes with the batch's own statistics (`batch_normalized`), so
    the measure does not move the moving averages nor depend on them."""
    h, inputs = x, None
    for layer in model.layers[:-1]:
        if isinstance(layer, layers.BatchNormalization):
            h = batch_normalized(h, layer)
        else:
            if isinstance(layer, layers.Activation):
                inputs = h
            h = layer(h)
    return np.asarray(inputs)


def drift(quantiles):
    """How far a unit's input distribution moves over training: the largest distance of any of its quantiles
    from that quantile's final value, over every checkpoint, in units of the final 15-85% spread.

    Args:
        quantiles: (checkpoints, 3) the 15th, 50th and 85th percentiles of the unit's input at each checkpoint.

    Returns:
        The drift, 0 for a distribution that never moves; inf when the final spread is 0.
    """
    quantiles = np.asarray(quantiles, dtype=np.float64)
    final = quantiles[-1]
    spread = final[-1] - final[0]
    return float(np.abs(quantiles - final).max() / spread) if spread > 0 else math.inf


def first_reaching(steps, accuracies, target=TARGET):
    """The first checkpoint step whose accuracy is at least ``target``, or None (never reached)."""
    return next((step for step, accuracy in zip(steps, accuracies) if accuracy >= target), None)


class BatchNorm(Experiment):
    name = "batch-normalization"
    title = "Batch normalization: training speed, the largest learning rate, a unit's input distribution"
    number = 18
    lectures = ("001_9d6428fc0ed20444.txt", "002_18b815cf32b04ead.txt")
    claim = ("BN is less sensitive to step size [...] More benefits: stabilizes training provides a regularization "
             "effect, ensures faster convergence (lecture 001) / Internal Covariate Shift: A small change in previous "
             "layers leads a large change in the later. Distribution of inputs of a node is easy to shift very fast "
             "[...] It disturbs the learning process, Learning is getting slow down [...] Advantage: Reduces "
             "internal covariant shift. [...] Performance with BN [...] Without BN [...] (a) accuracy (b) Without "
             "BN (c) With BN input distributions (lecture 002, Ioffe & Szegedy's Fig. 1)")
    protocol = ("MNIST (the lecture's figure is Ioffe & Szegedy's MNIST experiment), 60,000 training and 10,000 "
                "test images: 784-100-100-100-10 with sigmoid hidden units, kernels N(0, 0.1²), without BN or "
                "with BatchNormalization before each sigmoid; plain SGD, batches of 60. Learning-rate sweep: each "
                "net trained 3,000 steps at each rate 10^(k/2) from 0.01 to 1,000; a rate 'still trains' if the "
                "test accuracy ends >= 90% without divergence. Main run (the figure): both nets at the rate where "
                "the net without BN ends the sweep most accurate, 50,000 steps as in the paper; test accuracy and "
                "the 15th, 50th and 85th percentiles of the inputs to the last hidden layer's 100 sigmoids on a "
                "fixed batch of 1,000 training images, at 30 checkpoints. One seed. --quick: 1,000 training and "
                "500 test images, 3 rates (0.1, 10, 1,000) for 30 steps, a main run of 60 steps, a probe of 200.")
    criterion = ("Held if (a) with BN the main run first reaches 95% test accuracy in at most half the steps it "
                 "takes without BN (never reaching it counts as more than the whole run); (b) the largest swept "
                 "rate that still trains is at least 10 times larger with BN (two steps of the grid); (c) the "
                 "median over the 100 units of the drift (the largest distance of a 15/50/85% quantile from its "
                 "final value over the main run, in units of the final 15-85% spread) with BN is at most half of "
                 "that without BN. Did not hold if any of them fails; inconclusive if neither net reaches 95%, or "
                 "the net without BN still trains at the grid's largest rate (no measured limit).")
    minutes = 3

    def run(self, trial):
        (x, y), (x_test, y_test) = mnist(train=trial.size(60000, 1000), test=trial.size(10000, 500), seed=trial.seed)
        probe, batch_size = x[:trial.size(1000, 200)], 60
        sweep_steps, main_steps = trial.size(3000, 30), trial.size(50000, 60)
        rates = trial.size(RATES, (0.1, 10.0, 1000.0))

        def accuracy(model):
            with np.errstate(over="ignore", invalid="ignore"):
                return float(model.evaluate(x_test, y_test, batch_size=2000, verbose=0)[1])

        def train(batch_norm, rate, checkpoints, measure, offset):
            trial.seeded(offset)
            model = sigmoid_mlp(batch_norm)
            model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=rate),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            with np.errstate(over="ignore", invalid="ignore"):
                return train_with_checkpoints(model, x, y, checkpoints, batch_size, measure, seed=trial.seed + offset)

        sweep = {}
        for batch_norm in trial.progress((False, True), "BN off/on"):
            for rate in rates:
                measured, diverged_at = train(batch_norm, rate, [0, sweep_steps], accuracy, 0)
                sweep.setdefault(label(batch_norm), []).append(None if diverged_at is not None else measured[-1])
        plain = sweep[label(False)]
        main_rate = rates[max(range(len(rates)), key=lambda index: -1.0 if plain[index] is None else plain[index])]

        checkpoints = main_checkpoints(main_steps)

        def measure(model):
            inputs = sigmoid_inputs(model, probe)
            return {"accuracy": accuracy(model), "quantiles": np.percentile(inputs, QUANTILES, axis=0).T.tolist()}

        main = {}
        for batch_norm in trial.progress((False, True), "main runs"):
            measured, diverged_at = train(batch_norm, main_rate, checkpoints, measure, 1)
            quantiles = np.asarray([point["quantiles"] for point in measured])   # (checkpoints, units, 3)
            main[label(batch_norm)] = {
                "accuracy": [point["accuracy"] for point in measured], "diverged_at": diverged_at,
                "steps_to_target": first_reaching(checkpoints, [point["accuracy"] for point in measured]),
                "drift": [drift(quantiles[:, unit]) for unit in range(quantiles.shape[1])],
                "unit_0": quantiles[:, 0].tolist()}
        numbers = {"rates": list(rates), "sweep_steps": sweep_steps, "sweep": sweep, "main_rate": main_rate,
                   "checkpoints": checkpoints, "main": main,
                   "largest_training_rate": {name: largest_training_rate(rates, accuracies)
                                             for name, accuracies in sweep.items()}}
        self._tables(trial, numbers)
        self._plot(trial, numbers)
        return numbers

    def _tables(self, trial, numbers):
        def shown(value):
            return "diverged" if value is None else round(value, 4)

        trial.table("learning_rates", [
            {"learning rate": rate, **{f"test accuracy {name}": shown(numbers["sweep"][name][index])
                                       for name in numbers["sweep"]}}
            for index, rate in enumerate(numbers["rates"])],
            caption=f"Test accuracy after {numbers['sweep_steps']:,} steps of plain SGD at each rate; 'still trains' "
                    f"= at least {TRAINS:.0%}")
        trial.table("main_runs", [
            {"network": name, "learning rate": numbers["main_rate"],
             "largest rate that still trains": numbers["largest_training_rate"][name] or "none",
             f"steps to {TARGET:.0%} test accuracy": result["steps_to_target"] or "not reached",
             "final test accuracy": "diverged" if result["diverged_at"] is not None
             else round(result["accuracy"][-1], 4),
             "median drift of the sigmoids' inputs": round(float(np.median(result["drift"])), 3)}
            for name, result in numbers["main"].items()],
            caption="The main runs, both at the rate best for the net without BN; drift: the largest distance of a "
                    "15/50/85% quantile from its final value, in final 15-85% spreads (median over the last hidden "
                    "layer's units)")

    def _plot(self, trial, numbers):
        import matplotlib.pyplot as plt

        steps, main = numbers["checkpoints"], numbers["main"]
        figure, (curve, *distributions) = plt.subplots(1, 3, figsize=(15, 4))
        for name, result in main.items():
            curve.plot(steps[:len(result["accuracy"])], result["accuracy"], marker=".", label=name)
        curve.axhline(TARGET, color="gray", linestyle=":", label=f"{TARGET:.0%}")
        # Fig. 1's range, widened for a run that ends below it (a short one).
        bottom = min([0.7] + [result["accuracy"][-1] - 0.05 for result in main.values()])
        curve.set(xlabel="training step", ylabel="test accuracy", ylim=(max(bottom, 0.0), 1.0),
                  title=f"(a) Test accuracy, SGD at rate {numbers['main_rate']:g}")
        curve.legend(fontsize="small")
        for ax, (name, result) in zip(distributions, main.items()):
            quantiles = np.asarray(result["unit_0"])
            reached = steps[:len(quantiles)]
            ax.fill_between(reached, quantiles[:, 0], quantiles[:, 2], alpha=0.2)
            for column, percentile in enumerate(QUANTILES):
                ax.plot(reached, quantiles[:, column], label=f"{percentile}th percentile")
            ax.set(xlabel="training step", ylabel="input to the sigmoid",
                   title=f"({'bc'[name == label(True)]}) {name}: unit 1 of the last hidden layer\n"
                         f"median drift over the 100 units {np.median(result['drift']):.2f}")
            ax.legend(fontsize="small")
        figure.tight_layout()
        trial.figure("ioffe_szegedy_fig1", figure,
                     caption="Ioffe & Szegedy's Fig. 1 on this library: (a) the test accuracy of the MNIST sigmoid "
                             "MLP with and without BN; (b, c) the 15th, 50th and 85th percentiles of one last-layer "
                             "sigmoid's input on 1,000 training images over training.")

        figure, ax = plt.subplots(figsize=(7, 4))
        for name, accuracies in numbers["sweep"].items():
            ax.plot(numbers["rates"], [np.nan if value is None else value for value in accuracies], marker="o",
                    label=f"{name} (largest that trains: {numbers['largest_training_rate'][name] or 'none'})")
        ax.axhline(TRAINS, color="gray", linestyle=":", label=f"still trains ({TRAINS:.0%})")
        ax.set(xscale="log", xlabel="SGD learning rate", ylabel=f"test accuracy after {numbers['sweep_steps']:,} steps",
               ylim=(0, 1), title="Learning-rate sweep (missing point: diverged)")
        ax.legend(fontsize="small")
        trial.figure("learning_rate_sweep", figure,
                     caption="The test accuracy each net reaches at each learning rate; the largest rate that still "
                             "trains is BN's advantage the lecture names (less sensitive to step size).")

    def judge(self, numbers):
        plain, normalized = label(False), label(True)
        main, largest, rates = numbers["main"], numbers["largest_training_rate"], numbers["rates"]
        speed = {name: main[name]["steps_to_target"] for name in (plain, normalized)}
        drifts = {name: float(np.median(main[name]["drift"])) for name in (plain, normalized)}
        reason = (f"steps to {TARGET:.0%}: {speed[normalized] or 'never'} with BN, {speed[plain] or 'never'} "
                  f"without; largest rate that trains: {largest[normalized] or 'none'} with BN, "
                  f"{largest[plain] or 'none'} without; median drift: {drifts[normalized]:.2f} with BN, "
                  f"{drifts[plain]:.2f} without")
        if speed[normalized] is None and speed[plain] is None:
            return Verdict(INCONCLUSIVE, reason + f" (neither net reaches {TARGET:.0%})")
        if largest[plain] is not None and largest[plain] >= max(rates):
            return Verdict(INCONCLUSIVE, reason + " (without BN it still trains at the largest rate tried)")
        faster = speed[normalized] is not None and (speed[plain] is None or speed[normalized] <= SPEEDUP * speed[plain])
        # In decades rounded to 0.01: the grid's rates are rounded, so 31.6228 / 3.1623 is 10 only to 5 digits.
        larger = largest[normalized] is not None and (
            largest[plain] is None
            or round(math.log10(largest[normalized] / largest[plain]), 2) >= RATE_DECADES)
        stable = drifts[normalized] <= DRIFT_FACTOR * drifts[plain]
        failed = [part for part, ok in (("BN is not twice as fast", faster),
                                        ("BN's largest rate is not 10x larger", larger),
                                        ("BN's input distribution does not drift half as far", stable)) if not ok]
        return Verdict.of(not failed, reason + (f" ({'; '.join(failed)})" if failed else ""))


def label(batch_norm):
    """The name of the net with or without BN in the numbers and the figures."""
    return "with BN" if batch_norm else "without BN"


def largest_training_rate(rates, accuracies):
    """The largest rate whose run ended at least at TRAINS accuracy (None: diverged), or None if none did."""
    return max((rate for rate, accuracy in zip(rates, accuracies) if accuracy is not None and accuracy >= TRAINS),
               default=None)


def main_checkpoints(steps):
    """Steps 0, 100, 300, 1,000 and then 26 evenly spaced up to ``steps`` (30 in all, Fig. 1's linear axis with
    its first thousand steps resolved), or fewer, in order and distinct, for a short run."""
    early = [step for step in (0, 100, 300, 1000) if step < steps]
    return sorted(set(early + [int(round(value)) for value in np.linspace(steps / 26, steps, 26)]))
