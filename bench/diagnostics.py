"""What the diagnostics callbacks cost, and what they show: one command.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/diagnostics.py

1. Overhead: one MNIST epoch (60,000 images) of a 784-1024-1024-10 ReLU MLP (SGD 0.1, batch 128, float32)
   without diagnostics and with all four left on as one would leave them on: GradientFlow every 50 batches,
   DeadUnits and ActivationStats on a 1,000-image probe at each epoch's end, WeightStats. The two arms
   alternate over ``--repeats`` rounds in one process and the medians are compared (issue 22: under 10%),
   and the time spent inside the callbacks' hooks is measured directly, which a noisy machine cannot blur.
2. Dead units (lecture 002: "as much as 40% of your network can be dead"): the same network trained for one
   epoch with sane learning rates and with too large ones (SGD, SGD with momentum, Adam); DeadUnits reports,
   per hidden layer, the fraction of ReLUs no test image switches on, and apart from it the fraction of zero
   activations (sparsity).
"""

import argparse
import statistics
import time

from _clock import Clock
from _environment import report_environment
import layerwise
from layerwise.diagnostics import ActivationStats, DeadUnits, GradientFlow, WeightStats
from layerwise.errors import DivergenceError
from layerwise.layers import Dense
from layerwise.optimizers import SGD, Adam


HOOKS = ("on_train_begin", "on_epoch_begin", "on_train_batch_begin", "on_train_batch_end", "on_epoch_end")


def mnist():
    (x, y), (x_test, _) = layerwise.datasets.mnist.load_data()
    return x.reshape(-1, 784).astype("float32") / 255, y, x_test.reshape(-1, 784).astype("float32") / 255


def network(optimizer):
    model = layerwise.Sequential([layerwise.Input(shape=(784,)), Dense(1024, activation="relu", name="hidden_1"),
                                  Dense(1024, activation="relu", name="hidden_2"), Dense(10, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def overhead(repeats):
    x, y, x_test = mnist()
    probe = x_test[:1000]
    seconds, inside = {"without": [], "with": []}, []
    for _ in range(repeats):
        for arm in seconds:
            layerwise.utils.set_random_seed(0)
            model = network(SGD(0.1))
            callbacks = [GradientFlow(every=50), DeadUnits(probe), ActivationStats(probe), WeightStats()] \
                if arm == "with" else []
            clock = Clock()
            for callback in callbacks:
                for hook in HOOKS:
                    setattr(callback, hook, clock.wrap(type(callback).__name__, getattr(callback, hook), ""))
            start = time.perf_counter()
            model.fit(x, y, epochs=1, batch_size=128, verbose=0, callbacks=callbacks)
            seconds[arm].append(time.perf_counter() - start)
            if arm == "with":
                inside.append(sum(clock.seconds.values()))
    without, with_ = statistics.median(seconds["without"]), statistics.median(seconds["with"])
    print(f"\n[overhead] MNIST epoch, 784-1024-1024-10 ReLU, batch 128, median of {repeats} interleaved rounds")
    print(f"  without diagnostics {without:6.2f} s   ({', '.join(f'{s:.2f}' for s in seconds['without'])})")
    print(f"  with all four       {with_:6.2f} s   ({', '.join(f'{s:.2f}' for s in seconds['with'])})")
    print(f"  overhead {100 * (with_ / without - 1):+.1f}% (issue 22: under 10%); this machine's epoch varies more "
          "than that from round to round, so also:")
    print(f"  time inside the diagnostics' hooks {statistics.median(inside):.3f} s = "
          f"{100 * statistics.median(inside) / without:.1f}% of the epoch without them")


#: (label, optimizer): sane learning rates, then too large ones.
DEAD_UNIT_RUNS = (("SGD 0.1", lambda: SGD(0.1)), ("Adam 0.001", lambda: Adam(0.001)),
                  ("SGD 0.3, momentum 0.9", lambda: SGD(0.3, momentum=0.9)), ("Adam 0.01", lambda: Adam(0.01)),
                  ("Adam 0.05", lambda: Adam(0.05)), ("SGD 2.0", lambda: SGD(2.0)))


def dead_units():
    x, y, x_test = mnist()
    print("\n[dead units] one MNIST epoch, 784-1024-1024-10 ReLU, batch 128, probe: 10,000 test images")
    for label, optimizer in DEAD_UNIT_RUNS:
        layerwise.utils.set_random_seed(0)
        model = network(optimizer())
        try:
            history = model.fit(x, y, epochs=1, batch_size=128, verbose=0, callbacks=[DeadUnits(x_test)])
        except DivergenceError as error:
            print(f"  {label:<22} diverged: {error}")
            continue
        logs = {key: values[-1] for key, values in history.history.items()}
        print(f"  {label:<22} accuracy {logs['accuracy']:.3f}; " + "; ".join(
            f"{name}: dead {100 * logs[f'dead_fraction/{name}']:.1f}%, sparsity {100 * logs[f'sparsity/{name}']:.1f}%"
            for name in ("hidden_1", "hidden_2")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    report_environment()
    overhead(arguments.repeats)
    dead_units()


if __name__ == "__main__":
    main()
