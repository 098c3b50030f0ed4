"""Greedy layer-wise pre-training gives a deep sigmoid network a better starting point than random initialization
when labels are few (lectures 002 and 004).

Each arm starts the same 784-500-500-500-10 sigmoid network from a different point and then fine-tunes it on the
same 1,000 labelled MNIST images with the same backpropagation budget: random (Glorot) weights; the hidden layers
pre-trained bottom up on 10,000 unlabelled images as autoencoders (plain, denoising, sparse) or RBMs (a deep
belief network); or pre-trained with the labels, each layer as the hidden layer of a depth-two network
(lecture 004's supervised version). The lectures present both versions as ways to a good starting point and do
not rank them, so how supervised pre-training compares with the unsupervised kinds (Bengio et al. 2007 found it
worse) is reported, not judged.

The sparse autoencoders' KL penalty is β Σ_j KL(ρ ‖ ρ̂_j) with ρ = 0.05 (Ng's notes) and β = 0.01: layerwise's
reconstruction loss is a mean over the inputs, so Ng's β = 3 on a summed loss is about 3/784 to 3/500 here (in a
pilot, β = 3 left the codes unable to reconstruct and the network unable to fine-tune; β = 0.01 gives codes of
mean activation ~0.07 with a few units on).
"""

import numpy as np

from layerwise import optimizers, regularizers
from layerwise.plot import plot_filters
from layerwise.pretraining import pretrain
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._mlp import fit_or_diverge
from layerwise_lab._models import mlp

RANDOM = "random init"
#: Each pre-trained arm: pretrain's method and the optimizer of its layers' training (Adam for the networks
#: trained by backpropagation; SGD with momentum for contrastive divergence, as Hinton's guide trains RBMs).
ARMS = {"stacked AE": ("autoencoder", lambda: optimizers.Adam(learning_rate=1e-3)),
        "stacked denoising AE": ("denoising", lambda: optimizers.Adam(learning_rate=1e-3)),
        "stacked sparse AE": ("sparse", lambda: optimizers.Adam(learning_rate=1e-3)),
        "RBMs (DBN)": ("rbm", lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9)),
        "supervised layer-wise": ("supervised", lambda: optimizers.Adam(learning_rate=1e-3))}
SPARSITY = dict(rho=0.05, beta=0.01)
#: Masking noise of the denoising autoencoders: the fraction of inputs set to 0.
CORRUPTION_LEVEL = 0.25
FILTERS = 8


def beats(arm_errors, random_errors):
    """Whether a start whose seeds reached test errors ``arm_errors`` beats random init's ``random_errors``:
    True if every seed's error is below random init's lowest, False if their mean is no lower than random
    init's mean, None (undecided) when the seeds overlap in between."""
    if max(arm_errors) < min(random_errors):
        return True
    if np.mean(arm_errors) >= np.mean(random_errors):
        return False
    return None


class GreedyPretraining(Experiment):
    name = "greedy-pretraining"
    title = "Greedy layer-wise pre-training (autoencoders, RBMs, supervised) against random init, few labels"
    number = 27
    lectures = ("002_18b815cf32b04ead.txt", "004_9756b27e24fda56d.txt")
    claim = ("Unsupervised pre-training: Greedy layer-wise training [...] Providing Good Initial Weights to the next "
             "supervised learning step [...] Types: Deep Belief Networks (DBN); Stacked Autoencoder (SA); Stacked "
             "Denoising Autoencoder (SdA); Sparse Autoencoder [002]. Layer-wise pre-training, to find a good "
             "starting point for training. [...] Supervised version: Train each layer of the DNN as if it was the "
             "hidden layer in a depth-two NN. [...] Direct application of the backpropagation algorithm to DNNs "
             "produces poor results. [...] Layer-wise pre-training: Heuristic weight initialization to alleviate "
             "the local optima problem. [004]")
    protocol = ("MNIST: 1,000 labelled training images, 10,000 unlabelled ones (the same draw, the labelled ones "
                "among them), the 10,000 test images. A 784-500-500-500-10 network of sigmoid hidden units and a "
                "softmax output, in six arms: random Glorot-uniform weights; or its three hidden layers pre-trained "
                "greedily, bottom up (layerwise.pretraining.pretrain), 10 epochs per layer in batches of 32 on the "
                "unlabelled images as tied-weight autoencoders with a cross-entropy reconstruction (plain; denoising, "
                "masking 25% of the inputs; sparse, KL penalty ρ = 0.05, β = 0.01), each by Adam (learning rate "
                "1e-3), or as RBMs by CD-1 with SGD (learning rate 0.1, momentum 0.9), or on the 1,000 labelled "
                "images as the hidden layer of a depth-two softmax network (supervised, Adam 1e-3). The output layer "
                "keeps its random weights. Every arm is then fine-tuned on the 1,000 labelled images by SGD "
                "(learning rate 0.1, momentum 0.9, batches of 32) for 80 epochs; test error. 3 seeds (weights, "
                "corruption and Gibbs sampling; the same images). --quick: 300 labelled and 1,000 unlabelled images "
                "(1,000 test), hidden layers of 64, 1 pre-training epoch per layer, 5 fine-tuning epochs, 1 seed.")
    criterion = ("An arm helps if each of its seeds' test errors is below the lowest of random init's; it does not "
                 "help if its mean test error is no lower than random init's mean. Held if all five pre-trained arms "
                 "(stacked, denoising and sparse autoencoders, RBMs, supervised layer-wise) help; did not hold if any "
                 "does not help; inconclusive otherwise (an arm better on average but with seeds overlapping random "
                 "init's) or when a fine-tuning run diverged.")
    minutes = 6

    def run(self, trial):
        labelled, unlabelled, width, epochs_per_layer, epochs, seeds = trial.size(
            (1000, 10000, 500, 10, 80, 3), (300, 1000, 64, 1, 5, 1))
        (x, y), (x_test, y_test) = mnist(train=unlabelled, test=trial.size(10000, 1000), seed=trial.seed)
        x_labelled, y_labelled = x[:labelled], y[:labelled]
        import matplotlib.pyplot as plt

        arms = (RANDOM, *ARMS)
        filters, filter_axes = plt.subplots(len(arms), FILTERS, figsize=(1.1 * FILTERS + 1.5, 1.25 * len(arms)))
        results = {arm: {"test_error": [], "train_error": [], "loss": []} for arm in arms}
        for arm, row in zip(trial.progress(arms, "arms"), filter_axes):
            for seed in range(seeds):
                layerwise_seed = trial.seeded(seed)
                model = mlp((width,) * 3, activation="sigmoid")
                model.compile(optimizer=optimizers.SGD(learning_rate=0.1, momentum=0.9),
                              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
                if arm in ARMS:
                    method, optimizer = ARMS[arm]
                    supervised = method == "supervised"
                    pretrain(model, x_labelled if supervised else x, method=method,
                             y=y_labelled if supervised else None, epochs_per_layer=epochs_per_layer, batch_size=32,
                             optimizer=optimizer(), corruption="masking", corruption_level=CORRUPTION_LEVEL,
                             sparsity=regularizers.KLSparsity(**SPARSITY), verbose=0, seed=layerwise_seed)
                if seed == 0:
                    plot_filters(model.layers[0], image_shape=(28, 28), max_filters=FILTERS, ax=row)
                    row[0].text(-0.2, 0.5, arm, transform=row[0].transAxes, ha="right", va="center", fontsize="small")
                history = fit_or_diverge(model, x_labelled, y_labelled, epochs=epochs, batch_size=32)
                measured = results[arm]
                if history is None:
                    measured["test_error"].append(None)
                    measured["train_error"].append(None)
                    continue
                measured["test_error"].append(1 - float(model.evaluate(x_test, y_test, verbose=0)[1]))
                measured["train_error"].append(1 - float(model.evaluate(x_labelled, y_labelled, verbose=0)[1]))
                if seed == 0:
                    measured["loss"] = [float(value) for value in history.history["loss"]]
        filters.suptitle("First hidden layer's first units before fine-tuning (seed 0)", y=1.0)
        trial.figure("first_layer_filters", filters, caption="Weights of the first hidden layer's first "
                     f"{FILTERS} units as 28x28 images, after pre-training and before fine-tuning (seed 0).")
        self._plot(trial, results, epochs)
        trial.table("test_error", [
            {"start": arm, "test error (mean)": _mean(result["test_error"]),
             "test error per seed": ", ".join("diverged" if error is None else f"{error:.4f}"
                                              for error in result["test_error"]),
             "training error (mean)": _mean(result["train_error"])} for arm, result in results.items()],
            caption=f"After fine-tuning on {labelled} labelled images for {epochs} epochs ({seeds} seed(s))")
        return {"random": RANDOM, "pretrained": list(ARMS), "seeds": seeds,
                "test_error": {arm: result["test_error"] for arm, result in results.items()},
                "train_error": {arm: result["train_error"] for arm, result in results.items()}}

    def _plot(self, trial, results, epochs):
        import matplotlib.pyplot as plt

        figure, (bars, curves) = plt.subplots(1, 2, figsize=(13, 4.5))
        arms = list(results)
        for index, arm in enumerate(arms):
            errors = [100 * error for error in results[arm]["test_error"] if error is not None]
            if errors:
                bars.bar(index, np.mean(errors), color="gray" if arm == RANDOM else f"C{index}", alpha=0.6)
                bars.plot([index] * len(errors), errors, "k.", markersize=8)
            if results[arm]["loss"]:
                curves.plot(range(1, epochs + 1), results[arm]["loss"], label=arm,
                            color="gray" if arm == RANDOM else f"C{index}")
        random_errors = [error for error in results[RANDOM]["test_error"] if error is not None]
        if random_errors:
            bars.axhline(100 * min(random_errors), color="gray", linestyle="--", label="random init's best seed")
            bars.legend(fontsize="small")
        bars.set_xticks(range(len(arms)), [arm.replace(" ", "\n", 1) for arm in arms], fontsize="small")
        bars.set(ylabel="test error (%)", title="Test error after fine-tuning (bar: mean; dots: seeds)")
        curves.set(yscale="log", xlabel="fine-tuning epoch", ylabel="training loss (labelled images)",
                   title="Fine-tuning from each start (seed 0)")
        curves.legend(fontsize="small")
        trial.figure("test_error", figure, caption="Test error of each start after the same fine-tuning, and its "
                                                   "training loss on the labelled images epoch by epoch.")

    def judge(self, numbers):
        errors = numbers["test_error"]
        reason = "test error (seed mean) " + ", ".join(f"{arm} {_mean(values):.2%}" if None not in values
                                                       else f"{arm} diverged" for arm, values in errors.items())
        if any(None in values for values in errors.values()):
            return Verdict(INCONCLUSIVE, reason + " (a fine-tuning run diverged)")
        better = {arm: beats(errors[arm], errors[numbers["random"]]) for arm in numbers["pretrained"]}
        if False in better.values():
            return Verdict.of(False, reason + " (no better than random init on average: "
                              + ", ".join(arm for arm, beat in better.items() if beat is False) + ")")
        if None in better.values():
            return Verdict(INCONCLUSIVE, reason + " (better on average but seeds overlapping random init's: "
                           + ", ".join(arm for arm, beat in better.items() if beat is None) + ")")
        return Verdict.of(True, reason + " (every pre-trained start beats every random-init seed)")


def _mean(values):
    """The mean of the measured values, or None when a run diverged."""
    return None if None in values else float(np.mean(values))
