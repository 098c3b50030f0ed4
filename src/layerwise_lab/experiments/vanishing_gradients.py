"""Vanishing and exploding gradients, layer by layer and over training: a deep sigmoid net against ReLU nets
with a proper and a too-large initialization (lectures 000, 001, 002, 004).

Backward through hidden layer l multiplies the gradient by W_l^T and by f'(z_l) (lecture 001's chain rule), so
the gradient that reaches layer l is a product of L - l such factors: the sigmoid's f' <= 1/4 makes it shrink
toward the input, a ReLU net whose weights multiply the variance by n Var(w) / 2 = 4 per layer makes it grow
toward the input by about 2 per layer, and Kaiming's n Var(w) / 2 = 1 keeps it. The measured per-layer norm is
that of the bias gradient dJ/db_l = sum over the batch of dJ/dz_l: the backpropagated gradient itself, with
nothing of the forward pass multiplied in. The kernels' gradients dJ/dW_l = dJ/dz_l x_(l-1)^T (what
`layerwise.diagnostics.gradient_norms` and `GradientFlow` report) are shown beside it: in a ReLU net the growing
activations x_(l-1) cancel the shrinking dJ/dz_l, so an exploding ReLU net has kernel gradients that are huge in
every layer rather than growing toward the input.

Part 1's `initialization` (#11) compares initializations at initialization only; this experiment follows the
per-layer norms through training, where the lectures say the harm is done (the weights do not change, or they
explode, and the network does not train).
"""

import math

import numpy as np

import layerwise
from layerwise.diagnostics import gradient_norms
from layerwise.initializers import VarianceScaling
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._checkpoints import train_with_checkpoints
from layerwise_lab._data import mnist
from layerwise_lab._mlp import deep_mlp, hidden_dense

#: The networks: activation, hidden-kernel initializer, and the role each plays in the criterion.
ARMS = {"sigmoid, Glorot": ("sigmoid", "glorot_normal", "vanishes"),
        "tanh, Glorot": ("tanh", "glorot_normal", "reported"),
        "ReLU, Kaiming": ("relu", "he_normal", "keeps"),
        "ReLU, 4x Kaiming variance": ("relu", VarianceScaling(8.0, distribution="untruncated_normal"), "explodes")}
#: |log10(last / first hidden layer's gradient norm)| within this is "kept"; beyond OFF is "orders of magnitude".
KEPT_DECADES, OFF_DECADES = 1.0, 2.0
#: A net that vanishes or explodes "does not train": test accuracy this far below the Kaiming ReLU net's.
NOT_TRAINING_MARGIN = 0.10


def span(norms):
    """log10(last / first) of a list of per-layer gradient norms (input side first): positive when the gradient
    shrinks toward the input (vanishing), negative when it grows (exploding); None when either is zero or not
    finite."""
    first, last = norms[0], norms[-1]
    if not (math.isfinite(first) and math.isfinite(last)) or first <= 0 or last <= 0:
        return None
    return math.log10(last / first)


def layer_gradients(model, x, y):
    """||dJ/db_l|| and ||dJ/dW_l|| of each hidden Dense layer of a compiled `deep_mlp` on the batch (x, y),
    input side first, without updating the weights."""
    kernels = gradient_norms(model, x, y)  # leaves every parameter's grad holding this batch's gradient
    dense = hidden_dense(model)
    return {"bias": [float(np.linalg.norm(layer.bias.grad)) for layer in dense],
            "kernel": [kernels[layer.name] for layer in dense]}


class VanishingGradients(Experiment):
    name = "vanishing-gradients"
    title = "Vanishing and exploding gradients through depth, over training: sigmoid, tanh, ReLU"
    number = 17
    lectures = ("000_6a85cdb6fa74c7e4.txt", "001_9d6428fc0ed20444.txt", "002_18b815cf32b04ead.txt",
                "004_9756b27e24fda56d.txt")
    claim = ("In training, the gradient may become vanishingly small (or large), effectively preventing the weight "
             "from changing its value (or exploding in value). [...] This leads to the neural network not being "
             "able to train. (lecture 000) / The gradient of the Sigmoid function is very small most of the time, "
             "leading to vanishing gradients! [...] ReLU: The gradient neither vanishes nor explodes (lecture 001) "
             "/ If some are small numbers, gradient becomes very small. If some are large numbers, gradient "
             "becomes very large. (lecture 002) / The gradient may vanish/explode as we move away from the output "
             "layer, due to multiplying small/big quantities. (lecture 004)")
    protocol = ("MNIST, 20,000 training images and 5,000 test images. MLPs of 10 hidden layers of 128 units, "
                "softmax output: sigmoid and tanh with Glorot normal kernels, ReLU with Kaiming (He normal) "
                "kernels, and ReLU with kernels of 4x Kaiming's variance (Var(w) = 8/n: each layer doubles the "
                "backpropagated gradient). Each is trained by SGD (momentum 0.9, learning rate 0.05, batches of "
                "100) for 2,000 steps (10 epochs), 3 seeds. At steps 0, 1, 3, 10, 30, 100, 300, 1,000 and 2,000 "
                "the per-layer gradient norms on a fixed batch of 500 training images (layerwise.diagnostics."
                "gradient_norms): ||dJ/db_l||, the backpropagated gradient, and ||dJ/dW_l||. A run whose loss "
                "becomes NaN or infinite stops (diverged). --quick: 1,000 training and 300 test images, 10 steps, "
                "checkpoints 0, 1, 3, 10, 1 seed, a probe of 100 images.")
    criterion = ("With s = log10(||dJ/db|| of the last hidden layer / that of the first) at a checkpoint (s > 0: "
                 "the gradient shrinks toward the input): (a) vanishing: s >= 2 for the sigmoid net at every "
                 "checkpoint; (b) ReLU with Kaiming: |s| <= 1 at every checkpoint; (c) exploding: s <= -2 for ReLU "
                 "with 4x the variance at every checkpoint it reaches before diverging; (d) neither the sigmoid nor "
                 "the 4x-variance net trains: each ends at least 10 points of test accuracy below the Kaiming ReLU "
                 "net, or diverges. Each part is decided per seed. Held if every part holds for every seed; did "
                 "not hold if a part fails for every seed; inconclusive otherwise (seeds disagree, or the Kaiming "
                 "ReLU net diverges so that nothing can be compared to it). tanh is reported, not judged.")
    minutes = 1

    def run(self, trial):
        hidden, width, batch_size = 10, trial.size(128, 32), 100
        checkpoints = trial.size([0, 1, 3, 10, 30, 100, 300, 1000, 2000], [0, 1, 3, 10])
        seeds, probe = trial.size(3, 1), trial.size(500, 100)
        (x, y), (x_test, y_test) = mnist(train=trial.size(20000, 1000), test=trial.size(5000, 300), seed=trial.seed)
        runs = {}
        for index, (name, seed) in enumerate(trial.progress([(name, seed) for seed in range(seeds) for name in ARMS],
                                                            "nets")):
            activation, initializer, _ = ARMS[name]
            trial.seeded(100 * seed + index)
            model = deep_mlp(hidden, width, activation, initializer)
            model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            # The exploding net overflows on its way to NaN: that is the measured outcome, not a bug to warn about.
            with np.errstate(over="ignore", invalid="ignore"):
                measured, diverged_at = train_with_checkpoints(
                    model, x, y, checkpoints, batch_size, lambda model: layer_gradients(model, x[:probe], y[:probe]),
                    seed=trial.seed + seed)
            runs.setdefault(name, []).append({
                "bias": [point["bias"] for point in measured], "kernel": [point["kernel"] for point in measured],
                "span": [span(point["bias"]) for point in measured], "diverged_at": diverged_at,
                "test_accuracy": None if diverged_at is not None
                else float(model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[1])})
        self._table(trial, runs, checkpoints)
        self._plot(trial, runs, checkpoints, hidden, width)
        return {"checkpoints": checkpoints, "hidden": hidden, "width": width,
                "roles": {name: role for name, (_, _, role) in ARMS.items()}, "runs": runs}

    def _table(self, trial, runs, checkpoints):
        def shown(value, digits=2):
            return "-" if value is None else round(value, digits)

        trial.table("gradient_spans", [
            {"network": name, "seed": seed, "s at step 0": shown(run["span"][0]),
             "s at the last step reached": shown(run["span"][-1]),
             "min s": shown(min((s for s in run["span"] if s is not None), default=None)),
             "max s": shown(max((s for s in run["span"] if s is not None), default=None)),
             "||dJ/db|| first layer, step 0": run["bias"][0][0], "||dJ/dW|| first layer, step 0": run["kernel"][0][0],
             "diverged by step": "-" if run["diverged_at"] is None else run["diverged_at"],
             "test accuracy": "diverged" if run["test_accuracy"] is None else round(run["test_accuracy"], 4)}
            for name, seeds in runs.items() for seed, run in enumerate(seeds)],
            caption="s = log10(||dJ/db|| of the last hidden layer / the first's) on the probe batch (s > 0: "
                    f"shrinking toward the input); min and max over the checkpoints {checkpoints} reached")

    def _plot(self, trial, runs, checkpoints, hidden, width):
        import matplotlib.pyplot as plt

        layers = np.arange(1, hidden + 1)
        colors = plt.cm.viridis(np.linspace(0, 0.9, len(checkpoints)))
        figure, axes = plt.subplots(2, len(runs), figsize=(4 * len(runs), 7), sharex=True)
        for column, (name, seeds) in enumerate(runs.items()):
            run = seeds[0]
            for row, (statistic, label) in enumerate((("bias", "||dJ/db_l|| (backpropagated)"),
                                                      ("kernel", "||dJ/dW_l|| (kernel)"))):
                ax = axes[row, column]
                for step, norms, color in zip(checkpoints, run[statistic], colors):
                    values = np.asarray(norms, dtype=float)
                    ax.plot(layers, np.where(values > 0, values, np.nan), marker=".", color=color, label=f"step {step}")
                ax.set(yscale="log", ylabel=label)
                if row == 0:
                    diverged = "" if run["diverged_at"] is None else f"\n(diverged by step {run['diverged_at']})"
                    ax.set_title(name + diverged, fontsize="medium")
                else:
                    ax.set_xlabel("hidden layer l (1 = input side)")
        longest = max(range(len(runs)), key=lambda column: len(list(runs.values())[column][0]["bias"]))
        axes[0, longest].legend(fontsize="x-small", loc="best")   # the run that reached every checkpoint
        figure.suptitle(f"Per-layer gradient norms on MNIST over training, {hidden} hidden layers of {width} units "
                        "(seed 0)")
        figure.tight_layout()
        trial.figure("gradient_vs_depth", figure,
                     caption="Each hidden layer's gradient norm on a fixed probe batch, at each checkpoint of "
                             "training (log scale; colour: step). Top: the backpropagated gradient dJ/db_l; "
                             "bottom: the kernel's dJ/dW_l = dJ/dz_l x_(l-1)^T.")

        figure, ax = plt.subplots(figsize=(7.5, 4.5))
        for (name, seeds), color in zip(runs.items(), plt.cm.tab10.colors):
            for seed, run in enumerate(seeds):
                steps = np.asarray(checkpoints[:len(run["span"])], dtype=float)
                ax.plot(steps + 1, [np.nan if s is None else s for s in run["span"]], marker=".", color=color,
                        alpha=1.0 if seed == 0 else 0.4, label=name if seed == 0 else None)
                if run["diverged_at"] is not None and run["span"][-1] is not None:
                    ax.plot(run["diverged_at"] + 1, run["span"][-1], marker="x", color=color, markersize=9,
                            label=f"{name} diverged" if seed == 0 else None)
        for level in (KEPT_DECADES, OFF_DECADES):
            for sign in (1, -1):
                ax.axhline(sign * level, color="gray", linestyle="--" if level == OFF_DECADES else ":", linewidth=0.8)
        ax.set(xscale="log", xlabel="training step + 1", ylabel="s = log10(||dJ/db|| last / first hidden layer)",
               title="Vanishing (s > 0) and exploding (s < 0) over training")
        ax.legend(fontsize="small")
        trial.figure("span_over_training", figure,
                     caption="How many decades the backpropagated gradient loses (s > 0) or gains (s < 0) between "
                             "the last and the first hidden layer, over training, every seed (x: diverged); dashed "
                             "lines at ±2 decades, dotted at ±1.")

    def judge(self, numbers):
        runs = numbers["runs"]
        arm = {role: name for name, role in numbers["roles"].items()}
        vanishing, keeping, exploding = runs[arm["vanishes"]], runs[arm["keeps"]], runs[arm["explodes"]]

        def spans(run):
            return [math.inf if s is None else s for s in run["span"]]

        def accuracy(run):
            return "diverged" if run["test_accuracy"] is None else f"{run['test_accuracy']:.3f}"

        reason = "; ".join(
            f"{name}: s from {min(spans(run)):.1f} to {max(spans(run)):.1f}"
            + ("" if run["diverged_at"] is None else f", diverged by step {run['diverged_at']}")
            + f", test accuracy {accuracy(run)}"
            for name, seeds in ((arm["vanishes"], vanishing), (arm["keeps"], keeping), (arm["explodes"], exploding))
            for run in seeds[:1]) + f" (seed 0 of {len(keeping)})"
        if any(run["diverged_at"] is not None for run in keeping):
            return Verdict(INCONCLUSIVE, reason + f"; the {arm['keeps']} reference diverged")

        def fails_to_train(run, reference):
            return run["test_accuracy"] is None or run["test_accuracy"] <= reference - NOT_TRAINING_MARGIN

        parts = {"sigmoid does not vanish by 2 decades": [all(s >= OFF_DECADES for s in spans(run))
                                                          for run in vanishing],
                 "Kaiming ReLU does not keep within 1 decade": [all(abs(s) <= KEPT_DECADES for s in spans(run))
                                                                for run in keeping],
                 "4x variance does not explode by 2 decades": [all(s <= -OFF_DECADES for s in spans(run))
                                                               for run in exploding],
                 "a vanishing or exploding net still trains": [
                     fails_to_train(low, good["test_accuracy"]) and fails_to_train(high, good["test_accuracy"])
                     for low, good, high in zip(vanishing, keeping, exploding)]}
        failed = [part for part, held in parts.items() if not any(held)]
        mixed = [part for part, held in parts.items() if any(held) and not all(held)]
        if failed:
            return Verdict.of(False, reason + f" ({'; '.join(failed)})")
        if mixed:
            return Verdict(INCONCLUSIVE, reason + f" (seeds disagree: {'; '.join(mixed)})")
        return Verdict.of(True, reason)
