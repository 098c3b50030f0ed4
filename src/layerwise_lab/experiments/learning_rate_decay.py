"""Decaying the learning rate lets SGD get closer to the minimum than a constant rate (lectures 001 and 003).

With a constant rate α, SGD's mini-batch noise keeps the weights moving in a band around the minimum whose
width grows with α; lowering α late in training narrows the band. The same MLP is trained from the same
initial rate with a constant rate and four decays (step, exponential, cosine and lecture 003's 1/t), over
the same epochs, and the loss on the whole training set after the last epoch says how close each got.
"""

import math

import numpy as np

from layerwise.optimizers import schedules
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._rates import train_mnist_mlp

#: The initial rate of every schedule: the plain-SGD rate the learning-rate experiment calls good.
INITIAL_RATE = 0.1
#: A decay beats the constant rate clearly when its mean final training loss is below this fraction of the
#: constant rate's and none of its seeds ends above the constant rate's best seed.
MARGIN = 0.9


def decay_schedules(initial_rate, steps_per_epoch, epochs):
    """{name: learning rate of step t} for the constant rate and the four decays, over T = epochs ·
    steps_per_epoch steps: step (α/10 after T/2 steps and α/100 after 3T/4), exponential (α · 0.01^(t/T),
    from α to α/100), cosine (α · ½ (1 + cos(π t / T)), from α to 0) and 1/t (α / sqrt(e + 1) in epoch e,
    counted from 0)."""
    total = epochs * steps_per_epoch
    return {
        "constant": lambda step: initial_rate,
        "step": schedules.PiecewiseConstantDecay([total // 2, 3 * total // 4],
                                                 [initial_rate, initial_rate / 10, initial_rate / 100]),
        "exponential": schedules.ExponentialDecay(initial_rate, decay_steps=total, decay_rate=0.01),
        "cosine": schedules.CosineDecay(initial_rate, decay_steps=total),
        "1/t": schedules.InverseTimeDecay(initial_rate, decay_steps=steps_per_epoch, decay_rate=1.0,
                                          staircase=True, power=0.5),
    }


class LearningRateDecay(Experiment):
    name = "learning-rate-decay"
    title = "Learning-rate decay: constant vs step, exponential, cosine and 1/t on MNIST"
    number = 6
    lectures = ("001_9d6428fc0ed20444.txt", "003_177acb73fe647277.txt")
    claim = ("To converge stably and quickly, learning rate is usually set to decay over time ... Step Decay ... "
             "Exponential Decay ... Cosine Annealing ... Popular & Simple Idea: Reduce the learning rate by some "
             "factor every few epochs. At the beginning, we are far from the destination, so we use larger "
             "learning rate. After several epochs, we are close to the destination, so we reduce the learning "
             "rate. E.g. $\\frac{1}{t}$ decay: $\\alpha^t = \\frac{\\alpha}{\\sqrt{t+1}}$")
    protocol = ("MNIST, 60,000 training and 10,000 test images; a 784-128-10 ReLU/softmax MLP trained by plain "
                f"SGD in mini-batches of 32 for 10 epochs from the rate α = {INITIAL_RATE} with: a constant rate; "
                "step decay (α/10 at half the steps, α/100 at three quarters, PiecewiseConstantDecay); exponential "
                "decay from α to α/100 (ExponentialDecay); cosine decay to 0 (CosineDecay); 1/t decay α/sqrt(e+1) "
                "in epoch e (InverseTimeDecay, power 1/2, staircase per epoch). Three seeds (initial weights and "
                "batch order, the same for every schedule). --quick: 2,000 training and 500 test images, 3 "
                "epochs, one seed.")
    criterion = (f"A decay beats the constant rate clearly when its final training loss (whole training set, mean "
                 f"over seeds) is below {MARGIN:.0%} of the constant rate's and its worst seed is below the "
                 "constant rate's best. Held if at least 3 of the 4 decays beat it clearly; did not hold if at most "
                 "one decay ends with a lower mean final training loss than the constant rate at all; inconclusive "
                 "otherwise. Test loss and accuracy are reported alongside.")
    minutes = 3

    def run(self, trial):
        train, test, epochs, seeds = trial.size((60000, 10000, 10, 3), (2000, 500, 3, 1))
        batch_size = 32
        data = mnist(train=train, test=test, seed=trial.seed)
        steps_per_epoch = math.ceil(train / batch_size)
        rates = decay_schedules(INITIAL_RATE, steps_per_epoch, epochs)
        runs = {name: [] for name in rates}
        for seed in range(seeds):
            for name, schedule in trial.progress(rates.items(), f"seed {seed}", total=len(rates)):
                trial.seeded(seed)
                runs[name].append(train_mnist_mlp(data, schedule, epochs, batch_size=batch_size))
        summary = {name: {key: [run[key] for run in seed_runs]
                          for key in ("train_loss", "test_loss_final", "test_accuracy_final")}
                   for name, seed_runs in runs.items()}
        trial.table("final", [
            {"schedule": name, "last rate": rates[name](epochs * steps_per_epoch - 1),
             "training loss (mean)": np.mean(numbers["train_loss"]),
             "training loss (min-max)": [min(numbers["train_loss"]), max(numbers["train_loss"])],
             "test loss (mean)": np.mean(numbers["test_loss_final"]),
             "test accuracy (mean)": np.mean(numbers["test_accuracy_final"])}
            for name, numbers in summary.items()],
            caption=f"After {epochs} epochs on {train} images, over {seeds} seed(s)")
        self._plot(trial, rates, steps_per_epoch, epochs, runs)
        return {"epochs": epochs, "seeds": seeds, "margin": MARGIN, "final": summary}

    def _plot(self, trial, rates, steps_per_epoch, epochs, runs):
        import matplotlib.pyplot as plt

        figure, ax = plt.subplots(figsize=(6.5, 4))
        steps = np.arange(epochs * steps_per_epoch)
        for name, schedule in rates.items():
            ax.plot(steps / steps_per_epoch, [schedule(step) for step in steps], label=name)
        ax.set(yscale="log", ylim=(INITIAL_RATE / 300, INITIAL_RATE * 2), xlabel="epoch", ylabel="learning rate",
               title=f"Schedules from α = {INITIAL_RATE}")
        ax.legend()
        trial.figure("schedules", figure, caption="The learning rate at each step (log scale; cosine reaches 0).")

        figure, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5))
        for name, seed_runs in runs.items():
            epoch = range(1, epochs + 1)
            line, = left.plot(epoch, np.mean([run["loss"] for run in seed_runs], axis=0), marker=".", label=name)
            right.plot(epoch, np.mean([run["test_loss"] for run in seed_runs], axis=0), marker=".",
                       color=line.get_color(), label=name)
        left.set(yscale="log", xlabel="epoch", ylabel="training loss (running mean over the epoch)",
                 title="Training loss")
        right.set(yscale="log", xlabel="epoch", ylabel="test loss", title="Test loss")
        for ax in (left, right):
            ax.legend()
        trial.figure("loss_curves", figure, caption=f"Loss per epoch, mean over {len(runs['constant'])} seed(s).")

    def judge(self, numbers):
        final = numbers["final"]
        constant = final["constant"]["train_loss"]
        decays = [name for name in final if name != "constant"]
        lower = [name for name in decays if np.mean(final[name]["train_loss"]) < np.mean(constant)]
        clear = [name for name in decays if np.mean(final[name]["train_loss"]) < numbers["margin"] * np.mean(constant)
                 and max(final[name]["train_loss"]) < min(constant)]
        reason = ("mean final training loss: " + ", ".join(
            f"{name} {np.mean(final[name]['train_loss']):.4f}" for name in final)
            + "; test accuracy: " + ", ".join(f"{name} {np.mean(final[name]['test_accuracy_final']):.2%}"
                                              for name in final)
            + f"; {len(clear)} of {len(decays)} decays clearly below the constant rate"
            + (f" ({', '.join(clear)})" if clear else ""))
        if len(clear) >= 3:
            return Verdict.of(True, reason)
        if len(lower) <= 1:
            return Verdict.of(False, reason)
        return Verdict(INCONCLUSIVE, reason)
