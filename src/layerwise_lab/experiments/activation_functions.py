"""Sigmoid against tanh and the ReLU family in a deep MLP on MNIST; dead ReLUs at a learning rate too large
(lectures 001-004).

Backpropagation multiplies one f'(z_l) per layer into dJ/dx_1 (lecture 001's chain rule); the sigmoid's
f' <= 1/4 shrinks it layer by layer, the rectifier's f' = 1 on its active side does not. A ReLU unit whose
input is negative on every example has f' = 0 everywhere and never learns again; a leaky ReLU keeps the
leak's gradient 0.01 there (lecture 002).
"""

import numpy as np

import layerwise
from layerwise import layers
from layerwise.diagnostics import DeadUnits
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._mlp import deep_mlp, fit_or_diverge

#: Each arm: its activation layer and the initialization made for it (Glorot for the saturating functions,
#: Kaiming for the rectifiers, lecture 001), so that no arm starts from a scale wrong for it.
ARMS = {"sigmoid": (lambda: layers.Activation("sigmoid"), "glorot_uniform"),
        "tanh": (lambda: layers.Activation("tanh"), "glorot_uniform"),
        "relu": (layers.ReLU, "he_normal"),
        "leaky_relu": (lambda: layers.LeakyReLU(negative_slope=0.01), "he_normal"),
        "prelu": (layers.PReLU, "he_normal")}
RELU_FAMILY = ("relu", "leaky_relu", "prelu")
#: SGD (momentum 0.9) rates tried for every arm; each arm is judged at the one with the best validation accuracy.
SGD_RATES = (0.01, 0.1)
#: Adam's usual rate and one ten times too large, for the dead-unit count.
ADAM_RATES = {"proper": 0.001, "large": 0.01}
MARGIN = 0.05
#: The training images DeadUnits runs through the nets.
PROBE = 1000
DEAD_MINIMUM, DEAD_GROWTH, LEAKY_SHARE = 0.10, 2.0, 1.0 / 3.0


def final_validation(run):
    """A run's last validation accuracy, -1 for a run that diverged (so any other rate is preferred)."""
    return -1.0 if run["val_accuracy"] is None else run["val_accuracy"][-1]


class Activations(Experiment):
    name = "activations"
    title = "Activation functions in a deep MLP: sigmoid, tanh, ReLU, leaky ReLU, PReLU; dead ReLUs"
    number = 10
    lectures = ("001_9d6428fc0ed20444.txt", "002_18b815cf32b04ead.txt", "003_177acb73fe647277.txt",
                "004_9756b27e24fda56d.txt")
    claim = ("The gradient of the Sigmoid function is very small most of the time, leading to vanishing "
             "gradients! [...] ReLU: The gradient neither vanishes nor explodes; it is computationally fast, but "
             "some neurons may not be activated. LeakyReLU: Solves the issue with ReLU and is the most commonly "
             "used. (lecture 001) / Rectifier activation function: Free of gradient vanishing problem (lecture "
             "004) / You may find that as much as 40% of your network can be \"dead\" (i.e. neurons that never "
             "activate across the entire training dataset) if the learning rate is set too high. [...] If we "
             "encounter a case of dead neurons in our networks the leaky ReLU function is the best choice "
             "(lecture 002)")
    protocol = ("MNIST, 20,000 training images (5,000 more for validation) and the 10,000 test images. An MLP of "
                "8 hidden layers of 128 units with sigmoid, tanh (Glorot uniform init), ReLU, leaky ReLU (slope "
                "0.01, lecture 002) or PReLU (lecture 003; Kaiming normal init), softmax output, trained by SGD "
                "with momentum 0.9 in mini-batches of 64 for 8 epochs at learning rates 0.01 and 0.1; each "
                "activation is judged at the rate with the better final validation accuracy. Dead units: the "
                "ReLU and leaky-ReLU nets trained the same way but with Adam at its usual rate 0.001 and at 0.01, "
                "ten times too large; after each epoch layerwise.diagnostics.DeadUnits counts the hidden units "
                "whose output is <= 0 on all of 1,000 training images. --quick: 2 hidden layers of 16 units, "
                "500 training, 100 validation and 300 test images, 1 epoch.")
    criterion = ("Held if (a) ReLU, leaky ReLU and PReLU each reach a test accuracy at least 5 points above "
                 "sigmoid's, and (b) at Adam's too-large rate at least 10% of the ReLU net's hidden units are dead "
                 "and at least twice as many as at the proper rate, while the leaky-ReLU net has at most a third "
                 "of the ReLU net's dead fraction. Did not hold if (a) fails or (b) fails; inconclusive if a net "
                 "at the too-large rate diverges (its units cannot be counted).")
    minutes = 2

    def run(self, trial):
        hidden, width, epochs = trial.size((8, 128, 8), (2, 16, 1))
        train, validation = trial.size((20000, 5000), (500, 100))
        (x, y), (x_test, y_test) = mnist(train=train + validation, test=trial.size(10000, 300), seed=trial.seed)
        data = {"train": (x[:train], y[:train]), "validation": (x[train:], y[train:]), "test": (x_test, y_test)}

        def train_arm(activation, optimizer, offset, callbacks=()):
            make, initializer = ARMS[activation]
            trial.seeded(offset)
            model = deep_mlp(hidden, width, make, initializer)
            model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            history = fit_or_diverge(model, *data["train"], epochs=epochs, batch_size=64, callbacks=list(callbacks),
                                     validation_data=data["validation"])
            test = None if history is None else float(model.evaluate(*data["test"], verbose=0)[1])
            return history, test

        runs = {}
        for index, (activation, rate) in enumerate(trial.progress(
                [(activation, rate) for activation in ARMS for rate in SGD_RATES], "activations")):
            history, test = train_arm(activation, layerwise.optimizers.SGD(learning_rate=rate, momentum=0.9), index)
            runs[activation, rate] = {"val_accuracy": None if history is None else history.history["val_accuracy"],
                                      "test_accuracy": test}
        chosen = {activation: max(SGD_RATES, key=lambda rate: final_validation(runs[activation, rate]))
                  for activation in ARMS}

        dead = {}
        for index, (activation, setting) in enumerate(trial.progress(
                [(activation, setting) for activation in ("relu", "leaky_relu") for setting in ADAM_RATES], "dead")):
            probe = DeadUnits(data["train"][0][:PROBE])
            history, test = train_arm(activation, layerwise.optimizers.Adam(learning_rate=ADAM_RATES[setting]),
                                      100 + index, [probe])
            layers_dead = None if history is None else {key.split("/", 1)[1]: values for key, values
                                                        in history.history.items() if key.startswith("dead_fraction/")}
            dead.setdefault(activation, {})[setting] = {
                "test_accuracy": test, "per_layer": layers_dead,
                "fraction": None if history is None
                else float(np.mean([values[-1] for values in layers_dead.values()])),
                "by_epoch": None if history is None else np.mean(list(layers_dead.values()), axis=0).tolist()}

        self._tables(trial, runs, chosen, dead)
        self._plot(trial, runs, chosen, dead, hidden, width)
        return {"hidden": hidden, "width": width,
                "test_accuracy": {activation: runs[activation, chosen[activation]]["test_accuracy"]
                                  for activation in ARMS},
                "learning_rate": chosen,
                "val_accuracy": {activation: runs[activation, chosen[activation]]["val_accuracy"]
                                 for activation in ARMS},
                "dead_fraction": {activation: {setting: dead[activation][setting]["fraction"]
                                               for setting in ADAM_RATES} for activation in dead},
                "dead": dead}

    def _tables(self, trial, runs, chosen, dead):
        def accuracy(value):
            return "diverged" if value is None else round(value, 4)

        trial.table("activations", [
            {"activation": activation, "init": ARMS[activation][1],
             **{f"val acc (lr {rate})": accuracy(None if runs[activation, rate]["val_accuracy"] is None
                                                 else final_validation(runs[activation, rate]))
                for rate in SGD_RATES},
             "chosen lr": chosen[activation],
             "test accuracy": accuracy(runs[activation, chosen[activation]]["test_accuracy"]),
             "val acc after epoch 1": accuracy(None if runs[activation, chosen[activation]]["val_accuracy"] is None
                                               else runs[activation, chosen[activation]]["val_accuracy"][0])}
            for activation in ARMS], caption="Deep MLP on MNIST, SGD with momentum 0.9; the test accuracy at "
                                             "the rate of the better validation accuracy")
        trial.table("dead_units", [
            {"activation": activation, "Adam rate": ADAM_RATES[setting],
             "dead fraction (all hidden units)": accuracy(result["fraction"]),
             "most dead layer": accuracy(None if result["per_layer"] is None
                                         else max(values[-1] for values in result["per_layer"].values())),
             "test accuracy": accuracy(result["test_accuracy"])}
            for activation, settings in dead.items() for setting, result in settings.items()],
            caption="Hidden units with output <= 0 on all 1,000 probe images after training (DeadUnits)")

    def _plot(self, trial, runs, chosen, dead, hidden, width):
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        figure, ax = plt.subplots(figsize=(6.5, 4))
        for activation in ARMS:
            curve = runs[activation, chosen[activation]]["val_accuracy"]
            if curve is not None:
                ax.plot(range(1, len(curve) + 1), curve, marker=".",
                        label=f"{activation} (lr {chosen[activation]})")
        ax.axhline(0.1, color="gray", linestyle=":", label="chance")
        ax.set(xlabel="epoch", ylabel="validation accuracy", ylim=(0, 1),
               title=f"MNIST, {hidden} hidden layers of {width} units, SGD + momentum")
        ax.legend(loc="lower right", fontsize="small")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        trial.figure("learning_curves", figure,
                     caption="Validation accuracy after each epoch, each activation at its better learning rate.")

        figure, (over_time, per_layer) = plt.subplots(1, 2, figsize=(11, 4))
        for (activation, settings), color, offset in zip(dead.items(), ("tab:blue", "tab:orange"), (-0.2, 0.2)):
            for setting, result in settings.items():
                if result["by_epoch"] is not None:
                    over_time.plot(range(1, len(result["by_epoch"]) + 1), result["by_epoch"], marker=".", color=color,
                                   linestyle="-" if setting == "large" else "--",
                                   label=f"{activation}, Adam lr {ADAM_RATES[setting]}")
            layers_dead = settings["large"]["per_layer"]
            if layers_dead is not None:
                per_layer.bar(np.arange(1, len(layers_dead) + 1) + offset,
                              [values[-1] for values in layers_dead.values()], width=0.4, color=color, label=activation)
        over_time.set(xlabel="epoch", ylabel="dead fraction (all hidden units)", ylim=(-0.02, 1.02),
                      title=f"Units with output <= 0 on all {PROBE:,} probe images")
        over_time.legend(fontsize="small")
        per_layer.set(xlabel="hidden layer", ylabel="dead fraction", ylim=(0, 1.02),
                      title=f"Per layer after training, Adam lr {ADAM_RATES['large']}")
        per_layer.legend(fontsize="small")
        for ax in (over_time, per_layer):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        trial.figure("dead_units", figure, caption="Hidden units whose output is <= 0 on every one of 1,000 "
                                                   "training images: ReLU against leaky ReLU (slope 0.01).")

    def judge(self, numbers):
        accuracy, dead = numbers["test_accuracy"], numbers["dead_fraction"]
        sigmoid = accuracy["sigmoid"] if accuracy["sigmoid"] is not None else 0.0
        rectifiers = {name: accuracy[name] if accuracy[name] is not None else 0.0 for name in RELU_FAMILY}
        reason = (f"test accuracy: sigmoid {sigmoid:.3f}, "
                  + ", ".join(f"{name} {value:.3f}" for name, value in rectifiers.items()))
        if min(rectifiers.values()) < sigmoid + MARGIN:
            return Verdict.of(False, reason + f" (a rectifier is not {MARGIN:.0%} above sigmoid)")
        if any(value is None for settings in dead.values() for value in settings.values()):
            return Verdict(INCONCLUSIVE, reason + "; a net diverged in the dead-unit runs, so its units cannot be "
                                                  "counted")
        relu, leaky = dead["relu"]["large"], dead["leaky_relu"]["large"]
        reason += (f"; dead units at Adam lr {ADAM_RATES['large']}: ReLU {relu:.1%} (at {ADAM_RATES['proper']}: "
                   f"{dead['relu']['proper']:.1%}), leaky ReLU {leaky:.1%}")
        if relu < DEAD_MINIMUM or relu < DEAD_GROWTH * dead["relu"]["proper"]:
            return Verdict.of(False, reason + " (the large rate did not kill ReLUs)")
        if leaky > LEAKY_SHARE * relu:
            return Verdict.of(False, reason + " (leaky ReLU did not keep its units alive)")
        return Verdict.of(True, reason)
