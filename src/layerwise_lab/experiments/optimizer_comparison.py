"""SGD, momentum, Nesterov, AdaGrad, RMSProp and Adam at a saddle point, on noisy moons and on MNIST
(lecture 001).

At the saddle f(u, v) = u^2 - v^2 (`layerwise.datasets.toy.saddle`), started at (1, 10^-3), the descent
direction v has a gradient -2v of size 2 10^-3: plain SGD grows v by the factor (1 + 2α) per step, while a
rule that divides by the gradient's running size takes steps of about α from the start. A run has escaped
once f(θ_t) <= -1, a unit below the saddle's value.
"""

import numpy as np

from layerwise.datasets.toy import moons, saddle, saddle_gradient
from layerwise.optimizers import SGD, Adagrad, Adam, RMSprop
from layerwise.plot import optimizer_trajectory, plot_optimizer_trajectories
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._models import mlp
from layerwise_lab._training import training_curve

MOMENTUM = 0.9
ADAPTIVE = ("AdaGrad", "RMSProp", "Adam")
OPTIMIZERS = ("SGD", "momentum", "Nesterov") + ADAPTIVE
SADDLE_START, SADDLE_STEPS, SADDLE_RATES, ESCAPE_LEVEL = (1.0, 1e-3), 1000, (0.01, 0.03, 0.1), -1.0
#: The learning rates of the training problems: Keras's defaults, SGD's for the SGD family, Adam's for the rest.
SGD_RATE, ADAPTIVE_RATE = 0.01, 0.001
#: The momentum runs must end at most at this fraction of plain SGD's loss to count as faster (and below 1 not
#: to count as slower).
MARGIN = 0.8


def make_optimizer(name, learning_rate):
    """The optimizer ``name`` (one of `OPTIMIZERS`) with step size α = ``learning_rate``, in lecture 001's form:
    ρ = 0.9 for momentum and Nesterov, and AdaGrad's r_0 = 0 (r_t = r_{t-1} + g_t ⊙ g_t)."""
    return {"SGD": lambda: SGD(learning_rate),
            "momentum": lambda: SGD(learning_rate, momentum=MOMENTUM),
            "Nesterov": lambda: SGD(learning_rate, momentum=MOMENTUM, nesterov=True),
            "AdaGrad": lambda: Adagrad(learning_rate, initial_accumulator_value=0.0),
            "RMSProp": lambda: RMSprop(learning_rate),
            "Adam": lambda: Adam(learning_rate)}[name]()


def training_rate(name):
    """The learning rate of optimizer ``name`` on moons and MNIST."""
    return ADAPTIVE_RATE if name in ADAPTIVE else SGD_RATE


def escape_step(trajectory):
    """The first step t at which f(θ_t) <= `ESCAPE_LEVEL` on the saddle, or None if the run never gets there."""
    with np.errstate(over="ignore", invalid="ignore"):  # a run that escaped may go on until f overflows
        below = np.flatnonzero(saddle(np.asarray(trajectory)) <= ESCAPE_LEVEL)
    return int(below[0]) if below.size else None


def _steps(step):
    """An escape step as the tables and the verdict show it."""
    return "none" if step is None else str(step)


class Optimizers(Experiment):
    name = "optimizers"
    title = "SGD, momentum, Nesterov, AdaGrad, RMSProp and Adam"
    number = 7
    lectures = ("001_9d6428fc0ed20444.txt",)
    claim = ("v_t : Momentum helps accelerate convergence by accumulating the gradients of past steps and "
             "smoothing out the oscillations. [...] Algorithms that scale step size based on the gradient quickly "
             "break symmetry and begin descent. Behaviour around a saddle point.")
    protocol = ("(a) The saddle f(u, v) = u^2 - v^2 from (1, 0.001), up to 1,000 steps of each optimizer at "
                "α = 0.01, 0.03 and 0.1 (the same α for all six; ρ = 0.9, AdaGrad with r_0 = 0 as in the lecture, "
                "RMSProp and Adam with Keras's β's); a run escapes at the first step with f <= -1. "
                "(b) Noisy moons (1,000 points, noise 0.2): a 2-32-32-2 tanh MLP with a softmax output and "
                "cross-entropy, mini-batches of 50 for 60 epochs. (c) MNIST (20,000 training images): a "
                "784-128-10 ReLU MLP, mini-batches of 100 for 10 epochs. In (b) and (c) SGD, momentum and Nesterov "
                "use α = 0.01 and AdaGrad, RMSProp and Adam α = 0.001 (Keras's defaults), 3 seeds each; the "
                "training loss is measured on the whole training set after every epoch. --quick: (a) as in full, "
                "(b) 200 points for 5 epochs, (c) 1,000 images for 2 epochs, one seed.")
    criterion = ("Held if (a) AdaGrad, RMSProp and Adam each escape the saddle in fewer steps than plain SGD at "
                 "every α, and (b, c) momentum and Nesterov each end with a mean final training loss at most 0.8 "
                 "times plain SGD's on both moons and MNIST. Did not hold if an adaptive method is not faster "
                 "than SGD at some α, or momentum or Nesterov ends at or above SGD's loss on a problem; "
                 "inconclusive otherwise (faster, but by less than the margin).")
    minutes = 1

    def run(self, trial):
        escapes = self._saddle()
        problems = {}
        points, moon_epochs = trial.size((1000, 60), (200, 5))
        images, mnist_epochs = trial.size((20000, 10), (1000, 2))
        seeds = trial.size(3, 1)
        x_moons, y_moons = moons(points, noise=0.2, seed=trial.seed)
        (x_mnist, y_mnist), _ = mnist(train=images, test=0, seed=trial.seed)
        moons_network = lambda: mlp((32, 32), inputs=2, classes=2, activation="tanh")  # noqa: E731
        for problem, x, y, model, epochs, batch_size in (
                ("moons", x_moons, y_moons, moons_network, moon_epochs, 50),
                ("MNIST", x_mnist, y_mnist, lambda: mlp((128,)), mnist_epochs, 100)):
            curves = {}
            for name in OPTIMIZERS:
                curves[name] = []
                for seed in range(seeds):
                    trial.seeded(seed)
                    network = model()
                    network.compile(optimizer=make_optimizer(name, training_rate(name)),
                                    loss="sparse_categorical_crossentropy")
                    curves[name].append(training_curve(network, x, y, epochs, batch_size,
                                                       progress=lambda it: trial.progress(it, f"{problem} {name}"))
                                        ["loss"])
            problems[problem] = curves
        self._tables(trial, escapes, problems)
        self._plot_saddle(trial)
        self._plot_losses(trial, problems)
        return {"saddle": {"rates": SADDLE_RATES, "max_steps": SADDLE_STEPS, "escape_steps": escapes},
                "training_loss": problems}

    @staticmethod
    def _trajectories(learning_rate):
        with np.errstate(over="ignore", invalid="ignore"):  # the runs that escaped go on, and may overflow
            return {name: optimizer_trajectory(make_optimizer(name, learning_rate), saddle_gradient, SADDLE_START,
                                               SADDLE_STEPS) for name in OPTIMIZERS}

    def _saddle(self):
        escapes = {name: [] for name in OPTIMIZERS}
        for rate in SADDLE_RATES:
            for name, trajectory in self._trajectories(rate).items():
                escapes[name].append(escape_step(trajectory))
        return escapes

    def _tables(self, trial, escapes, problems):
        trial.table("saddle", [{"optimizer": name, **{f"α = {rate}": _steps(step)
                                                      for rate, step in zip(SADDLE_RATES, escapes[name])}}
                               for name in OPTIMIZERS],
                    caption=f"Steps to escape the saddle from {SADDLE_START} (f <= {ESCAPE_LEVEL}; "
                            f"'none' within {SADDLE_STEPS} steps)")
        rows = []
        for name in OPTIMIZERS:
            row = {"optimizer": name, "α": training_rate(name)}
            for problem, curves in problems.items():
                final = [curve[-1] for curve in curves[name]]
                row[f"{problem} final loss"] = float(np.mean(final))
                row[f"{problem} ratio to SGD"] = float(np.mean(final) / np.mean([c[-1] for c in curves["SGD"]]))
            rows.append(row)
        trial.table("training_loss", rows, caption="Final training loss (mean over seeds) and its ratio to SGD's")

    def _plot_saddle(self, trial):
        import matplotlib.pyplot as plt

        rate = SADDLE_RATES[1]
        trajectories = self._trajectories(rate)
        figure, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
        # Each path is drawn up to a few steps past its escape, so the escaped ones stay inside the frame.
        shown = {name: path[:min(len(path), (escape_step(path) or SADDLE_STEPS) + 3)]
                 for name, path in trajectories.items()}
        plot_optimizer_trajectories(saddle, shown, extent=(-1.2, 1.2, -1.5, 1.5), ax=left)
        left.set_title(f"Paths on f = u² - v² from {SADDLE_START}, α = {rate}")
        for name, path in trajectories.items():
            steps = min(len(path), (escape_step(path) or SADDLE_STEPS) + 1)
            right.plot(np.arange(steps), np.abs(path[:steps, 1]), label=name)
        right.set(yscale="log", xlabel="step t", ylabel="|v_t| (the descent direction)",
                  title=f"Leaving the saddle, α = {rate} (each line ends at f <= {ESCAPE_LEVEL})")
        right.legend()
        trial.figure("saddle", figure, caption=f"Left: the optimizers' paths near the saddle at α = {rate}. "
                                               "Right: the size of the escaping coordinate v, log scale.")

    def _plot_losses(self, trial, problems):
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(1, len(problems), figsize=(12, 4.5))
        for ax, (problem, curves) in zip(np.atleast_1d(axes), problems.items()):
            for name in OPTIMIZERS:
                ax.plot(np.mean(curves[name], axis=0), marker=".", label=f"{name} (α = {training_rate(name)})")
            ax.set(yscale="log", xlabel="epoch", ylabel="training loss (cross-entropy)", title=problem)
            ax.legend()
        trial.figure("training_loss", figure, caption="Training loss on the whole training set after each epoch, "
                                                      "mean over seeds (log scale).")

    def judge(self, numbers):
        escapes = numbers["saddle"]["escape_steps"]
        never = numbers["saddle"]["max_steps"] + 1  # a run that never escapes counts as slower than any that does
        steps = {name: [never if step is None else step for step in escapes[name]] for name in escapes}
        slow = [f"{name} at α = {rate} ({_steps(escapes[name][i])} vs SGD's {_steps(escapes['SGD'][i])} steps)"
                for name in ADAPTIVE for i, rate in enumerate(numbers["saddle"]["rates"])
                if steps[name][i] >= steps["SGD"][i]]
        ratios = {f"{name}/SGD on {problem}": np.mean([c[-1] for c in curves[name]])
                  / np.mean([c[-1] for c in curves["SGD"]])
                  for problem, curves in numbers["training_loss"].items() for name in ("momentum", "Nesterov")}
        reason = ("saddle: " + ("every adaptive method escapes before SGD" if not slow else
                                "not faster than SGD: " + "; ".join(slow))
                  + "; final training loss " + ", ".join(f"{key} {ratio:.2f}" for key, ratio in ratios.items()))
        if slow or max(ratios.values()) >= 1:
            return Verdict.of(False, reason)
        if max(ratios.values()) > MARGIN:
            return Verdict(INCONCLUSIVE, reason + f" (momentum faster, but not below {MARGIN} of SGD everywhere)")
        return Verdict.of(True, reason)
