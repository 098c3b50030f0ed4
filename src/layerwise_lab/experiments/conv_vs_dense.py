"""Weight sharing: a small CNN beats a much larger dense network on MNIST and tolerates shifts better
(lecture 004).

A convolution unit a_j = sum_{i in L_j} w_i z_i looks at a 5x5 patch L_j with the same weights w at every
position j, so a stroke is detected wherever it sits and the layer has 25 weights per feature map instead of
one per pixel and unit; max-pooling then forgives a displacement within its 2x2 window. A dense unit has a
separate weight for every pixel, so a digit moved by a few pixels lands on weights that never saw it.
"""

import statistics

from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._models import compiled, mlp, shift_images, small_cnn

ARMS = ("CNN", "MLP")
DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1))  # down, up, right, left


def shifted_accuracy(model, images, labels, pixels):
    """The test accuracy on ``images`` shifted by ``pixels`` whole pixels, averaged over the four directions
    (down, up, right, left); the plain accuracy at 0."""
    directions = DIRECTIONS if pixels else ((0, 0),)
    return statistics.fmean(model.evaluate(shift_images(images, rows * pixels, columns * pixels), labels,
                                           verbose=0)[1] for rows, columns in directions)


class ConvVsDense(Experiment):
    name = "conv-vs-dense"
    title = "Weight sharing: a small CNN vs a dense MLP on MNIST, and shifted test digits"
    number = 15
    lectures = ("004_9756b27e24fda56d.txt",)
    claim = ("Convolutional networks: It makes the backpropagation algorithm more efficient by using local "
             "features and weight sharing. This also achieves invariance, which is particularly important for "
             "image processing.")
    protocol = ("For each of 2 seeds, 20,000 MNIST training images drawn by the seed and the 10,000 test images. "
                "A CNN (Conv2D 8 5x5 ReLU, max-pool 2, Conv2D 16 5x5 ReLU, max-pool 2, softmax Dense 10) and a "
                "784-256-10 ReLU MLP, both trained with Adam (learning rate 0.001) in mini-batches of 32 for 8 "
                "epochs. Test accuracy on the test images shifted by 0-4 whole pixels (zero fill), averaged over "
                "shifts down, up, right and left. --quick: 1 seed, 1,000 training and 500 test images, 1 epoch.")
    criterion = ("In every seed: the CNN has fewer parameters, a higher accuracy on the unshifted test images, and "
                 "a smaller drop in accuracy from 0 to 4 pixels of shift than the MLP. Held if every seed shows all "
                 "three; did not hold if the CNN has more parameters or if, averaged over the seeds, its accuracy "
                 "is not higher or its drop not smaller; inconclusive otherwise (the seeds disagree).")
    minutes = 2

    def run(self, trial):
        seeds, train, test, epochs = trial.size((2, 20000, 10000, 8), (1, 1000, 500, 1))
        shifts = list(range(5))
        runs, parameters = [], {}
        for offset in trial.progress(range(seeds), "seeds"):
            (x, y), (x_test, y_test) = mnist(train=train, test=test, images=True, seed=trial.seed + offset)
            run = {"seed": trial.seed + offset}
            for arm in ARMS:
                trial.seeded(offset)
                model = compiled(small_cnn() if arm == "CNN" else mlp((256,), images=True))
                model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
                parameters[arm] = model.count_params()
                run[arm] = [shifted_accuracy(model, x_test, y_test, pixels) for pixels in shifts]
            runs.append(run)
        trial.table("accuracy", [{"seed": run["seed"], "network": arm, "parameters": parameters[arm],
                                  **{f"shift {pixels}": accuracy for pixels, accuracy in zip(shifts, run[arm])}}
                                 for run in runs for arm in ARMS],
                    caption="Test accuracy against the shift of the test digits (pixels, mean of 4 directions)")
        self._plot(trial, runs, shifts, parameters, x_test[0])
        return {"shifts": shifts, "parameters": parameters, "runs": runs}

    def _plot(self, trial, runs, shifts, parameters, digit):
        import matplotlib.pyplot as plt

        figure = plt.figure(figsize=(11, 4), layout="constrained")
        grid = figure.add_gridspec(2, len(shifts) + 1, width_ratios=[1] * len(shifts) + [len(shifts) * 1.3])
        for row, direction in enumerate(("down", "right")):
            for column, pixels in enumerate(shifts):
                ax = figure.add_subplot(grid[row, column])
                moves = (pixels, 0) if direction == "down" else (0, pixels)
                ax.imshow(shift_images(digit[None], *moves)[0, ..., 0], cmap="gray", vmin=0, vmax=1)
                ax.set(xticks=[], yticks=[], title=f"{pixels} px {direction}")
        curves = figure.add_subplot(grid[:, -1])
        for arm, color in zip(ARMS, ("tab:blue", "tab:orange")):
            for index, run in enumerate(runs):
                curves.plot(shifts, [100 * accuracy for accuracy in run[arm]], color=color, marker="o",
                            label=f"{arm} ({parameters[arm]:,} weights)" if index == 0 else None)
        curves.set(xlabel="shift of the test digits (pixels)", ylabel="test accuracy (%)", xticks=shifts,
                   title="accuracy under shifts (one line per seed)")
        curves.legend()
        trial.figure("shifts", figure, caption="Left: a test digit shifted down and right by 0-4 pixels; right: "
                     "test accuracy against the shift, averaged over the four directions.")

    def judge(self, numbers):
        parameters, runs = numbers["parameters"], numbers["runs"]

        def accuracy(arm):
            return [run[arm][0] for run in runs]

        def drop(arm):
            return [run[arm][0] - run[arm][-1] for run in runs]

        reason = (f"parameters CNN {parameters['CNN']:,} vs MLP {parameters['MLP']:,}; unshifted accuracy "
                  + ", ".join(f"{cnn:.2%} vs {dense:.2%}" for cnn, dense in zip(accuracy("CNN"), accuracy("MLP")))
                  + f"; drop at {numbers['shifts'][-1]} pixels "
                  + ", ".join(f"{cnn:.1%} vs {dense:.1%}" for cnn, dense in zip(drop("CNN"), drop("MLP"))))
        if (parameters["CNN"] >= parameters["MLP"]
                or statistics.fmean(accuracy("CNN")) <= statistics.fmean(accuracy("MLP"))
                or statistics.fmean(drop("CNN")) >= statistics.fmean(drop("MLP"))):
            return Verdict.of(False, reason)
        if (any(cnn <= dense for cnn, dense in zip(accuracy("CNN"), accuracy("MLP")))
                or any(cnn >= dense for cnn, dense in zip(drop("CNN"), drop("MLP")))):
            return Verdict(INCONCLUSIVE, reason + " (the seeds disagree)")
        return Verdict.of(True, reason)
