"""Xavier and Kaiming initialization keep the gradient's scale through 24 layers; naive scales do not
(lecture 001).

Backward through a layer y = Wx multiplies the gradient's variance by n Var(w) (and, through a ReLU, by 1/2),
so after L layers Var(dJ/dx_1) = prod_l n_l Var(w_l) Var(dJ/dx_L): Var(w) = 1/n (Xavier, for tanh) or 2/n
(Kaiming, for ReLU) keeps the product near 1, N(0, 1) makes it explode and N(0, 0.01^2) vanish.

The measured gradient is the backpropagated one the lecture's formula is about, delta_l = dJ/dz_l at each hidden
layer's pre-activation z_l: with one example per batch it is the bias gradient dJ/db_l. The kernels' gradients
dJ/dW_l = delta_l x_{l-1}^T (`layerwise.diagnostics.gradient_norms`) are shown too; they multiply a vanishing
delta_l by a growing x_{l-1} (or the reverse), so in a net that stays near-linear they can look alike in every
layer while all of them are orders of magnitude off (Glorot and Bengio 2010 saw the same).
"""

import math

import numpy as np

import layerwise
from layerwise.diagnostics import gradient_norms
from layerwise.initializers import GlorotNormal, HeNormal, RandomNormal
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._mlp import deep_mlp, fit_or_diverge, hidden_dense

#: (activation, initialization): the initializer, and whether it is the one the lecture derives for it.
SETUPS = {("tanh", "N(0, 1)"): (lambda: RandomNormal(stddev=1.0), False),
          ("tanh", "N(0, 0.01²)"): (lambda: RandomNormal(stddev=0.01), False),
          ("tanh", "Xavier"): (GlorotNormal, True),
          ("relu", "N(0, 1)"): (lambda: RandomNormal(stddev=1.0), False),
          ("relu", "N(0, 0.01²)"): (lambda: RandomNormal(stddev=0.01), False),
          ("relu", "Kaiming"): (HeNormal, True)}
#: |log10(first / last)| allowed for "similar gradient scale", and required for "orders of magnitude off".
SIMILAR_DECADES, OFF_DECADES = 1.0, 2.0


def backpropagated_rms(model, x, y):
    """RMS over units and examples of delta_l = dJ/dz_l at each hidden Dense layer of a compiled `deep_mlp`,
    input side first: one example at a time, where dJ/db_l = delta_l of that example."""
    dense = hidden_dense(model)
    squares = np.zeros(len(dense))
    for index in range(len(x)):
        gradient_norms(model, x[index:index + 1], y[index:index + 1])
        squares += [float(np.mean(np.square(layer.bias.grad, dtype=np.float64))) for layer in dense]
    return np.sqrt(squares / len(x)).tolist()


def decades(first, last):
    """|log10(first / last)|, or None (no finite ratio) when either is zero or not finite."""
    if not (np.isfinite(first) and np.isfinite(last)) or first <= 0 or last <= 0:
        return None
    return abs(math.log10(first / last))


class Initialization(Experiment):
    name = "initialization"
    title = "Initialization in a 24-layer net: naive scales against Xavier (tanh) and Kaiming (ReLU)"
    number = 11
    lectures = ("001_9d6428fc0ed20444.txt",)
    claim = ("To avoid gradient vanishment or exploding, we should set $n_l Var(w^{(l)}) \\sim 1$ [...] poor "
             "initialization: earlier layer has smaller gradients [...] Xavier initialization: all layers have "
             "similar gradient scale [...] Kaiming Initialization [...] $\\frac{1}{2} n_l Var(w^{(l)}) \\sim 1$")
    protocol = ("An MLP of 24 hidden layers of 256 units (tanh or ReLU, zero biases, float64 so that exploding "
                "values stay finite) on MNIST, at initialization, for kernels drawn from N(0, 1), N(0, 0.01²), "
                "and Xavier (Glorot normal, tanh) or Kaiming (He normal, ReLU). Measured: the RMS of the "
                "backpropagated gradient dJ/dz_l at each hidden layer over 128 training images taken one at a "
                "time (the bias gradient), and the kernels' gradient norms on a batch of 256 (gradient_norms). "
                "Then a short training run of each: 2 epochs of SGD (momentum 0.9, learning rate 0.01, batches "
                "of 128) on 10,000 training images, test accuracy on 5,000 (reported, not judged). --quick: 24 "
                "layers of 32 units, 16 images, training on 500 images for 1 epoch.")
    criterion = ("The ratio of the first to the last hidden layer's backpropagated gradient RMS. Held if it is "
                 "within a factor 10 for Xavier-tanh and Kaiming-ReLU, and off by more than a factor 100 for all "
                 "four naive initializations; did not hold if Xavier or Kaiming is off by more than 10 or a naive "
                 "one is within 10; inconclusive otherwise (a naive one off by between 10 and 100).")
    minutes = 1

    def run(self, trial):
        width, examples, train, epochs = trial.size((256, 128, 10000, 2), (32, 16, 500, 1))
        hidden = 24
        (x, y), (x_test, y_test) = mnist(train=train, test=trial.size(5000, 300), seed=trial.seed)
        results = {}
        for index, ((activation, label), (initializer, _)) in enumerate(trial.progress(SETUPS.items(), "inits")):
            trial.seeded(index)
            model = deep_mlp(hidden, width, activation, initializer(), dtype="float64")
            model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            # N(0, 1) makes values explode: overflow to inf is a measured outcome, not a bug to warn about.
            with np.errstate(over="ignore", invalid="ignore"):
                delta = backpropagated_rms(model, x[:examples], y[:examples])
                kernels = gradient_norms(model, x[:256], y[:256])
                history = fit_or_diverge(model, x, y, epochs=epochs, batch_size=128)
            results[f"{activation}, {label}"] = {
                "delta_rms": delta, "kernel_norm": [kernels[layer.name] for layer in hidden_dense(model)],
                "decades": decades(delta[0], delta[-1]),
                "test_accuracy": None if history is None else float(model.evaluate(x_test, y_test, verbose=0)[1])}
        trial.table("gradient_scale", [
            {"network": name, "dJ/dz first layer": result["delta_rms"][0], "dJ/dz last layer": result["delta_rms"][-1],
             "decades off": "no finite ratio" if result["decades"] is None else round(result["decades"], 2),
             "||dJ/dW|| first": result["kernel_norm"][0], "||dJ/dW|| last": result["kernel_norm"][-1],
             "test accuracy after training": "diverged" if result["test_accuracy"] is None
             else round(result["test_accuracy"], 4)}
            for name, result in results.items()],
            caption=f"At initialization, {hidden} hidden layers of {width} units (RMS of dJ/dz over {examples} "
                    f"images; kernel gradient norms on a batch of 256); then {epochs} epoch(s) of SGD")
        self._plot(trial, results, hidden, width)
        return {"hidden": hidden, "width": width,
                "decades": {name: result["decades"] for name, result in results.items()},
                "recommended": [f"{activation}, {label}" for (activation, label), (_, good) in SETUPS.items() if good],
                "results": results}

    def _plot(self, trial, results, hidden, width):
        import matplotlib.pyplot as plt

        layers = np.arange(1, hidden + 1)
        for statistic, ylabel, file, caption in (
                ("delta_rms", "RMS of dJ/dz_l (backpropagated)", "backpropagated_gradient",
                 "The backpropagated gradient at each hidden layer at initialization (log scale): the lecture's "
                 "dJ/dx_l, whose variance is prod n_l Var(w_l)."),
                ("kernel_norm", "||dJ/dW_l||₂ on a batch of 256", "kernel_gradient",
                 "The kernels' gradient norms at initialization (log scale): dJ/dW_l = delta_l x_(l-1)^T.")):
            figure, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=False)
            for ax, activation in zip(axes, ("tanh", "relu")):
                for name, result in results.items():
                    if name.startswith(activation + ","):
                        values = np.asarray(result[statistic], dtype=float)
                        ax.plot(layers, np.where(values > 0, values, np.nan), marker=".", label=name.split(", ", 1)[1])
                ax.set(yscale="log", xlabel="hidden layer l (1 = input side)", ylabel=ylabel,
                       title=f"{activation}, {hidden} layers of {width} units")
                ax.legend(fontsize="small")
            trial.figure(file, figure, caption=caption)

    def judge(self, numbers):
        spans = {name: math.inf if span is None else span for name, span in numbers["decades"].items()}
        recommended = numbers["recommended"]
        naive = [name for name in spans if name not in recommended]
        reason = "first/last hidden-layer gradient ratio, in decades: " + ", ".join(
            f"{name} {spans[name]:.1f}" for name in spans)
        if any(spans[name] > SIMILAR_DECADES for name in recommended):
            return Verdict.of(False, reason + " (Xavier or Kaiming off by more than 10x)")
        if any(spans[name] <= SIMILAR_DECADES for name in naive):
            return Verdict.of(False, reason + " (a naive initialization within 10x)")
        if any(spans[name] <= OFF_DECADES for name in naive):
            return Verdict(INCONCLUSIVE, reason + " (a naive initialization off by only 10-100x)")
        return Verdict.of(True, reason)
