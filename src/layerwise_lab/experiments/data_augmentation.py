"""Shifted and rotated copies of the training digits cut the test error of a small training set (lecture 003).

The augmentation layers draw a new transform of every image at every epoch (training mode only), so the
network never sees the same 1,000 pictures twice and must learn what a shift or a 15-degree rotation does not
change; at test time they are the identity. Both arms train the same CNN for the same number of steps.
"""

import math
import statistics

import layerwise
from layerwise import layers
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._models import compiled, small_cnn

MARGIN = 0.01  # "cut": the augmented test error lower by at least 1 percentage point on average
SHIFT, ROTATION = 0.1, 15 / 360  # shifts up to 10% of the side (2.8 pixels), rotations up to 15 degrees
ARMS = ("plain", "augmented")


def augmentation():
    """The lecture's "created training data": a random shift and a random rotation of up to 15 degrees, the
    border filled with MNIST's black background."""
    return [layers.RandomTranslation(SHIFT, SHIFT, fill_mode="constant"),
            layers.RandomRotation(ROTATION, fill_mode="constant")]


class DataAugmentation(Experiment):
    name = "data-augmentation"
    title = "Data augmentation by shifts and rotations on 1,000 MNIST digits"
    number = 14
    lectures = ("003_177acb73fe647277.txt",)
    claim = ("AVOIDING OVERFITTING: Have more training data; Create more training data (?) Handwriting "
             "recognition: Original Training Data: Created Training Data: Shift 15 °")
    protocol = ("For each of 3 seeds, 1,000 MNIST training images drawn by the seed and the 10,000 test images. "
                "The same CNN (Conv2D 8 5x5 ReLU, max-pool 2, Conv2D 16 5x5 ReLU, max-pool 2, softmax Dense 10; "
                "5,994 weights) trained with and without RandomTranslation(0.1, 0.1) + RandomRotation(15/360) "
                "in front (fill 0), both with Adam (learning rate 0.001, cosine decay to 0) in mini-batches of "
                "32 for 80 epochs; test error every 5 epochs and at the end. --quick: 1 seed, 200 training and "
                "500 test images, 3 epochs.")
    criterion = (f"Held if the final test error with augmentation is lower than without in every seed and lower "
                 f"by at least {MARGIN * 100:.0f} percentage point on average over the seeds; did not hold if "
                 "augmentation does not lower the average test error at all; inconclusive in between (lower, "
                 "but by less than the margin or not in every seed).")
    minutes = 3

    def run(self, trial):
        seeds, train, test, epochs, every = trial.size((3, 1000, 10000, 80, 5), (1, 200, 500, 3, 1))
        runs = []
        for offset in trial.progress(range(seeds), "seeds"):
            (x, y), (x_test, y_test) = mnist(train=train, test=test, images=True, seed=trial.seed + offset)
            run = {"seed": trial.seed + offset}
            for arm in ARMS:
                trial.seeded(offset)
                steps = epochs * math.ceil(train / 32)
                model = compiled(small_cnn(augmentation=augmentation() if arm == "augmented" else ()),
                                 layerwise.optimizers.schedules.CosineDecay(1e-3, steps))
                history = model.fit(x, y, epochs=epochs, batch_size=32, validation_data=(x_test, y_test),
                                    validation_freq=every, verbose=0)
                run[arm] = {"train_loss": history.history["loss"],
                            "test_error": [1 - accuracy for accuracy in history.history["val_accuracy"]]}
            runs.append(run)
        finals = [{arm: run[arm]["test_error"][-1] for arm in ARMS} for run in runs]
        trial.table("test_error", [{"seed": run["seed"], "plain test error": final["plain"],
                                    "augmented test error": final["augmented"],
                                    "cut (points)": 100 * (final["plain"] - final["augmented"])}
                                   for run, final in zip(runs, finals)],
                    caption=f"Final test error after {epochs} epochs on {train} training images")
        self._plot_samples(trial, x[:8])
        self._plot_curves(trial, runs, epochs, every, train)
        return {"epochs": epochs, "train": train, "runs": runs}

    def _plot_samples(self, trial, images, copies=3):
        import matplotlib.pyplot as plt

        rows = [images] + [images for _ in range(copies)]
        transforms = augmentation()
        for index in range(1, len(rows)):
            for layer in transforms:
                rows[index] = layer(rows[index], training=True)
        figure, axes = plt.subplots(len(rows), len(images), figsize=(len(images) * 0.9, len(rows) * 1.0))
        for row, (batch, label) in enumerate(zip(rows, ["original"] + [f"created {n}" for n in range(1, copies + 1)])):
            for column, image in enumerate(batch):
                axes[row, column].imshow(image[..., 0], cmap="gray", vmin=0, vmax=1)
                axes[row, column].set(xticks=[], yticks=[])
            axes[row, 0].set_ylabel(label, fontsize="small")
        figure.suptitle("Training digits and random shifted/rotated copies")
        trial.figure("samples", figure, caption="Top row: training digits; below: copies drawn by "
                     "RandomTranslation(0.1, 0.1) and RandomRotation(15/360), as the augmented network sees them.")

    def _plot_curves(self, trial, runs, epochs, every, train):
        import matplotlib.pyplot as plt

        figure, (loss_ax, error_ax) = plt.subplots(1, 2, figsize=(10, 3.8))
        for arm, color in zip(ARMS, ("tab:blue", "tab:orange")):
            for index, run in enumerate(runs):
                label = arm if index == 0 else None
                loss = run[arm]["train_loss"]
                loss_ax.plot(range(1, len(loss) + 1), loss, color=color, alpha=0.8, label=label)
                error = run[arm]["test_error"]
                error_ax.plot(range(every, every * len(error) + 1, every), [100 * value for value in error],
                              color=color, marker=".", alpha=0.8, label=label)
        loss_ax.set(yscale="log", xlabel="epoch", ylabel="training cross-entropy", title="training loss")
        error_ax.set(xlabel="epoch", ylabel="test error (%)", title=f"test error, {train} training images")
        for ax in (loss_ax, error_ax):
            ax.legend()
        trial.figure("curves", figure, caption=f"Learning curves over {epochs} epochs, one line per seed: the "
                     "plain network drives its training loss towards 0, the augmented one cannot memorize.")

    def judge(self, numbers):
        cuts = [run["plain"]["test_error"][-1] - run["augmented"]["test_error"][-1] for run in numbers["runs"]]
        mean = statistics.fmean(cuts)
        reason = ("final test error, plain vs augmented: " + ", ".join(
            f"{run['plain']['test_error'][-1]:.2%} vs {run['augmented']['test_error'][-1]:.2%}"
            for run in numbers["runs"]) + f"; mean cut {100 * mean:.2f} points (margin {100 * MARGIN:.0f})")
        if mean <= 0:
            return Verdict.of(False, reason)
        if mean < MARGIN or min(cuts) <= 0:
            return Verdict(INCONCLUSIVE, reason)
        return Verdict.of(True, reason)
