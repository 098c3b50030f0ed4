"""A deeper plain network trains worse; a deeper ResNet does not (lectures 000 and 001, He et al. 2015).

The degradation is an optimization problem, not overfitting: plain-56 contains plain-20 (36 extra layers that
could be identities) yet reaches a higher *training* error. With shortcuts the extra blocks start near the
identity (x_{l+1} = x_l + F_l(x_l)) and the same depth no longer hurts. The four networks differ only in depth
and in the shortcuts; each trains on the same images for the same number of steps.
"""

import statistics

from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import dataset
from layerwise_lab._resnets import percent, train_resnet

#: He et al. 2015, CIFAR-10 test error (%) of the ResNets (Table 6); the plain networks' only in Figure 6.
PAPER_TEST_ERROR = {"ResNet-20": 8.75, "ResNet-56": 6.97}
DEGRADED = 0.02  # plain-56's final training error above plain-20's by at least 2 points: the degradation
NO_WORSE, WORSE = 0.01, 0.02  # ResNet-56 vs ResNet-20: "no worse" within 1 point; worse beyond 2 points


def networks(shallow, deep):
    """The four networks' names with their depth and whether they are plain, in the order of He et al.'s
    Figure 6 (plain left, residual right)."""
    return {f"{kind}-{depth}": (depth, kind == "plain") for kind in ("plain", "ResNet") for depth in (shallow, deep)}


class Degradation(Experiment):
    name = "degradation"
    title = "Degradation: plain-56 trains worse than plain-20, ResNet-56 does not train worse than ResNet-20"
    number = 20
    lectures = ("000_6a85cdb6fa74c7e4.txt", "001_9d6428fc0ed20444.txt")
    claim = ("Figure 1. Training error (left) and test error (right) on CIFAR-10 with 20-layer and 56-layer "
             "\"plain\" networks. The deeper network has higher training error, and thus test error. [...] "
             "Figure 6. Training on CIFAR-10. Dashed lines denote training error, and bold lines denote testing "
             "error. Left: plain networks. [...] Middle: ResNets. [...] Even with good initialization and BN, "
             "stacking more than 20 layers will make the network very hard to train. [...] let extra layers be "
             "identity mapping - no worse training accuracy")
    protocol = ("He et al. trained on CIFAR-10 (50,000 images, 64,000 steps); here Fashion-MNIST by default "
                "(CIFAR-10 with --dataset cifar10; the networks take either image shape). 5,000 training images "
                "drawn by the seed and the 10,000 test images. He et al.'s CIFAR networks (resnet_cifar: 3x3 "
                "convolutions + batch normalization, 3 stages, global average pooling) with a quarter of their "
                "filters, (4, 8, 16) instead of (16, 32, 64), so four of them train on two cores: plain-20, "
                "plain-56 (no shortcuts) and ResNet-20, ResNet-56 (identity shortcuts, 1x1 projections where a "
                "stage changes shape), batch normalization with Torch's momentum. Each is trained by He et al.'s "
                "SGD with momentum 0.9 from learning rate 0.1, decayed by a cosine to 0, in mini-batches of 64 "
                "for 10 epochs (790 steps), one seed. Measured: the training error on a fixed 1,000 of the "
                "training images before and after every epoch (in inference mode), and the test error at the "
                "end. --quick: depths 8 and 14 instead of 20 and 56, 64 training images (all measured), 200 "
                "test images, 1 epoch.")
    criterion = (f"On the final training errors: held if plain-56's is above plain-20's by at least "
                 f"{DEGRADED * 100:.0f} points (the degradation) and ResNet-56's is at most "
                 f"{NO_WORSE * 100:.0f} point above ResNet-20's (depth does not hurt with shortcuts); did not "
                 f"hold if plain-56's is not above plain-20's, or ResNet-56's is more than {WORSE * 100:.0f} "
                 "points above ResNet-20's; inconclusive otherwise (a gap too small to call) or when a run "
                 "diverged.")
    minutes = 5.5
    datasets = ("fashion_mnist", "cifar10")

    def run(self, trial):
        (shallow, deep), train, test, measured, epochs = trial.size(((20, 56), 5000, None, 1000, 10),
                                                                    ((8, 14), 64, 200, 64, 1))
        data = dataset(trial.dataset, train=train, test=test, seed=trial.seed)
        filters = (4, 8, 16)
        results = {}
        for name, (depth, plain) in networks(shallow, deep).items():
            trial.seeded()
            results[name] = train_resnet(trial, data, depth, epochs, 64, 0.1, filters, measured, name, plain=plain)

        trial.table("errors", [
            {"network": name, "parameters": result["parameters"],
             "final training error (%)": percent(result["train_error"][-1]),
             "mean training error over epochs (%)": percent(mean_after_start(result["train_error"])),
             "test error (%)": percent(result["test_error"]),
             "He et al. CIFAR-10 test error (%)": PAPER_TEST_ERROR.get(name, "higher than ResNet (Fig. 6)"),
             "training seconds": round(result["seconds"], 1)} for name, result in results.items()],
            caption=f"{trial.dataset}, {len(data[0][0])} training images, {epochs} epochs, filters {filters}; "
                    f"training error on {measured} training images. He et al.'s numbers are full-width networks "
                    "on CIFAR-10 after 64,000 steps.")
        self._plot(trial, results, epochs)
        return {"dataset": trial.dataset, "depths": [shallow, deep], "epochs": epochs, "filters": list(filters),
                "networks": results}

    def _plot(self, trial, results, epochs):
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
        for ax, kind in zip(axes, ("plain", "ResNet")):
            for (name, result), color in zip(((name, result) for name, result in results.items()
                                              if name.startswith(kind)), ("tab:orange", "tab:red")):
                errors = [None if error is None else 100 * error for error in result["train_error"]]
                ax.plot(range(len(errors)), errors, linestyle="--", color=color, label=f"{name} training")
                if result["test_error"] is not None:
                    ax.plot([epochs], [100 * result["test_error"]], marker="o", color=color, linestyle="none",
                            label=f"{name} test (end)")
            ax.set(xlabel="epoch", ylabel="error (%)", title=f"{kind} networks")
            ax.legend(fontsize="small")
        trial.figure("training_error", figure, caption="Training error over epochs (dashed, as in He et al.'s "
                     "Figure 6) and the final test error (dots): plain networks left, ResNets right.")

    def judge(self, numbers):
        shallow, deep = numbers["depths"]
        final = {name: numbers["networks"][name]["train_error"][-1] for name in networks(shallow, deep)}
        reason = "final training error: " + ", ".join(
            f"{name} {'diverged' if error is None else f'{100 * error:.2f}%'}" for name, error in final.items())
        if any(error is None for error in final.values()):
            return Verdict(INCONCLUSIVE, reason + " (a run diverged)")
        degradation = final[f"plain-{deep}"] - final[f"plain-{shallow}"]
        residual = final[f"ResNet-{deep}"] - final[f"ResNet-{shallow}"]
        reason += (f"; plain-{deep} minus plain-{shallow} {100 * degradation:+.2f} points, ResNet-{deep} minus "
                   f"ResNet-{shallow} {100 * residual:+.2f} points")
        if degradation <= 0 or residual > WORSE:
            return Verdict.of(False, reason)
        if degradation >= DEGRADED and residual <= NO_WORSE:
            return Verdict.of(True, reason)
        return Verdict(INCONCLUSIVE, reason)


def mean_after_start(errors):
    """The mean of a training-error curve after epoch 0 (how fast the network trained, not just where it
    ended), or None if the run diverged."""
    trained = errors[1:]
    return None if any(error is None for error in trained) else statistics.fmean(trained)
