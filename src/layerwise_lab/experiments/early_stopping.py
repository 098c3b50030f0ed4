"""Early stopping picks the weights at the validation minimum of an over-trained network (lecture 002).

A network with far more weights than training images drives its training loss towards 0; past some epoch
its validation cross-entropy J_val(t) rises again (it grows confident on the images it gets wrong). The
weights at argmin_t J_val(t) generalize better than the final ones, and `EarlyStopping` with
``restore_best_weights`` finds them from the validation set alone, stopping ``patience`` epochs after it.
"""

import layerwise
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._models import compiled, mlp

RISE = 0.10  # a "clear rise": the final validation loss at least 10% above the minimum
RESTORED_TOLERANCE = 0.05  # restored weights "score the minimum": within 5% of the minimum validation loss


def train_twice(data, hidden, epochs, patience, batch_size=32, seed=0):
    """Train the MLP ``hidden`` twice from the same seed: for all ``epochs``, then with EarlyStopping(val_loss,
    ``patience``, restore_best_weights); return the first run's curves and both runs' test scores.

    Args:
        data: ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``.
        hidden: the hidden layer widths.
        epochs: the over-training budget (also the early-stopped run's limit).
        patience: epochs without a lower validation loss before stopping.
        batch_size: the mini-batch size.
        seed: the seed of both runs' initial weights and shuffling, so the stopped run retraces the first.
    """
    (x, y), validation, (x_test, y_test) = data
    stopper = layerwise.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    runs, histories = {}, {}
    for name, callbacks in (("over-trained", []), ("early-stopped", [stopper])):
        layerwise.utils.set_random_seed(seed)
        model = compiled(mlp(hidden))
        histories[name] = model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_data=validation,
                                    callbacks=callbacks, verbose=0)
        val_loss, _ = model.evaluate(*validation, verbose=0)
        test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
        runs[name] = {"val_loss": val_loss, "test_loss": test_loss, "test_accuracy": test_accuracy,
                      "epochs_run": len(histories[name].epoch)}
    runs["over-trained"]["curves"] = {key: histories["over-trained"].history[key] for key in ("loss", "val_loss")}
    runs["early-stopped"]["best_epoch"] = stopper.best_epoch + 1
    return runs


class EarlyStoppingExperiment(Experiment):
    name = "early-stopping"
    title = "Early stopping at the validation minimum of an over-trained MLP"
    number = 13
    lectures = ("002_18b815cf32b04ead.txt",)
    claim = ("Early Stopping: Stop learning before converging too much; Hard to determine the time to stop; "
             "Usually determined by validation dataset")
    protocol = ("For each of 3 seeds, 2,000 MNIST training images drawn by the seed, split into 1,000 for "
                "training and 1,000 for validation, and the 10,000 test images. A 784-512-512-10 ReLU MLP "
                "(~670,000 weights) trained with Adam (learning rate 0.001) in mini-batches of 32 for 100 "
                "epochs, validation cross-entropy after each epoch; then retrained from the same seed with "
                "EarlyStopping(monitor='val_loss', patience=10, restore_best_weights=True). Test cross-entropy "
                "and accuracy of the final over-trained weights and of the restored weights. --quick: 1 seed, "
                "200 + 200 images, 500 test images, a 784-64-64-10 MLP, 12 epochs, patience 3.")
    criterion = (f"For every seed: the over-trained run's validation loss has its minimum before the last epoch "
                 f"and ends at least {RISE:.0%} above it (a clear rise), the restored weights' validation loss is "
                 f"within {RESTORED_TOLERANCE:.0%} of that minimum, and their test loss is <= the over-trained "
                 "final test loss. Held if every seed satisfies all of it; did not hold if a seed with a clear "
                 "rise fails one of the two early-stopping conditions; inconclusive if some seed shows no clear "
                 "rise (the run did not overfit, so there was nothing to stop).")
    minutes = 1.5

    def run(self, trial):
        seeds, (train, validation, test), hidden, epochs, patience = trial.size(
            (3, (1000, 1000, 10000), (512, 512), 100, 10), (1, (200, 200, 500), (64, 64), 12, 3))
        results = []
        for offset in trial.progress(range(seeds), "seeds"):
            seed = trial.seeded(offset)
            (x, y), test_data = mnist(train=train + validation, test=test, seed=seed)
            data = ((x[:train], y[:train]), (x[train:], y[train:]), test_data)
            results.append({"seed": seed, **train_twice(data, hidden, epochs, patience, seed=seed)})
        rows = [{"seed": result["seed"], "weights": name, "epochs run": result[name]["epochs_run"],
                 "validation loss": result[name]["val_loss"], "test loss": result[name]["test_loss"],
                 "test accuracy": result[name]["test_accuracy"]}
                for result in results for name in ("over-trained", "early-stopped")]
        trial.table("scores", rows, caption=f"Over-trained ({epochs} epochs) vs restored early-stopped weights")
        self._plot(trial, results, epochs)
        return {"epochs": epochs, "patience": patience, "runs": results}

    def _plot(self, trial, results, epochs):
        import matplotlib.pyplot as plt
        from layerwise.plot import plot_history

        figure, axes = plt.subplots(1, len(results) + 1, figsize=(4.5 * (len(results) + 1), 3.8), layout="constrained")
        for ax, result in zip(axes, results):
            plot_history(result["over-trained"]["curves"], metrics=["loss"], ax=ax)
            stopped = result["early-stopped"]
            ax.axvline(stopped["best_epoch"], color="green", linestyle=":", label="restored epoch")
            ax.axvline(stopped["epochs_run"], color="red", linestyle="--", label="early-stopped run ends")
            ax.set(yscale="log", ylabel="cross-entropy" if ax is axes[0] else "",
                   title=f"seed {result['seed']}: {epochs} epochs")
            ax.legend(fontsize="small")
        names = ("over-trained", "early-stopped")
        width = 0.8 / len(names)
        for index, name in enumerate(names):
            axes[-1].bar([position + index * width for position in range(len(results))],
                         [result[name]["test_loss"] for result in results], width, label=name)
        axes[-1].set(xticks=[position + width / 2 for position in range(len(results))],
                     xticklabels=[f"seed {result['seed']}" for result in results], ylabel="test cross-entropy",
                     title="test loss of the final weights")
        axes[-1].legend(fontsize="small")
        trial.figure("curves", figure, caption="Training and validation loss of the over-trained run (log scale), "
                     "the epoch whose weights EarlyStopping restored and the last epoch it ran; right: test loss "
                     "of the over-trained and the restored weights.")

    def judge(self, numbers):
        verdicts, reasons = [], []
        for result in numbers["runs"]:
            curve = result["over-trained"]["curves"]["val_loss"]
            minimum = min(curve)
            best, rise = curve.index(minimum) + 1, curve[-1] / minimum - 1
            over, stopped = result["over-trained"], result["early-stopped"]
            restored_gap = stopped["val_loss"] / minimum - 1
            reasons.append(f"seed {result['seed']}: validation minimum {minimum:.3f} at epoch {best}/{len(curve)}, "
                           f"final {curve[-1]:.3f} (+{rise:.0%}); restored epoch {stopped['best_epoch']} "
                           f"(validation {stopped['val_loss']:.3f}), test loss {stopped['test_loss']:.3f} "
                           f"restored vs {over['test_loss']:.3f} over-trained")
            if best == len(curve) or rise < RISE:
                verdicts.append(INCONCLUSIVE)
            else:
                verdicts.append(restored_gap <= RESTORED_TOLERANCE and stopped["test_loss"] <= over["test_loss"])
        reason = "; ".join(reasons)
        if False in verdicts:
            return Verdict.of(False, reason)
        if INCONCLUSIVE in verdicts:
            return Verdict(INCONCLUSIVE, reason + " (no clear rise of the validation loss in some seed)")
        return Verdict.of(True, reason)
