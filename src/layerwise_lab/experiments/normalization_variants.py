"""Batch, layer, instance and group normalization at a normal and at small batch sizes (lecture 001).

The variants compute x_hat = (x - mu) / sqrt(sigma^2 + eps) alike and differ in the support set of mu and
sigma^2 for an (N, H, W, C) feature map: batch normalization pools one channel over the batch and the positions
(N, H, W), layer normalization one sample over everything (H, W, C), instance normalization one sample's channel
(H, W), group normalization one sample's group of channels (H, W, C/G). Only batch normalization's support
contains other samples, so only its statistics, and the network they train, depend on the batch size: with a
batch of 2, the deepest block's 7x7 maps give each channel's mean 98 values (a ResNet-50's last stage has the
same at that batch size), and inference swaps them for moving averages of such noisy estimates. Wu & He (Group
Normalization, ECCV 2018, Fig. 1) measured the consequence on ImageNet: batch normalization's error grows from
23.6% at 32 images per GPU to 34.7% at 2, group normalization's stays near 24%.

Layer normalization here is Wu & He's, over (H, W, C) with per-channel gamma and beta, i.e. GroupNormalization
with one group; `layers.LayerNormalization`'s default axis would normalize each position over its channels only.
"""

import numpy as np

import layerwise
from layerwise import layers
from layerwise.errors import DivergenceError
from layerwise.optimizers import SGD
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import dataset

#: The arms: a function making a new normalization layer for each block, or None for the unnormalized reference.
NORMALIZATIONS = {"none": None, "batch": layers.BatchNormalization,
                  "layer": lambda: layers.GroupNormalization(groups=1), "instance": layers.InstanceNormalization,
                  "group": lambda: layers.GroupNormalization(groups=4)}
#: Images per update, normal first; the criterion compares the first (normal) and the last (small).
BATCH_SIZES = (32, 8, 2)
FILTERS = (16, 32, 32)
#: SGD's learning rate at 32 images per batch, scaled linearly with the batch size (as Wu & He train, so that
#: equal epochs take the same expected step per epoch); a pilot run found it stable for every arm at 32.
LEARNING_RATE = 0.02
#: In test error (fractions): by how much batch normalization's small-batch penalty must exceed every other
#: arm's, how much a batch-independent normalization's error may grow, and by how much batch normalization may
#: trail the best other normalization at the normal batch size.
MARGIN, STABLE, COMPETITIVE = 0.01, 0.01, 0.01


def normalized_cnn(normalization, input_shape, filters=FILTERS):
    """A CNN of blocks Conv2D 3x3 (same padding) -> normalization -> ReLU, 2x2 max pooling between blocks, and a
    softmax Dense(10) on the flattened last maps (7x7 for 28x28 images, 8x8 for 32x32). ``normalization`` is a
    function of no argument returning a new layer, or None (no normalization; the convolutions then keep their
    bias, which a normalization's beta makes redundant)."""
    stack = [layerwise.Input(shape=input_shape)]
    for index, count in enumerate(filters):
        norm = normalization() if normalization else None
        stack.append(layers.Conv2D(count, 3, padding="same", use_bias=norm is None))
        stack.extend([norm] if norm is not None else [])
        stack.append(layers.ReLU())
        if index < len(filters) - 1:
            stack.append(layers.MaxPooling2D(2))
    return layerwise.Sequential([*stack, layers.Flatten(), layers.Dense(10, activation="softmax")])


def small_batch_penalties(errors, normal=BATCH_SIZES[0], small=BATCH_SIZES[-1]):
    """Each arm's test error at the ``small`` batch size minus at the ``normal`` one, per seed:
    ``{arm: [...]}`` from ``errors[arm][str(batch_size)]`` (a list over seeds; None for a diverged run gives
    None)."""
    return {arm: [None if a is None or b is None else a - b for a, b in zip(by_size[str(small)], by_size[str(normal)])]
            for arm, by_size in errors.items()}


def _mean(values):
    return float(np.mean(values))


class NormalizationVariants(Experiment):
    name = "normalization-variants"
    title = "Batch, layer, instance and group normalization at normal and small batch sizes"
    number = 19
    lectures = ("001_9d6428fc0ed20444.txt",)
    claim = ("Batch** Normalization: normalize features across samples within each batch. - Other normalization "
             "variants: e.g. Layer normalization, instance normalizations, differ in support sets of calculating "
             "the mean and variance.")
    protocol = ("The lecture names the variants and their support sets; what follows from them, and what Wu & He "
                "(Group Normalization, 2018) measured on ImageNet, is tested: batch normalization's error grows at "
                "small batches, the per-sample variants' does not. Fashion-MNIST by default (CIFAR-10 with "
                "--dataset cifar10; the network follows the image shape), 5,000 training images and the first "
                "5,000 test images. A CNN of three blocks Conv2D 3x3 (16, 32, 32 filters) -> normalization -> "
                "ReLU with 2x2 max pooling between them (maps 28, 14, 7) and a softmax Dense(10), with no "
                "normalization (reference), batch normalization (Keras defaults, moving statistics at test time), "
                "layer normalization (GroupNormalization(groups=1): one sample over H, W, C), instance "
                "normalization and group normalization (4 groups). Each trained for 2 epochs (equal samples seen) "
                f"by SGD with momentum 0.9 at a learning rate of {LEARNING_RATE} x B/32 (linear scaling, as Wu & "
                f"He) for batch sizes B = {', '.join(map(str, BATCH_SIZES))}, 3 seeds; test error. A 3-layer "
                "network is far shallower than Wu & He's ResNet-50 (53 normalization layers whose noise compounds) "
                "and is trained briefly, so the test is of the direction, not of their 11-point gap. --quick: 64 "
                "training and 100 test images, 1 epoch, 1 seed.")
    criterion = (f"With the small-batch penalty of an arm = its test error at B={BATCH_SIZES[-1]} minus at "
                 f"B={BATCH_SIZES[0]}: held if, for every seed, batch normalization's penalty exceeds every other "
                 f"arm's (none, layer, instance, group) by at least {MARGIN:.0%} of the test set, the mean "
                 f"penalties of layer, instance and group normalization are at most {STABLE:.0%} (their error does "
                 f"not grow), and at B={BATCH_SIZES[0]} batch normalization's mean error is at most {COMPETITIVE:.0%}"
                 " above the best of layer, instance and group normalization. Did not hold if a batch-independent "
                 "normalization's penalty or batch normalization's shortfall at the normal batch size exceeds its "
                 "bound, or if no seed shows batch normalization's penalty exceeding the others' by the margin. "
                 "Inconclusive if the seeds disagree on that, or a run the criterion reads diverged.")
    datasets = ("fashion_mnist", "cifar10")
    minutes = 5.2

    def run(self, trial):
        train, test, epochs, seeds = trial.size((5000, 5000, 2, 3), (64, 100, 1, 1))
        (x, y), (x_test, y_test) = dataset(trial.dataset, train=train, test=test, seed=trial.seed)
        errors = {arm: {str(size): [] for size in BATCH_SIZES} for arm in NORMALIZATIONS}
        runs = [(arm, size, seed) for size in BATCH_SIZES for arm in NORMALIZATIONS for seed in range(seeds)]
        for arm, size, seed in trial.progress(runs, "normalization x batch size x seed"):
            trial.seeded(seed)
            model = normalized_cnn(NORMALIZATIONS[arm], x.shape[1:])
            model.compile(optimizer=SGD(learning_rate=LEARNING_RATE * size / BATCH_SIZES[0], momentum=0.9),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            try:
                model.fit(x, y, epochs=epochs, batch_size=size, verbose=0)
                error = 1.0 - float(model.evaluate(x_test, y_test, verbose=0)[1])
            except DivergenceError:   # a diverged run is a result the verdict reads, not an error
                error = None
            errors[arm][str(size)].append(error)
        trial.table("test_error", [
            {"normalization": arm, **{f"B={size}": self._shown(by_size[str(size)]) for size in BATCH_SIZES},
             f"penalty B={BATCH_SIZES[-1]} vs {BATCH_SIZES[0]}": self._shown(small_batch_penalties(errors)[arm])}
            for arm, by_size in errors.items()],
            caption=f"Test error (mean over {seeds} seed(s); per seed in brackets) after {epochs} epoch(s) on "
                    f"{train} {trial.dataset} images; the penalty is the error at the small batch minus the normal")
        self._plot(trial, errors)
        return {"errors": errors, "batch_sizes": list(BATCH_SIZES), "seeds": seeds}

    @staticmethod
    def _shown(values):
        if any(value is None for value in values):
            return "diverged"
        per_seed = f" [{', '.join(f'{value:.4f}' for value in values)}]" if len(values) > 1 else ""
        return f"{_mean(values):.4f}{per_seed}"

    def _plot(self, trial, errors):
        import matplotlib.pyplot as plt

        figure, (curves, penalties) = plt.subplots(1, 2, figsize=(11, 4))
        for arm, by_size in errors.items():
            means = [np.nan if None in by_size[str(size)] else _mean(by_size[str(size)]) for size in BATCH_SIZES]
            curves.plot(BATCH_SIZES, 100 * np.asarray(means), marker="o", label=arm,
                        linestyle="--" if arm == "none" else "-")
        curves.set(xscale="log", xlim=(40, 1.6), xlabel="images per batch", ylabel="test error (%)",
                   title="Test error against batch size")
        curves.set_xticks(BATCH_SIZES, labels=list(map(str, BATCH_SIZES)))
        curves.set_xticks([], minor=True)   # the log axis' own minor labels would crowd the three sizes
        curves.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
        penalty = small_batch_penalties(errors)
        for position, (arm, values) in enumerate(penalty.items()):
            shown = [100 * value for value in values if value is not None]
            penalties.bar(position, np.mean(shown) if shown else 0, color=f"C{position}", alpha=0.5)
            penalties.scatter([position] * len(shown), shown, color=f"C{position}", zorder=3)
        penalties.axhline(0, color="gray", linewidth=0.8)
        penalties.set(xticks=range(len(penalty)), xticklabels=list(penalty), ylabel="percentage points",
                      title=f"Error at B={BATCH_SIZES[-1]} minus at B={BATCH_SIZES[0]} (dots: seeds)")
        figure.tight_layout()
        trial.figure("error_vs_batch_size", figure,
                     caption="Test error of the CNN with each normalization at each batch size (equal epochs, "
                             "learning rate scaled with the batch size), and each arm's small-batch penalty.")

    def judge(self, numbers):
        errors, normal = numbers["errors"], str(numbers["batch_sizes"][0])
        penalty = small_batch_penalties(errors, numbers["batch_sizes"][0], numbers["batch_sizes"][-1])
        if any(value is None for values in penalty.values() for value in values):
            return Verdict(INCONCLUSIVE, "a run diverged: " + ", ".join(
                arm for arm, values in penalty.items() if None in values))
        independent = ("layer", "instance", "group")
        others = [arm for arm in penalty if arm != "batch"]
        gaps = [penalty["batch"][seed] - max(penalty[arm][seed] for arm in others)
                for seed in range(len(penalty["batch"]))]
        shortfall = _mean(errors["batch"][normal]) - min(_mean(errors[arm][normal]) for arm in independent)
        reason = ("mean small-batch penalty (error at the small batch minus at the normal one): "
                  + ", ".join(f"{arm} {_mean(values):+.2%}" for arm, values in penalty.items())
                  + "; batch normalization's penalty minus the largest other, per seed: "
                  + ", ".join(f"{gap:+.2%}" for gap in gaps)
                  + f"; at B={normal} batch normalization's error minus the best per-sample one: {shortfall:+.2%}")
        grown = [arm for arm in independent if _mean(penalty[arm]) > STABLE]
        failed = ([f"{', '.join(grown)} grew at small batches"] if grown else []) + (
            ["batch normalization not competitive at the normal batch size"] if shortfall > COMPETITIVE else [])
        hurt_most = [gap >= MARGIN for gap in gaps]
        if not failed and all(hurt_most):
            return Verdict.of(True, reason)
        if failed or not any(hurt_most):
            failed += [] if any(hurt_most) else ["batch normalization's error did not grow most at small batches"]
            return Verdict.of(False, reason + f" ({'; '.join(failed)})")
        return Verdict(INCONCLUSIVE, reason + " (the seeds disagree on whether batch normalization suffers most)")
