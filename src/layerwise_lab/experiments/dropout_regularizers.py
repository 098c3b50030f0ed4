"""Dropout against the other regularizers on MNIST: Srivastava et al.'s Table 9, as lecture 002 shows it.

Six ways to regularize one fully connected net, from weight decay alone to dropout with a max-norm
constraint, which the table ranks best (1.05% error against L2's 1.62%). Max-norm lets dropout train with
large steps without weights growing without bound; the constraint is on each unit's incoming weight vector.
"""

import numpy as np

import layerwise
from layerwise import constraints, regularizers
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._dropout import dropout_mlp, error

#: The penalties (Keras convention: λ Σ w², λ Σ |w|), the KL-sparsity target and weight, and max-norm's c.
L2, L1, RHO, BETA, MAX_NORM = 1e-4, 1e-5, 0.1, 0.01, 3.0
#: The fraction of the epochs after which "L1 towards the end" switches on.
L1_FROM = 0.75
#: Each row: the lecture's test error, and the net's arguments (`dropout_mlp`). Dropout is Srivastava's:
#: p = 0.2 on the inputs, 0.5 on the hidden units. KL-sparsity needs mean activations in (0, 1), so that row's
#: hidden units are sigmoids, the others ReLUs.
ROWS = {
    "L2": (0.0162, {"kernel_regularizer": regularizers.L2(L2)}),
    "L2 + L1 applied towards the end of training": (0.0160, {"kernel_regularizer": regularizers.L2(L2)}),
    "L2 + KL-sparsity": (0.0155, {"kernel_regularizer": regularizers.L2(L2), "activation": "sigmoid",
                                  "activity_regularizer": regularizers.KLSparsity(rho=RHO, beta=BETA)}),
    "Max-norm": (0.0135, {"kernel_constraint": constraints.MaxNorm(MAX_NORM)}),
    "Dropout + L2": (0.0125, {"kernel_regularizer": regularizers.L2(L2), "rate": 0.5, "input_rate": 0.2}),
    "Dropout + Max-norm": (0.0105, {"kernel_constraint": constraints.MaxNorm(MAX_NORM), "rate": 0.5,
                                    "input_rate": 0.2}),
}
WORST, BEST = "L2", "Dropout + Max-norm"


def rank_correlation(first, second):
    """Spearman's rank correlation of two equally long sequences without ties (1: the same order)."""
    ranks = [np.argsort(np.argsort(values)) for values in (first, second)]
    return float(np.corrcoef(*ranks)[0, 1])


class DropoutRegularizers(Experiment):
    name = "dropout-regularizers"
    title = "Dropout + max-norm against L2, L1, KL-sparsity and max-norm alone (Srivastava's MNIST table)"
    number = 23
    lectures = ("002_18b815cf32b04ead.txt",)
    claim = ("A network architecture of 784-1024-1024-2048-10 is used on the MNIST data set, with different "
             "regularizations. Method Test Classification error % L2 1.62 L2 + L1 applied towards the end of "
             "training 1.60 L2 + KL-sparsity 1.55 Max-norm 1.35 Dropout + L2 1.25 Dropout + Max-norm 1.05 [...] "
             "Dropout achieves better results than former used regularization methods (Weight Decay).")
    protocol = ("MNIST, all 60,000 training and 10,000 test images: a 784-256-256-512-10 net (a quarter of the "
                f"lecture's widths, to fit two cores) trained by SGD (momentum 0.9, learning rate 0.05, batches of "
                f"100) for 20 epochs with each of the six regularizations, 2 seeds: L2 (λ = {L2:g}, λ Σ w² on every "
                f"kernel); the same with L1 (λ = {L1:g}) added for the last quarter of the epochs; L2 with "
                f"KL-sparsity (ρ = {RHO}, β = {BETA}) on the hidden activations, with sigmoid hidden units (the "
                f"penalty needs mean activations in (0, 1); ReLUs elsewhere); max-norm (every unit's incoming "
                f"weights within a ball of radius {MAX_NORM:g}); dropout (p = 0.2 on the inputs, 0.5 on the hidden "
                "units) with L2 and with max-norm. The lecture's errors beside ours. --quick: 2,000 training and 500 "
                "test images, a 784-32-32-64-10 net, 2 epochs, 1 seed.")
    criterion = ("The table's best row against its worst: held if Dropout + Max-norm errs less than L2 in every "
                 "seed; did not hold if its error, averaged over the seeds, is not lower than L2's; inconclusive "
                 "otherwise (lower on average, not in every seed). The other rows and the rank correlation with "
                 "the lecture's order are reported, not judged.")
    minutes = 7

    def run(self, trial):
        widths, train, test, epochs, seeds = trial.size(((256, 256, 512), 60000, 10000, 20, 2),
                                                        ((32, 32, 64), 2000, 500, 2, 1))
        (x, y), (x_test, y_test) = mnist(train=train, test=test, seed=trial.seed)
        errors = {row: [] for row in ROWS}
        for seed in range(seeds):
            for row, (_, arguments) in trial.progress(ROWS.items(), f"seed {seed}", total=len(ROWS)):
                trial.seeded(seed)
                model = dropout_mlp(widths, **{"rate": 0.0, **arguments})
                model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                              loss="sparse_categorical_crossentropy")
                self._fit(model, x, y, epochs, towards_the_end=row.startswith("L2 + L1"))
                errors[row].append(error(model.predict(x_test, batch_size=1000, verbose=0), y_test))
        means = {row: float(np.mean(values)) for row, values in errors.items()}
        correlation = rank_correlation([ROWS[row][0] for row in ROWS], [means[row] for row in ROWS])
        trial.table("errors", [{"regularization": row, "lecture error": ROWS[row][0], "our error (mean)": means[row],
                                "our errors (seeds)": errors[row]} for row in ROWS],
                    caption=f"MNIST test error; ours on {test:,} test images, {seeds} seed(s); rank correlation "
                            f"with the lecture's order {correlation:.2f}")
        self._plot(trial, means, errors)
        return {"errors": errors, "means": means, "rank_correlation": correlation}

    @staticmethod
    def _fit(model, x, y, epochs, towards_the_end):
        """Train for ``epochs``; with ``towards_the_end``, add the L1 penalty to every kernel's L2 for the last
        quarter of them (the optimizer's state carries over between the two fits)."""
        later = int(round(epochs * (1 - L1_FROM))) if towards_the_end else 0
        model.fit(x, y, epochs=epochs - later, batch_size=100, verbose=0)
        if later:
            for layer in model.layers:
                if hasattr(layer, "kernel"):
                    layer.kernel.regularizer = regularizers.L1L2(l1=L1, l2=L2)
            model.fit(x, y, epochs=later, batch_size=100, verbose=0)

    def _plot(self, trial, means, errors):
        import matplotlib.pyplot as plt

        figure, ax = plt.subplots(figsize=(8, 4.5))
        positions = np.arange(len(ROWS))
        ax.barh(positions + 0.2, [100 * ROWS[row][0] for row in ROWS], height=0.4, label="lecture (1024-1024-2048)")
        ax.barh(positions - 0.2, [100 * means[row] for row in ROWS], height=0.4, label="ours (mean over seeds)")
        for position, row in zip(positions, ROWS):
            ax.scatter([100 * e for e in errors[row]], [position - 0.2] * len(errors[row]), color="black", s=10,
                       zorder=3)
        ax.set_yticks(positions, list(ROWS))
        ax.invert_yaxis()
        ax.set(xlabel="test error (%)", title="MNIST: regularizations of a deep MLP")
        ax.legend(fontsize="small")
        trial.figure("regularizers", figure, caption="Test error of each regularization, the lecture's (Srivastava "
                                                     "et al., Table 9) and ours (dots: seeds).")

    def judge(self, numbers):
        best, worst = numbers["errors"][BEST], numbers["errors"][WORST]
        reason = (f"{BEST} {np.mean(best):.2%} ({', '.join(f'{e:.2%}' for e in best)}) against {WORST} "
                  f"{np.mean(worst):.2%} ({', '.join(f'{e:.2%}' for e in worst)}); rank correlation with the "
                  f"lecture's order {numbers['rank_correlation']:.2f}")
        if np.mean(best) >= np.mean(worst):
            return Verdict.of(False, reason)
        if all(b < w for b, w in zip(best, worst)):
            return Verdict.of(True, reason)
        return Verdict(INCONCLUSIVE, reason + " (lower on average, not in every seed)")
