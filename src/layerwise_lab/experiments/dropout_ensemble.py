"""Dropout as an ensemble: the weight-scaled network against an explicit average of its sub-networks
(lecture 003).

A net with n droppable units holds 2^n sub-networks that share weights; training with dropout trains a
different one on each mini-batch. Testing "with all the weights times 1 - p" stands for averaging them all.
Here the average is taken explicitly over sampled sub-networks (one fixed mask each, applied to every test
image), arithmetic (mean of probabilities) and geometric (normalized product of probabilities, i.e. the
softmax of the mean logits).

For one hidden layer the logits z = W_2 (h ⊙ m / q) + b_2 are linear in the mask m, so their mean over all
masks is exactly the weight-scaled net's logits and the geometric ensemble of all 2^n sub-networks *is* the
weight-scaled net; with K sampled sub-networks the mean logits then differ from the weight-scaled ones only
by sampling noise. Through a second ReLU the mean of the masks' logits is no longer the logits of the mean
weights: the rule is an approximation, and the difference has a bias beside the noise. `bias_ratio` tells
the two apart.
"""

import numpy as np

import layerwise
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._dropout import dropout_mlp, error, stochastic_passes

#: The two networks, by their number of hidden layers (all of the same width).
NETWORKS = {"one hidden layer": 1, "three hidden layers": 3}
#: |weight scaling - ensemble| in error counted as "approximates" (0.3 points), and as "does not" (0.6).
CLOSE, FAR = 0.003, 0.006
#: The range of `bias_ratio` (1 = sampling noise alone) that counts as "exact up to sampling noise".
EXACT = (0.5, 2.0)


def centered(logits):
    """Logits minus their mean over the classes (the part a softmax sees: log-probabilities up to a constant)."""
    return logits - logits.mean(axis=-1, keepdims=True)


def softmax(logits):
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def bias_ratio(sampled, scaled):
    """How far the mean of K sub-networks' logits lies from the weight-scaled logits, against sampling noise.

    With ``sampled`` (K, N, classes) and ``scaled`` (N, classes), both centered over the classes: the mean
    squared gap between the K-mean and ``scaled``, over the squared standard error of that mean
    (the sub-networks' variance / K). About 1 when ``scaled`` is the expectation of the sub-networks' logits
    (only noise separates them); much more than 1 when it is biased.
    """
    sampled, scaled = centered(np.asarray(sampled, dtype=np.float64)), centered(np.asarray(scaled, dtype=np.float64))
    gap = np.mean((sampled.mean(axis=0) - scaled) ** 2)
    noise = np.mean(sampled.var(axis=0, ddof=1)) / len(sampled)
    return float(gap / noise)


def ensemble_errors(logits, labels, counts):
    """{"arithmetic": [...], "geometric": [...]}: the error of the first k sub-networks' average for each k
    in ``counts``; arithmetic averages their probabilities, geometric their log-probabilities."""
    logits = np.asarray(logits, dtype=np.float64)
    probabilities = np.cumsum(softmax(logits), axis=0)
    mean_logits = np.cumsum(logits, axis=0)
    return {"arithmetic": [error(probabilities[k - 1], labels) for k in counts],
            "geometric": [error(mean_logits[k - 1], labels) for k in counts]}


class DropoutEnsemble(Experiment):
    name = "dropout-ensemble"
    title = "Dropout is a kind of ensemble: the weight-scaled net against an explicit average of sub-networks"
    number = 26
    lectures = ("003_177acb73fe647277.txt",)
    claim = ("DROPOUT IS A KIND OF ENSEMBLE. [...] Train a bunch of networks with different structures [...] "
             "Using one mini-batch to train one network - Some parameters in the network are shared [...] Testing "
             "of Dropout [...] No dropout - If the dropout rate at training is $p\\%$, all the weights times "
             "$1 - p\\%$")
    protocol = ("MNIST, all 60,000 training images: a 784-512-10 and a 784-512-512-512-10 ReLU MLP with dropout "
                "(p = 0.5) after each hidden layer (none on the inputs, so that the one-layer net's logits are linear "
                "in its mask), trained on logits by Adam (learning rate 1e-3, batches of 128) for 10 epochs. On the "
                "first 5,000 test images: the weight-scaled net (the inference pass) and 128 sampled sub-networks "
                "(one mask per sub-network, shared by all test images); each sub-network's error, the errors of "
                "the arithmetic (mean probabilities) and geometric (softmax of mean logits) averages of the first "
                "k = 1, 2, 4, ..., 128, the agreement of the weight-scaled net's class with the geometric "
                "ensemble's, and `bias_ratio` of the sub-networks' logits against the weight-scaled ones. --quick: "
                "2,000 training and 500 test images, widths 64, 2 epochs, 16 sub-networks.")
    criterion = ("For both nets: (a) the arithmetic and the geometric ensembles of the 128 sub-networks err less "
                 "than the median sub-network; (b) the weight-scaled net errs less than the median sub-network and "
                 "within 0.3 points of both ensembles. (c) For the one-hidden-layer net the weight-scaled logits are "
                 "the sub-networks' mean up to sampling noise: bias_ratio within [0.5, 2] (the deep net's is "
                 "reported). Held if (a), (b) and (c) hold. Inconclusive if only (b) fails and the weight-scaled "
                 "net stays within 0.6 points of both ensembles. Did not hold otherwise.")
    minutes = 1

    def run(self, trial):
        width, train, test, epochs, count = trial.size((512, 60000, 5000, 10, 128), (64, 2000, 500, 2, 16))
        (x, y), (x_test, y_test) = mnist(train=train, test=test, seed=trial.seed)
        counts = [2 ** power for power in range(int(np.log2(count)) + 1)]
        results = {}
        for offset, (name, depth) in enumerate(NETWORKS.items()):
            trial.seeded(offset)
            model = dropout_mlp((width,) * depth, rate=0.5, output_activation=None)
            model.compile(optimizer=layerwise.optimizers.Adam(learning_rate=1e-3),
                          loss=layerwise.losses.SparseCategoricalCrossentropy(from_logits=True))
            model.fit(x, y, epochs=epochs, batch_size=128, verbose=0)
            twin = dropout_mlp((width,) * depth, rate=0.5, output_activation=None, sub_networks=True)
            twin.set_weights(model.get_weights())
            scaled = model.predict(x_test, batch_size=1000, verbose=0)
            sampled = stochastic_passes(twin, x_test, count, lambda it: trial.progress(it, name))
            members = [error(logits, y_test) for logits in sampled]
            ensembles = ensemble_errors(sampled, y_test, counts)
            results[name] = {
                "weight_scaling": error(scaled, y_test), "members": members,
                "member_median": float(np.median(members)), "arithmetic": ensembles["arithmetic"][-1],
                "geometric": ensembles["geometric"][-1], "curves": ensembles, "counts": counts,
                "agreement": float(np.mean(np.argmax(scaled, -1) == np.argmax(sampled.mean(axis=0), -1))),
                "bias_ratio": bias_ratio(sampled, scaled)}
        trial.table("ensembles", [
            {"network": name, "weight scaling": result["weight_scaling"], "geometric ensemble": result["geometric"],
             "arithmetic ensemble": result["arithmetic"], "median sub-network": result["member_median"],
             "best sub-network": min(result["members"]), "worst sub-network": max(result["members"]),
             "agreement (weight scaling, geometric)": result["agreement"], "bias ratio": result["bias_ratio"]}
            for name, result in results.items()],
            caption=f"Test errors on {test:,} MNIST images, ensembles of {count} sub-networks")
        self._plot(trial, results)
        return results

    def _plot(self, trial, results):
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(1, len(results), figsize=(6 * len(results), 4.2), sharey=True)
        for ax, (name, result) in zip(axes, results.items()):
            counts = result["counts"]
            for mean, marker in (("geometric", "o"), ("arithmetic", "s")):
                ax.plot(counts, [100 * e for e in result["curves"][mean]], marker=marker, label=f"{mean} ensemble")
            ax.axhline(100 * result["weight_scaling"], color="black", linestyle="--", label="weight-scaled net")
            ax.scatter(np.ones(len(result["members"])), [100 * e for e in result["members"]], color="gray",
                       alpha=0.3, s=12, label="single sub-networks")
            ax.set(xscale="log", xlabel="sub-networks averaged k", ylabel="test error (%)",
                   title=f"{name} (bias ratio {result['bias_ratio']:.1f})")
            ax.legend(fontsize="small")
        trial.figure("ensemble_vs_weight_scaling", figure,
                     caption="Test error of the average of k sampled sub-networks (fixed masks), of each "
                             "sub-network alone, and of the weight-scaled network.")

    def judge(self, numbers):
        parts, gaps = {"a": True, "b": True}, []
        reasons = []
        for name, result in numbers.items():
            median, scaled = result["member_median"], result["weight_scaling"]
            gap = max(abs(scaled - result["geometric"]), abs(scaled - result["arithmetic"]))
            gaps.append(gap)
            parts["a"] &= max(result["geometric"], result["arithmetic"]) < median
            parts["b"] &= scaled < median and gap <= CLOSE
            reasons.append(f"{name}: weight scaling {scaled:.2%}, geometric {result['geometric']:.2%}, arithmetic "
                           f"{result['arithmetic']:.2%}, median sub-network {median:.2%}, bias ratio "
                           f"{result['bias_ratio']:.2f}")
        ratio = numbers["one hidden layer"]["bias_ratio"]
        parts["c"] = EXACT[0] <= ratio <= EXACT[1]
        failed = [part for part, ok in parts.items() if not ok]
        reason = "; ".join(reasons) + (f" (fails {', '.join(failed)})" if failed else "")
        if failed == ["b"] and max(gaps) <= FAR and all(r["weight_scaling"] < r["member_median"]
                                                        for r in numbers.values()):
            return Verdict(INCONCLUSIVE, reason)
        return Verdict.of(not failed, reason)
