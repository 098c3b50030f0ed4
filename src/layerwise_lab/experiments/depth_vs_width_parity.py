"""n-bit parity: how many units a shallow and a deep network need as n grows (lectures 000, 002, 004).

Lecture 000 says shallow networks need exponentially more hidden units than deep ones for
y = x_1 ⊕ ... ⊕ x_n; lecture 002 cites Håstad (parity needs exponentially many nodes with one layer fewer).
Håstad's bound is for AND/OR circuits, where a depth-two circuit (a DNF) needs 2^(n-1) terms. A hidden layer
of threshold units is stronger: h_k = step(sum_i x_i - k + 1/2), k = 1..n, counts the ones, and
y = h_1 - h_2 + h_3 - ... is their parity, so n units are enough. The experiment measures what training
finds: for each n the smallest width at which a one-hidden-layer and a three-hidden-layer tanh network
fit all 2^n patterns, and builds the n-unit construction as a check.
"""

import numpy as np

import layerwise
from layerwise import layers
from layerwise.datasets.toy import parity
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._constructed import dense_network

#: The widths tried, in order; a search that fits with none of them is censored.
WIDTHS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 48, 64)
DEEP_LAYERS = 3  # log2 of the largest n: the depth of a tree of XORs over 8 bits
#: Slope of log2(shallow width) on n: 1 for the 2^(n-1) of a DNF, about 0.32 for the width n of the
#: construction over n = 2..8; the midway 2/3 separates exponential from linear growth.
EXPONENTIAL_SLOPE = 2 / 3
CHECK_EVERY = 250  # steps between the accuracy checks that stop a run as soon as it fits


def parity_data(n_bits):
    """All 2^n bit strings as centred inputs 2x - 1 (tanh units like zero-mean inputs) and their parity."""
    x, y = parity(n_bits)
    return 2 * x - 1, y


def parity_network(n_bits, width, depth):
    """n → ``depth`` hidden tanh layers of ``width`` units → one sigmoid unit."""
    return layerwise.Sequential([layerwise.Input(shape=(n_bits,))]
                                + [layers.Dense(width, activation="tanh") for _ in range(depth)]
                                + [layers.Dense(1, activation="sigmoid")])


def fits_parity(model, x, y, steps, learning_rate=0.01):
    """Train ``model`` full-batch with Adam on the cross-entropy for up to ``steps`` steps; whether it ever
    classifies all patterns right (checked every `CHECK_EVERY` steps)."""
    model.compile(optimizer=layerwise.optimizers.Adam(learning_rate=learning_rate), loss="binary_crossentropy")
    for _ in range(max(steps // CHECK_EVERY, 1)):
        model.fit(x, y, epochs=CHECK_EVERY, batch_size=len(x), verbose=0)
        if np.array_equal(model.predict(x, batch_size=len(x), verbose=0).ravel() > 0.5, y == 1):
            return True
    return False


def constructed_parity(n_bits):
    """The one-hidden-layer network of n step units that computes n-bit parity of 0/1 inputs exactly."""
    counts = np.arange(1, n_bits + 1)
    return dense_network(n_bits, [(np.ones((n_bits, n_bits)), 0.5 - counts, "step"),
                                  ((-1.0) ** (counts[:, None] + 1), np.zeros(1), None)])


def constructed_accuracy(n_bits):
    """The fraction of the 2^n patterns on which `constructed_parity` outputs the parity bit."""
    x, y = parity(n_bits)
    return float(np.mean(constructed_parity(n_bits).predict(x, verbose=0).ravel() == y))


class DepthVsWidthParity(Experiment):
    name = "depth-vs-width-parity"
    title = "Depth against width on n-bit parity"
    number = 4
    lectures = ("000_6a85cdb6fa74c7e4.txt", "002_18b815cf32b04ead.txt", "004_9756b27e24fda56d.txt")
    claim = ("There are functions you can compute with a deep neural network that shallow networks require "
             "exponentially more hidden units to compute. The following function is more efficient to implement "
             r"using a deep neural network: $y = x_1 \oplus x_2 \oplus x_3 \oplus \cdots \oplus x_n$")
    protocol = ("n-bit parity for n = 2..8, all 2^n patterns (layerwise.datasets.toy.parity, inputs 2x - 1). "
                f"Shallow: one tanh hidden layer; deep: {DEEP_LAYERS} tanh hidden layers of equal width; sigmoid "
                f"output, full-batch Adam (learning rate 0.01) on the cross-entropy for up to 3,000 steps, stopped "
                f"once all patterns are right. For each n the widths {', '.join(map(str, WIDTHS))} are tried in "
                "order from the previous n's answer (the smallest width cannot shrink as n grows: fixing one input "
                "turns an (n+1)-bit solution into an n-bit one), 3 restarts each; the first width with a run at "
                "100% training accuracy is the answer. A one-hidden-layer network of n step units built with "
                "set_weights checks that n units suffice. --quick: n = 2..4, 1 restart, 500 steps.")
    criterion = ("Fit the slope of log2(smallest shallow width) on n. Inconclusive if a search finds no width "
                 "(censored); did not hold if the slope is below 2/3 (the shallow width does not grow "
                 "exponentially: 2^(n-1) units give slope 1, n units about 0.32) or if at the largest n the deep "
                 "network needs at least as many parameters as the shallow one; held otherwise.")
    minutes = 1

    def run(self, trial):
        bits = trial.size(range(2, 9), range(2, 5))
        restarts, steps = trial.size((3, 3000), (1, 500))
        found = {"shallow": {}, "deep": {}}
        for arm, depth in (("shallow", 1), ("deep", DEEP_LAYERS)):
            start = 0
            for n in trial.progress(bits, arm):
                for position in range(start, len(WIDTHS)):
                    if any(self._fits(trial, n, WIDTHS[position], depth, restart, steps, found[arm])
                           for restart in range(restarts)):
                        start = position
                        break
                else:
                    break  # censored: larger n would need at least this much
        constructed = {n: constructed_accuracy(n) for n in bits}
        rows = [{"n": n, "shallow width": found["shallow"].get(n, {}).get("width"),
                 "shallow params": found["shallow"].get(n, {}).get("params"),
                 "deep width": found["deep"].get(n, {}).get("width"),
                 "deep params": found["deep"].get(n, {}).get("params"),
                 "constructed shallow width": n, "constructed accuracy": constructed[n]} for n in bits]
        trial.table("smallest_networks", rows, caption="Smallest widths (from the ladder) that fit n-bit parity")
        numbers = {"bits": list(bits), "constructed_accuracy": [constructed[n] for n in bits],
                   **{f"{arm}_{key}": [found[arm].get(n, {}).get(key) for n in bits]
                      for arm in found for key in ("width", "params")}}
        self._plot(trial, numbers)
        return numbers

    def _fits(self, trial, n, width, depth, restart, steps, found):
        """One training run; records the width and parameter count in ``found[n]`` when it fits."""
        trial.seeded(100000 * depth + 1000 * n + 10 * WIDTHS.index(width) + restart)
        model = parity_network(n, width, depth)
        if fits_parity(model, *parity_data(n), steps):
            found[n] = {"width": width, "params": model.count_params()}
            return True
        return False

    def _plot(self, trial, numbers):
        import matplotlib.pyplot as plt

        bits = np.array(numbers["bits"])
        figure, (units, params) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
        units.plot(bits, numbers["shallow_width"], marker="o", label="shallow: trained (1 layer)")
        deep = [None if width is None else DEEP_LAYERS * width for width in numbers["deep_width"]]
        units.plot(bits, deep, marker="s", label=f"deep: trained ({DEEP_LAYERS} layers, all units)")
        units.plot(bits, bits, linestyle=":", color="gray", label="shallow: constructed, n step units")
        units.plot(bits, 2.0 ** (bits - 1), linestyle="--", color="black", label="2^(n-1): a DNF's terms")
        units.set(yscale="log", xlabel="n bits", ylabel="hidden units", title="Smallest network fitting n-bit parity")
        units.legend(fontsize="small")
        params.plot(bits, numbers["shallow_params"], marker="o", label="shallow (1 hidden layer)")
        params.plot(bits, numbers["deep_params"], marker="s", label=f"deep ({DEEP_LAYERS} hidden layers)")
        params.set(yscale="log", xlabel="n bits", ylabel="parameters", title="Parameters of the smallest trained fit")
        params.legend(fontsize="small")
        for ax in (units, params):  # whole bits on x; plain numbers at the powers of 2 on the log axis
            ax.minorticks_off()
            ax.set_xticks(bits)
            low, high = np.log2(ax.get_ylim())
            ticks = 2 ** np.arange(int(np.ceil(low)), int(high) + 1)
            ax.set_yticks(ticks, [str(tick) for tick in ticks])
        trial.figure("parity", figure, caption="Hidden units (left) and parameters (right) of the smallest trained "
                                               "networks that fit all 2^n patterns, against n; log scale.")

    def judge(self, numbers):
        bits, shallow, deep = numbers["bits"], numbers["shallow_width"], numbers["deep_width"]
        if None in shallow:
            return Verdict(INCONCLUSIVE, f"no shallow width up to {WIDTHS[-1]} fit n = {bits[shallow.index(None)]} "
                                         "bits, so its growth is not measured")
        slope = float(np.polyfit(bits, np.log2(shallow), 1)[0])
        reason = (f"shallow widths {shallow} for n = {bits[0]}..{bits[-1]}: log2 slope {slope:.2f} "
                  f"(2^(n-1) units: 1; n units over n = 2..8: 0.32; threshold {EXPONENTIAL_SLOPE:.2f})")
        if slope < EXPONENTIAL_SLOPE:
            return Verdict.of(False, reason)
        if None in deep:
            return Verdict(INCONCLUSIVE,
                           reason + f"; no deep width up to {WIDTHS[-1]} fit n = {bits[deep.index(None)]}")
        shallow_params, deep_params = numbers["shallow_params"][-1], numbers["deep_params"][-1]
        return Verdict.of(deep_params < shallow_params,
                          reason + f"; at n = {bits[-1]} deep {deep_params} vs shallow {shallow_params} parameters")
