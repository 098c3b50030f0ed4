"""A softmax output trained with square error against cross-entropy (lecture 003).

With p = softmax(z) and a one-hot target y, cross-entropy l = -sum_i y_i log p_i has dl/dz = p - y, as large
as the error itself; square error l = (1/C) sum_j (p_j - y_j)^2 (Keras's mean_squared_error) has
dl/dz_i = p_i (g_i - sum_j p_j g_j) with g = dl/dp = 2 (p - y) / C, which carries the softmax's derivative and
vanishes as p saturates, however wrong the prediction.
"""

import numpy as np

from layerwise.optimizers import SGD
from layerwise.utils import to_categorical
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._models import mlp
from layerwise_lab._training import training_curve

LOSSES = {"square error": "mean_squared_error", "cross-entropy": "categorical_crossentropy"}
RATES = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
#: Cross-entropy's mean training error must be at most this fraction of square error's to count as faster.
MARGIN = 0.8
#: A wrong prediction counts as confident when its probability is above this.
CONFIDENT = 0.9


def output_gradient_norms(p, y):
    """The per-sample ||dl/dz|| of each loss at the softmax outputs ``p`` (N, C) for one-hot targets ``y``.

    Returns:
        ``{"square error": (N,), "cross-entropy": (N,)}``: ||p - y|| for cross-entropy, and for square error
        ||J^T g|| with J = diag(p) - p p^T the softmax's Jacobian and g = 2 (p - y) / C.
    """
    g = 2.0 * (p - y) / p.shape[1]
    square = p * (g - np.sum(p * g, axis=1, keepdims=True))
    return {"square error": np.linalg.norm(square, axis=1), "cross-entropy": np.linalg.norm(p - y, axis=1)}


def errors(accuracies):
    """The training error after each epoch of one run; a diverged run (no accuracy) counts as all wrong."""
    return np.array([1.0 if accuracy is None else 1.0 - accuracy for accuracy in accuracies])


def mean_error(accuracies):
    """The mean training error over the epochs after the first measurement: the area under the learning curve,
    per epoch, which is lower the faster a run learns."""
    return float(np.mean(errors(accuracies)[1:]))


def error_curve(runs):
    """The training error after each epoch, mean over ``runs``."""
    return np.mean([errors(run["accuracy"]) for run in runs], axis=0)


class SquareVsCrossEntropy(Experiment):
    name = "square-vs-cross-entropy"
    title = "Softmax output: square error vs cross-entropy"
    number = 9
    lectures = ("003_177acb73fe647277.txt",)
    claim = ("Loss can be square error or cross entropy between the network output and target [...] "
             "CHOOSING PROPER LOSS: When using softmax output layer, choose cross entropy")
    protocol = ("MNIST, 10,000 training and 2,000 test images; the lecture's network narrowed for time: "
                "784-100-100-10 with sigmoid hidden layers and a softmax output, one-hot targets, plain SGD on "
                "mini-batches of 100 (the lecture's demo) for 20 epochs, 2 seeds. Each loss at its best learning "
                f"rate of {', '.join(map(str, RATES))}: the one with the lowest mean training error over the "
                "epochs (measured on the whole training set after each). The gradient dl/dz at the softmax input "
                "is computed for both losses at the trained networks' wrong training predictions. --quick: "
                "1,000 images, 3 epochs, the rates 1 and 10, one seed.")
    criterion = (f"Held if cross-entropy's mean training error over the epochs is at most {MARGIN} times square "
                 "error's (each at its best rate, mean over seeds): it learns faster. Did not hold if it is as "
                 "high or higher; inconclusive in between.")
    minutes = 1

    def run(self, trial):
        images, epochs, seeds = trial.size((10000, 20, 2), (1000, 3, 1))
        rates = trial.size(RATES, (1.0, 10.0))
        (x, labels), (x_test, test_labels) = mnist(train=images, test=trial.size(2000, 200), seed=trial.seed)
        y, y_test = to_categorical(labels, 10), to_categorical(test_labels, 10)
        results, outputs = {}, {}
        for name, loss in LOSSES.items():
            for rate in rates:
                runs = []
                for seed in range(seeds):
                    trial.seeded(seed)
                    model = mlp((100, 100), activation="sigmoid")
                    model.compile(optimizer=SGD(rate), loss=loss, metrics=["accuracy"])
                    curve = training_curve(model, x, y, epochs, 100,
                                           progress=lambda it: trial.progress(it, f"{name} α={rate}"))
                    with np.errstate(over="ignore", invalid="ignore"):  # a diverged model overflows
                        curve["test_accuracy"] = model.evaluate(x_test, y_test, verbose=0,
                                                                return_dict=True)["accuracy"]
                    runs.append(curve)
                    if seed == 0:
                        outputs[name, rate] = model.predict(x, verbose=0)
                results[name, rate] = runs
        scores = {name: {rate: float(np.mean([mean_error(run["accuracy"]) for run in results[name, rate]]))
                         for rate in rates} for name in LOSSES}
        best = {name: min(rates, key=scores[name].get) for name in LOSSES}
        gradients = self._gradients(trial, [outputs[name, best[name]] for name in LOSSES], y, labels)
        trial.table("learning_rates", [
            {"loss": name, "α": rate, "mean training error": scores[name][rate],
             "final training error": error_curve(results[name, rate])[-1],
             "final test error": 1.0 - np.mean([run["test_accuracy"] for run in results[name, rate]]),
             "best": rate == best[name]} for name in LOSSES for rate in rates],
            caption="Training error averaged over the epochs (the criterion's number) and at the end, and the final "
                    "test error, mean over seeds")
        self._plot(trial, results, best, rates)
        return {"best_rate": best,
                "mean_training_error": {name: {str(rate): score for rate, score in scores[name].items()}
                                        for name in LOSSES},
                "training_error": {name: error_curve(results[name, best[name]]) for name in LOSSES},
                "confident_wrong_gradient": gradients}

    def _gradients(self, trial, outputs, y, labels):
        """Plot ||dl/dz|| of both losses at the wrong predictions of the trained networks; return their medians
        at the confident ones."""
        import matplotlib.pyplot as plt

        p = np.concatenate(outputs)
        y, labels = np.concatenate([y] * len(outputs)), np.concatenate([labels] * len(outputs))
        wrong = p.argmax(axis=1) != labels
        confidence, norms = p[wrong].max(axis=1), output_gradient_norms(p[wrong], y[wrong])
        figure, ax = plt.subplots(figsize=(6.5, 4.5))
        for name, norm in norms.items():
            ax.scatter(confidence, norm, s=4, alpha=0.4, label=name)
        ax.axvline(CONFIDENT, color="gray", linestyle="--", label=f"confident: p > {CONFIDENT}")
        ax.set(yscale="log", xlabel="probability of the wrong predicted class",
               ylabel="||dl/dz|| at the softmax input", title="Gradient at wrong predictions")
        ax.legend(markerscale=3)
        trial.figure("output_gradients", figure,
                     caption="Per-sample gradient of each loss at the softmax input, at every wrong training "
                             "prediction of both trained networks (log scale). Square error's constant factor 2/C "
                             "is what its larger learning rate makes up for; what no rate makes up for is its "
                             "fall as the wrong class's probability goes to 1.")
        confident = confidence > CONFIDENT
        return {"count": int(confident.sum()),
                **{name: float(np.median(norm[confident])) if confident.any() else None
                   for name, norm in norms.items()}}

    def _plot(self, trial, results, best, rates):
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(1, len(LOSSES), figsize=(12, 4.5), sharey=True)
        for ax, name in zip(axes, LOSSES):
            for rate in rates:
                chosen = rate == best[name]
                ax.plot(error_curve(results[name, rate]), marker=".", linewidth=2.5 if chosen else 1,
                        label=f"α = {rate}" + (" (best)" if chosen else ""))
            ax.set(yscale="log", xlabel="epoch", title=name)
            ax.legend()
        axes[0].set_ylabel("training error")
        trial.figure("learning_curves", figure,
                     caption="Training error after each epoch at every learning rate, mean over seeds (log scale).")

    def judge(self, numbers):
        errors = {name: numbers["mean_training_error"][name][str(numbers["best_rate"][name])] for name in LOSSES}
        ratio = errors["cross-entropy"] / errors["square error"]
        reason = (f"mean training error over the epochs: cross-entropy {errors['cross-entropy']:.3f} "
                  f"(α = {numbers['best_rate']['cross-entropy']}), square error {errors['square error']:.3f} "
                  f"(α = {numbers['best_rate']['square error']}), ratio {ratio:.2f}")
        gradient = numbers["confident_wrong_gradient"]
        if gradient["count"]:
            reason += (f"; median ||dl/dz|| at {gradient['count']} confident wrong predictions: cross-entropy "
                       f"{gradient['cross-entropy']:.3g}, square error {gradient['square error']:.3g}")
        if ratio >= 1:
            return Verdict.of(False, reason)
        if ratio > MARGIN:
            return Verdict(INCONCLUSIVE, reason + f" (cross-entropy ahead, but not below {MARGIN} of square error)")
        return Verdict.of(True, reason)
