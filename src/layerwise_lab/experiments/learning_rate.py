"""Gradient descent on J(θ) = θ²/2 converges monotonically, oscillates or diverges by the step η; on MNIST a
too-small rate is slow and a too-large one does not converge (lecture 001).

On J(θ) = θ²/2, ∇J(θ) = θ, so θ_{k+1} = θ_k - η θ_k = (1 - η) θ_k and θ_k = (1 - η)^k θ_0: the factor
1 - η lies in (0, 1) for 0 < η < 1 (θ shrinks keeping its sign), in (-1, 0) for 1 < η < 2 (θ flips sign
every step while shrinking) and below -1 for η > 2 (θ flips and grows). The steps here are taken by
layerwise's own SGD optimizer on a one-number parameter (`layerwise.plot.optimizer_trajectory`), so the
experiment also checks that the library's update is exactly θ - η ∇J.
"""

import numpy as np

from layerwise.optimizers import SGD
from layerwise.plot import optimizer_trajectory
from layerwise_lab import Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._rates import train_mnist_mlp

#: The lecture's three regimes of η on θ²/2, in order.
RANGES = {"monotone": "0 < η < 1", "oscillating": "1 < η < 2", "diverging": "η > 2"}
#: The step sizes tried, three per regime of the lecture's picture.
ETAS = (0.1, 0.5, 0.9, 1.1, 1.5, 1.9, 2.1, 2.5, 3.0)
#: The MNIST rates: a conventional SGD rate and one 100 times smaller and larger.
SMALL, GOOD, LARGE = 0.001, 0.1, 10.0
SWEEP = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
#: The good rate's final training loss must be below this fraction of each extreme's.
MARGIN = 0.8


def predicted_regime(eta):
    """The lecture's regime for step η on θ²/2: monotone for 0 < η < 1, oscillating for 1 < η < 2, diverging
    for η > 2 (None on the boundaries and outside them)."""
    if 0 < eta < 1:
        return "monotone"
    if 1 < eta < 2:
        return "oscillating"
    return "diverging" if eta > 2 else None


def gd_regime(thetas):
    """The regime a trajectory θ_0, θ_1, ..., θ_K shows: "diverging" if |θ_k| grows at every step, else
    "monotone" if it shrinks at every step keeping its sign, "oscillating" if it shrinks flipping its sign at
    every step, and "other" for anything else (e.g. reaching 0 exactly)."""
    theta = np.asarray(thetas, dtype=np.float64).ravel()
    magnitude, products = np.abs(theta), theta[1:] * theta[:-1]
    if np.all(magnitude[1:] > magnitude[:-1]):
        return "diverging"
    if np.all(magnitude[1:] < magnitude[:-1]):
        if np.all(products > 0):
            return "monotone"
        if np.all(products < 0):
            return "oscillating"
    return "other"


def quadratic_trajectory(eta, steps, theta0=1.0):
    """θ_0, ..., θ_steps of layerwise's SGD at learning rate η on J(θ) = θ²/2 (gradient θ)."""
    return optimizer_trajectory(SGD(learning_rate=eta), lambda theta: theta, (theta0,), steps)[:, 0]


class LearningRate(Experiment):
    name = "learning-rate"
    title = "Learning rate: monotone, oscillating and divergent gradient descent; too small and too large on MNIST"
    number = 5
    lectures = ("001_9d6428fc0ed20444.txt",)
    claim = ("Proper learning rates are important $$\\theta_{k+1} = \\theta_k - \\eta \\nabla J(\\theta_k)$$ "
             "- Small η : low convergence - Large η : non-convergent - Example: "
             "$J(\\theta) = \\frac{1}{2}\\theta^2$, "
             "$\\nabla J(\\theta) = \\theta$ $$\\theta^{k+1} = \\theta^k - \\eta\\theta^k = (1 - \\eta)\\theta^k$$ "
             "$$\\theta^k = (1 - \\eta)^k\\theta^0$$ $0 < \\eta < 1$  $1 < \\eta < 2$  $\\eta > 2$")
    protocol = ("Quadratic: 30 steps of layerwise's SGD on J(θ) = θ²/2 from θ_0 = 1 for η = "
                f"{', '.join(map(str, ETAS))} (three per regime), each trajectory classified by its signs and "
                "magnitudes; also |θ_30| over a fine grid of η. MNIST: a 784-128-10 ReLU/softmax MLP, plain SGD, "
                "mini-batches of 32, 10 epochs on the 60,000 training images (test on 10,000), at the rates "
                f"{', '.join(map(str, SWEEP))}, of which {SMALL} is the too-small, {GOOD} the good and {LARGE} "
                "the too-large rate (factors of 100 around a conventional SGD rate). --quick: only those three "
                "rates, 2,000 training and 500 test images, 2 epochs.")
    criterion = ("Held if every η's trajectory shows the regime the lecture predicts for it, and on MNIST the "
                 f"final training loss (whole training set) at {GOOD} is below {MARGIN:.0%} of both the one at "
                 f"{SMALL} and the one at {LARGE}; did not hold otherwise.")
    minutes = 2

    def run(self, trial):
        steps = 30
        trajectories = {eta: quadratic_trajectory(eta, steps) for eta in ETAS}
        quadratic = [{"eta": eta, "predicted": predicted_regime(eta), "observed": gd_regime(thetas),
                      "theta_K": thetas[-1],
                      "max |θ_k - (1-η)^k θ_0|": np.max(np.abs(thetas - (1 - eta) ** np.arange(steps + 1)))}
                     for eta, thetas in trajectories.items()]
        trial.table("quadratic", quadratic, caption=f"Gradient descent on θ²/2 from θ_0 = 1, {steps} steps")
        grid = np.linspace(0.02, 2.5, 125)
        final = [abs(quadratic_trajectory(eta, steps)[-1]) for eta in grid]

        train, test, epochs = trial.size((60000, 10000, 10), (2000, 500, 2))
        data = mnist(train=train, test=test, seed=trial.seed)
        runs = {}
        for rate in trial.progress(trial.size(SWEEP, (SMALL, GOOD, LARGE)), "learning rates"):
            trial.seeded(0)  # the same initial weights and batch order at every rate
            runs[rate] = train_mnist_mlp(data, rate, epochs)
        trial.table("mnist", [{"learning rate": rate, "first-epoch loss": run["loss"][0],
                               "final training loss": run["train_loss"], "final test loss": run["test_loss_final"],
                               "final test accuracy": run["test_accuracy_final"]} for rate, run in runs.items()],
                    caption=f"MNIST MLP, plain SGD, {epochs} epochs on {train} images")
        self._plot(trial, trajectories, grid, final, steps, runs)
        return {"steps": steps, "quadratic": quadratic, "margin": MARGIN,
                "mnist": {"epochs": epochs, "small": SMALL, "good": GOOD, "large": LARGE,
                          "train_loss": {str(rate): run["train_loss"] for rate, run in runs.items()},
                          "loss_curves": {str(rate): run["loss"] for rate, run in runs.items()}}}

    def _plot(self, trial, trajectories, grid, final, steps, runs):
        import matplotlib.pyplot as plt
        from matplotlib.ticker import SymmetricalLogLocator

        figure, axes = plt.subplots(1, 4, figsize=(20, 4), gridspec_kw={"wspace": 0.3})
        for ax, (regime, interval) in zip(axes, RANGES.items()):
            for eta, thetas in trajectories.items():
                if predicted_regime(eta) == regime:
                    ax.plot(thetas, marker=".", label=f"η = {eta}")
            ax.axhline(0, color="gray", linewidth=0.5)
            ax.set(xlabel="step k", ylabel="$\\theta_k$", title=f"{regime}: {interval}")
            ax.legend()
        axes[2].set_yscale("symlog", linthresh=1)
        axes[2].yaxis.set_major_locator(SymmetricalLogLocator(base=1000, linthresh=1))
        axes[3].semilogy(grid, final, marker=".", linestyle="none", label="layerwise SGD")
        axes[3].semilogy(grid, np.abs(1 - grid) ** steps, color="gray", linewidth=0.8, label="$|1 - \\eta|^K$")
        for edge in (1, 2):
            axes[3].axvline(edge, color="gray", linestyle="--")
        axes[3].axhline(1, color="gray", linewidth=0.5)
        axes[3].set(xlabel="η", ylabel=f"$|\\theta_K|$, K = {steps}", ylim=(1e-12, 1e8),
                    title="after K steps, from $\\theta_0$ = 1")
        axes[3].legend()
        trial.figure("quadratic", figure,
                     caption="Gradient descent on J(θ) = θ²/2 with layerwise's SGD: θ_k for three step sizes in "
                             "each regime (the divergent panel on a symmetric log scale), and |θ_K| against η.")

        figure, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5))
        colors = plt.get_cmap("viridis")(np.linspace(0, 0.95, len(runs)))
        for color, (rate, run) in zip(colors, runs.items()):
            style = {"linewidth": 2.5} if rate in (SMALL, GOOD, LARGE) else {"linewidth": 1, "alpha": 0.7}
            left.plot(range(1, len(run["loss"]) + 1), run["loss"], marker=".", color=color, label=f"η = {rate}",
                      **style)
        left.set(yscale="log", xlabel="epoch", ylabel="training loss (running mean over the epoch)",
                 title="MNIST MLP, plain SGD")
        left.legend(fontsize="small", ncol=2)
        rates = list(runs)
        right.loglog(rates, [runs[rate]["train_loss"] for rate in rates], marker="o", label="training set")
        right.loglog(rates, [runs[rate]["test_loss_final"] for rate in rates], marker="s", label="test set")
        for rate, name in ((SMALL, "too small"), (GOOD, "good"), (LARGE, "too large")):
            right.annotate(name, (rate, runs[rate]["train_loss"]), textcoords="offset points", xytext=(0, 8),
                           ha="center")
        right.set(xlabel="learning rate η", ylabel="loss after the last epoch", title="Final loss against η")
        right.legend()
        trial.figure("mnist_loss", figure,
                     caption=f"Left: training loss per epoch for each learning rate; the thick lines are the "
                             f"too-small ({SMALL}), good ({GOOD}) and too-large ({LARGE}) rates. Right: the loss "
                             "after training against the rate (log-log).")

    def judge(self, numbers):
        wrong = [row["eta"] for row in numbers["quadratic"] if row["observed"] != row["predicted"]]
        losses, mnist_numbers = numbers["mnist"]["train_loss"], numbers["mnist"]
        small, good, large = (losses[str(mnist_numbers[key])] for key in ("small", "good", "large"))
        reason = (f"{len(numbers['quadratic']) - len(wrong)} of {len(numbers['quadratic'])} step sizes in their "
                  f"predicted regime" + (f" (wrong: η = {wrong})" if wrong else "")
                  + f"; MNIST final training loss {small:.3g} at η = {mnist_numbers['small']}, {good:.3g} at "
                  f"{mnist_numbers['good']}, {large:.3g} at {mnist_numbers['large']}")
        return Verdict.of(not wrong and good < numbers["margin"] * min(small, large), reason)
