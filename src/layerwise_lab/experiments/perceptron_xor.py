"""Rosenblatt's perceptron learns AND and OR but never XOR; a 2-2-1 MLP trained by backprop learns XOR
(lecture 001).

The perceptron f(x) = sign(Σ_j w_j x_j + b) with the rule w_j ← w_j + η (y - f(x)) x_j stops once an epoch
makes no mistake, which happens on any linearly separable set (AND, OR) and never on XOR, which no line
separates. Visiting the four corners in a fixed order from w = 0 with η = 1 keeps w and b integers, so a
repeated (w, b) after an epoch proves the rule cycles for ever. One hidden layer of two sigmoid units
composes two half-planes into XOR, and backprop can find such weights, though a 2-2-1 net can also settle in
a local minimum, so several initializations are trained and counted.
"""

import numpy as np

import layerwise
from layerwise import layers
from layerwise.datasets.toy import xor
from layerwise.models import Perceptron
from layerwise.plot import plot_decision_boundary
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict

FUNCTIONS = ("AND", "OR", "XOR")


def boolean_functions():
    """The four corners x of the unit square (float32, shape (4, 2)) and {name: labels} for AND, OR, XOR."""
    x, xor_labels = xor()
    bits = x.astype(np.int64)
    return x, {"AND": bits[:, 0] & bits[:, 1], "OR": bits[:, 0] | bits[:, 1], "XOR": xor_labels}


def run_perceptron(x, y, max_epochs):
    """Rosenblatt's rule over the samples in a fixed order from w = 0, b = 0, η = 1, until an epoch without
    a mistake or ``max_epochs``; returns the model and (w_1, ..., w_n, b) after each epoch."""
    model = Perceptron(learning_rate=1.0, shuffle=False)
    states = []
    for _ in range(max_epochs):
        mistakes = model.partial_fit(x, y)
        states.append((*model.weights_.tolist(), float(model.bias_)))
        if mistakes == 0:
            break
    return model, states


def first_cycle(states):
    """(start, period): the first epoch (from 1) whose state comes back ``period`` epochs later, or None.

    The rule visits the samples in a fixed order, so the epoch's update is a function of the state alone:
    a state seen before means the same epochs repeat for ever."""
    seen = {}
    for epoch, state in enumerate(states, start=1):
        if state in seen:
            return seen[state], epoch - seen[state]
        seen[state] = epoch
    return None


def xor_mlp(learning_rate):
    """The 2-2-1 network of sigmoid units (the lecture's smooth activation), trained by backprop with SGD."""
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), layers.Dense(2, activation="sigmoid"),
                                  layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=layerwise.optimizers.SGD(learning_rate), loss="binary_crossentropy")
    return model


class PerceptronXor(Experiment):
    name = "perceptron-xor"
    title = "The perceptron learns AND and OR but not XOR; a 2-2-1 MLP learns XOR"
    number = 3
    lectures = ("001_9d6428fc0ed20444.txt",)
    claim = ("Frank Rosenblatt's Perceptron, 1958 ... Also provided a learning algorithm "
             "$$w_j = w_j + \\eta(y - f(x))\\phi_j(x)$$ ... Single Layer is not enough ... But cannot express XOR! "
             "... A “multi-layer” perceptron can compose arbitrarily complicated Boolean functions!")
    protocol = ("The four corners of the unit square labelled by AND, OR and XOR. Perceptron "
                "(layerwise.models.Perceptron: Rosenblatt's rule, w = 0, b = 0, η = 1, the corners in a fixed "
                "order) for up to 100 epochs; a repeated (w, b) after an epoch shows the rule cycles. MLP "
                "2-2-1 with sigmoid units and binary cross-entropy, full-batch SGD (learning rate 2) for 2,000 "
                "epochs from 20 initializations (seeds). --quick: 4 initializations.")
    criterion = ("Held if the perceptron reaches an epoch with 0 mistakes on AND and on OR, still makes mistakes "
                 "in the last of its 100 epochs on XOR, and the MLP classifies all four XOR corners correctly "
                 "from at least half of the initializations. Did not hold if any perceptron part fails or no "
                 "MLP learns XOR; inconclusive if some, but fewer than half, of the MLPs learn it.")
    minutes = 0.3

    def run(self, trial):
        max_epochs, seeds, mlp_epochs = 100, trial.size(20, 4), 2000
        x, labels = boolean_functions()
        perceptrons, runs = {}, {}
        for function in FUNCTIONS:
            model, states = run_perceptron(x, labels[function], max_epochs)
            perceptrons[function] = model
            runs[function] = {"errors": list(model.errors_), "converged": bool(model.converged_),
                              "final_state": list(states[-1]),
                              "cycle": None if model.converged_ else first_cycle(states)}
        trial.table("perceptron", [
            {"function": function, "epochs run": len(run["errors"]), "converged": run["converged"],
             "mistakes in last epoch": run["errors"][-1], "final (w1, w2, b)": run["final_state"],
             "cycle (start epoch, period)": "none" if run["cycle"] is None else list(run["cycle"])}
            for function, run in runs.items()], caption=f"Rosenblatt's rule, at most {max_epochs} epochs")

        mlp_losses, mlp_accuracy, learned = [], [], None
        for seed in trial.progress(range(seeds), "MLP seeds"):
            trial.seeded(seed)
            model = xor_mlp(learning_rate=2.0)
            history = model.fit(x, labels["XOR"], epochs=mlp_epochs, batch_size=len(x), verbose=0)
            accuracy = float(np.mean((model.predict(x, verbose=0).ravel() > 0.5) == labels["XOR"]))
            mlp_losses.append(history.history["loss"])
            mlp_accuracy.append(accuracy)
            if learned is None and accuracy == 1.0:
                learned = model
        trial.table("mlp", [{"seed": trial.seed + seed, "final loss": losses[-1], "XOR accuracy": accuracy}
                            for seed, (losses, accuracy) in enumerate(zip(mlp_losses, mlp_accuracy))],
                    caption=f"2-2-1 sigmoid MLP on XOR after {mlp_epochs} full-batch SGD epochs")
        self._plot(trial, x, labels, perceptrons, learned, runs, mlp_losses, mlp_accuracy)
        return {"max_epochs": max_epochs, "perceptron": runs,
                "mlp": {"epochs": mlp_epochs, "accuracy": mlp_accuracy,
                        "final_loss": [losses[-1] for losses in mlp_losses]}}

    def _plot(self, trial, x, labels, perceptrons, learned, runs, mlp_losses, mlp_accuracy):
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(1, 4, figsize=(17, 4))
        for ax, function in zip(axes, FUNCTIONS):
            plot_decision_boundary(perceptrons[function], x, labels[function], ax=ax)
            verdict = "converged" if runs[function]["converged"] else "never converged"
            ax.set_title(f"perceptron on {function} ({verdict})")
        if learned is not None:
            plot_decision_boundary(learned, x, labels["XOR"], ax=axes[3])
            axes[3].set_title("2-2-1 MLP on XOR")
        else:
            axes[3].set_title("2-2-1 MLP on XOR: no initialization learned it")
        trial.figure("decision_boundaries", figure,
                     caption="Regions each model assigns to class 1 (orange) and class 0 (blue); points are the "
                             "four corners coloured by their label. The perceptron's final line on XOR "
                             "misclassifies a corner; the MLP's two hidden units cut out a band.")

        figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
        for function, run in runs.items():
            left.step(range(1, len(run["errors"]) + 1), run["errors"], where="mid", marker=".", label=function)
        left.set(xscale="log", xlabel="epoch", ylabel="mistakes in the epoch (of 4)",
                 title="Perceptron: Rosenblatt's rule")
        left.legend()
        for losses, accuracy in zip(mlp_losses, mlp_accuracy):
            right.plot(range(1, len(losses) + 1), losses, color="tab:green" if accuracy == 1.0 else "tab:red",
                       alpha=0.6, linewidth=1)
        right.plot([], [], color="tab:green", label=f"learned XOR ({sum(a == 1.0 for a in mlp_accuracy)})")
        right.plot([], [], color="tab:red", label=f"stuck ({sum(a < 1.0 for a in mlp_accuracy)})")
        right.set(yscale="log", xlabel="epoch", ylabel="binary cross-entropy",
                  title="2-2-1 MLP on XOR, one line per initialization")
        right.legend()
        trial.figure("errors_per_epoch", figure,
                     caption="Left: the perceptron's mistakes per epoch (AND and OR stop at 0; XOR never does). "
                             "Right: the MLP's training loss per epoch for each initialization.")

    def judge(self, numbers):
        runs, accuracy = numbers["perceptron"], numbers["mlp"]["accuracy"]
        learned = sum(value == 1.0 for value in accuracy)
        cycle = runs["XOR"]["cycle"]
        reason = (f"perceptron mistakes in the last epoch: AND {runs['AND']['errors'][-1]} (epoch "
                  f"{len(runs['AND']['errors'])}), OR {runs['OR']['errors'][-1]} (epoch {len(runs['OR']['errors'])}), "
                  f"XOR {runs['XOR']['errors'][-1]} after {len(runs['XOR']['errors'])} epochs"
                  + (f" (weights cycle with period {cycle[1]} from epoch {cycle[0]})" if cycle else "")
                  + f"; the 2-2-1 MLP learned XOR from {learned} of {len(accuracy)} initializations")
        perceptron_holds = runs["AND"]["converged"] and runs["OR"]["converged"] and runs["XOR"]["errors"][-1] > 0
        if not perceptron_holds or learned == 0:
            return Verdict.of(False, reason)
        if 2 * learned < len(accuracy):
            return Verdict(INCONCLUSIVE, reason + " (fewer than half)")
        return Verdict.of(True, reason)
