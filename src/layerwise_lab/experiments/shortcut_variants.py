"""The identity shortcut trains a deep ResNet best; scaling it, convolving it or dropping it out does worse
(lecture 001, He et al. 2016, "Identity Mappings in Deep Residual Networks", Table 1).

Lecture 001's argument: with x_{l+1} = λ x_l + F_l(x_l) the signal from block l reaches block L multiplied by
λ^(L-l), which vanishes for λ < 1 in a deep stack; a 1x1 convolution or a dropout on the shortcut likewise
stands between the gradient and the early blocks, where the identity passes it on unchanged. All four
networks have the same residual branches and train on the same images for the same number of steps.
"""

from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import dataset
from layerwise_lab._resnets import percent, train_resnet

#: He et al.'s Table 1 (ResNet-110, CIFAR-10 test error %) for the variants the lecture shows, in its order;
#: the dropout shortcut "fails to converge" (the lecture: > 20%).
PAPER_TEST_ERROR = {"identity": 6.61, "scaling": 12.35, "projection": 12.22, "dropout": "> 20 (fails)"}
VARIANTS = tuple(PAPER_TEST_ERROR)
GAP = 0.01  # an ordering counts when the test errors differ by at least 1 point


class ShortcutVariants(Experiment):
    name = "shortcut-variants"
    title = "Shortcut variants: identity against 0.5 scaling, 1x1 convolution and dropout on the shortcut"
    number = 21
    lectures = ("001_9d6428fc0ed20444.txt",)
    claim = ("Consider non-identity shortcut = λx : $x_{l+1} = \\lambda x_l + F_l(x_l)$ [...] $\\lambda < 1$, "
             "vanishing gradients [...] ResNet-110 on CIFAR-10 $h(x) = x$ error: **6.6%** [...] (a) original "
             "$h(x) = 0.5x$ error: **12.4%** (b) constant scaling $h(x) = \\text{conv}(x)$ error: **12.2%** "
             "(e) conv shortcut $h(x) = \\text{dropout}(x)$ error: **> 20%** (f) dropout shortcut")
    protocol = ("He et al. trained ResNet-110 on CIFAR-10 (64,000 steps); here Fashion-MNIST by default "
                "(CIFAR-10 with --dataset cifar10; the networks take either image shape). 3,000 training images "
                "drawn by the seed and the 10,000 test images. ResNet-56 (resnet_cifar, 27 residual blocks, a "
                "quarter of He et al.'s filters: (4, 8, 16)) with four shortcuts h(x) on every block that keeps "
                "the shape: the identity x, 0.5 x, a 1x1 convolution + batch normalization, and dropout(x) at "
                "rate 0.5 (the two blocks that change shape keep the 1x1 projection in every variant, as in He "
                "et al.). Each trained by SGD with momentum 0.9 from learning rate 0.1, decayed by a cosine to "
                "0 (batch normalization with Torch's momentum), in mini-batches of 64 for 7 epochs (329 "
                "steps), one seed. Measured: the test error at the end (the paper's number), and the training "
                "error on a fixed 500 training images after every epoch. --quick: ResNet-14, 64 training "
                "images (all measured), 200 test images, 1 epoch.")
    criterion = (f"He et al.'s ordering of the test errors: held if the identity's is the lowest, at least "
                 f"{GAP * 100:.0f} point below each of scaling and projection, and dropout's the highest, at least "
                 f"{GAP * 100:.0f} point above each of them (a dropout run that diverges counts as the highest: "
                 "it failed to converge); did not hold if another variant's test error is at or below the "
                 "identity's, or dropout's is not the highest; inconclusive otherwise (the order right but a gap "
                 "under a point) or when the identity, scaling or projection run diverged.")
    minutes = 3.7
    datasets = ("fashion_mnist", "cifar10")

    def run(self, trial):
        depth, train, test, measured, epochs = trial.size((56, 3000, None, 500, 7), (14, 64, 200, 64, 1))
        data = dataset(trial.dataset, train=train, test=test, seed=trial.seed)
        filters = (4, 8, 16)
        results = {}
        for variant in VARIANTS:
            trial.seeded()
            results[variant] = train_resnet(trial, data, depth, epochs, 64, 0.1, filters, measured, variant,
                                            shortcut=variant)

        trial.table("errors", [
            {"shortcut h(x)": variant, "parameters": result["parameters"],
             "test error (%)": percent(result["test_error"]),
             "final training error (%)": percent(result["train_error"][-1]),
             "He et al. ResNet-110 CIFAR-10 test error (%)": PAPER_TEST_ERROR[variant],
             "training seconds": round(result["seconds"], 1)} for variant, result in results.items()],
            caption=f"ResNet-{depth}, filters {filters}, {trial.dataset}, {len(data[0][0])} training images, "
                    f"{epochs} epochs; training error on {measured} training images. He et al.'s numbers are "
                    "full-width ResNet-110s on CIFAR-10 after 64,000 steps.")
        self._plot(trial, results, depth)
        return {"dataset": trial.dataset, "depth": depth, "epochs": epochs, "filters": list(filters),
                "variants": results}

    def _plot(self, trial, results, depth):
        import matplotlib.pyplot as plt

        figure, (curves, bars) = plt.subplots(1, 2, figsize=(11, 4))
        for variant, result in results.items():
            curves.plot([None if error is None else 100 * error for error in result["train_error"]],
                        marker=".", label=variant)
        curves.set(xlabel="epoch", ylabel="training error (%)", title=f"ResNet-{depth}: training error")
        curves.legend(fontsize="small")
        ours = [100 * result["test_error"] if result["test_error"] is not None else float("nan")
                for result in results.values()]
        positions = range(len(results))
        bars.bar(positions, ours, color="tab:blue", label=f"ours (ResNet-{depth})")
        for position, value in zip(positions, ours):
            bars.annotate("diverged" if value != value else f"{value:.1f}", (position, 0 if value != value else value),
                          ha="center", va="bottom", fontsize="small")
        bars.set_xticks(list(positions), list(results))
        bars.set(ylabel="test error (%)", title="Final test error")
        trial.figure("shortcuts", figure, caption="Training error over epochs (left) and the final test error "
                     "(right) of the four shortcuts; He et al.'s ResNet-110 on CIFAR-10: identity 6.61%, 0.5 "
                     "scaling 12.35%, 1x1 convolution 12.22%, dropout fails to converge.")

    def judge(self, numbers):
        errors = {variant: result["test_error"] for variant, result in numbers["variants"].items()}
        reason = "test error: " + ", ".join(
            f"{variant} {'diverged' if error is None else f'{100 * error:.2f}%'}" for variant, error in errors.items())
        if any(errors[variant] is None for variant in VARIANTS[:-1]):
            return Verdict(INCONCLUSIVE, reason + " (a run other than dropout diverged)")
        identity, dropout = errors["identity"], errors["dropout"]
        middle = [errors["scaling"], errors["projection"]]
        dropout_worst = dropout is None or dropout > max(middle)
        if min(middle + ([] if dropout is None else [dropout])) <= identity or not dropout_worst:
            return Verdict.of(False, reason)
        if min(middle) - identity >= GAP and (dropout is None or dropout - max(middle) >= GAP):
            return Verdict.of(True, reason)
        return Verdict(INCONCLUSIVE, reason + f" (the order holds, but a gap is under {GAP * 100:.0f} point)")
