"""Greedy layer-wise pre-training on MNIST against the references, in one command.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/pretraining.py [--part rbm|dbn|sda|all]

1. rbm: layerwise's BernoulliRBM against scikit-learn's BernoulliRBM on binarized MNIST (60,000 images), in
   the same run, at the same hyperparameters: 256 hidden units, PCD (scikit-learn's algorithm), learning
   rate 0.05, batch 10, 5 epochs. Printed: seconds per epoch, and the test images' pseudo-log-likelihood
   of each model, both by scikit-learn's estimator (`score_samples`, our weights loaded into a copy of
   its model, so the two numbers come from one formula) and by ours.
2. dbn: the deep belief network of the deeplearning.net tutorial (784-1000-1000-1000-10, CD-1; test error
   1.34% there): RBMs pre-trained greedily (learning rate 0.01, batch 10), unrolled into a sigmoid network
   and fine-tuned with SGD 0.1, batch 10, on 50,000 images, keeping the weights of the best validation
   error on the other 10,000 (as the tutorial), within a wall-time budget (default 30 minutes).
3. sda: the tutorial's stacked denoising autoencoder (same network, masking corruption 0.1/0.2/0.3, tied
   weights, cross-entropy; 1.3% there), pre-trained with `pretrain(method="denoising")`, fine-tuned alike.

The tutorial pre-trains for 100 (DBN) and 15 (SdA) epochs per layer and fine-tunes for up to 1000 epochs:
many hours. The budget here fixes the pre-training epochs (``--pretrain-epochs``) and fine-tunes until the
budget is spent or validation stops improving; the printed line says how far that got.
"""

import argparse
import time

import numpy as np
from sklearn.neural_network import BernoulliRBM as ScikitRBM

from _environment import report_environment
import layerwise
from layerwise.callbacks import Callback, EarlyStopping
from layerwise.layers import Dense
from layerwise.optimizers import SGD, Adam
from layerwise.pretraining import BernoulliRBM, DeepBeliefNetwork, pretrain

TUTORIAL_ERROR = {"dbn": 1.34, "sda": 1.3}
HIDDEN = (1000, 1000, 1000)


class Deadline(Callback):
    """Stops `fit` at the end of the epoch during which ``deadline`` (a perf_counter time) passed."""

    def __init__(self, deadline):
        super().__init__()
        self.deadline = deadline

    def on_epoch_end(self, epoch, logs=None):
        if time.perf_counter() > self.deadline:
            self.model.stop_training = True


def mnist():
    (x, y), (x_test, y_test) = layerwise.datasets.mnist.load_data()
    return x.reshape(-1, 784).astype("float32") / 255, y, x_test.reshape(-1, 784).astype("float32") / 255, y_test


def rbm_against_scikit_learn(epochs=5, units=256, learning_rate=0.05, batch_size=10):
    x, _, x_test, _ = mnist()
    x, x_test = (x > 0.5).astype("float32"), (x_test > 0.5).astype("float32")
    print(f"\n[rbm] BernoulliRBM, binarized MNIST: {units} hidden, PCD, lr {learning_rate}, batch {batch_size}, "
          f"{epochs} epochs")
    layerwise.utils.set_random_seed(0)
    ours = BernoulliRBM(units, persistent=True, seed=0)
    ours.compile(optimizer=SGD(learning_rate))
    start = time.perf_counter()
    ours.fit(x, epochs=epochs, batch_size=batch_size, verbose=1)
    our_seconds = (time.perf_counter() - start) / epochs
    theirs = ScikitRBM(n_components=units, learning_rate=learning_rate, batch_size=batch_size, n_iter=epochs,
                       random_state=0, verbose=0)
    x64 = x.astype(np.float64)
    start = time.perf_counter()
    theirs.fit(x64)
    their_seconds = (time.perf_counter() - start) / epochs
    ours_in_theirs = ScikitRBM(n_components=units, random_state=0)
    ours_in_theirs.components_ = ours.kernel.value.T.astype(np.float64)
    ours_in_theirs.intercept_hidden_ = ours.hidden_bias.value.astype(np.float64)
    ours_in_theirs.intercept_visible_ = ours.visible_bias.value.astype(np.float64)
    ours_in_theirs.random_state_ = np.random.RandomState(1)
    theirs.random_state_ = np.random.RandomState(1)
    test64 = x_test.astype(np.float64)
    print(f"{'':24}{'s/epoch':>10}{'PLL (sklearn estimator)':>26}{'PLL (ours)':>12}")
    print(f"{'layerwise (float32)':24}{our_seconds:10.2f}{ours_in_theirs.score_samples(test64).mean():26.2f}"
          f"{ours.pseudo_log_likelihood(x_test).mean():12.2f}")
    print(f"{'scikit-learn (float64)':24}{their_seconds:10.2f}{theirs.score_samples(test64).mean():26.2f}"
          f"{'':>12}")
    print(f"speed ratio layerwise/scikit-learn: {our_seconds / their_seconds:.2f} (below 1: layerwise faster)")


def fine_tune(network, name, data, started, budget_minutes):
    """Report the pre-training's time, then fine-tune on the first 50,000 images, keeping the best validation
    error on the other 10,000, until the budget counted from ``started`` is spent."""
    print(f"[{name}] pre-training took {time.perf_counter() - started:.0f} s")
    x, y, x_test, y_test = data
    x, y, x_val, y_val = x[:50000], y[:50000], x[50000:], y[50000:]
    budget_end = started + 60 * budget_minutes
    network.compile(optimizer=SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = network.fit(x, y, epochs=1000, batch_size=10, validation_data=(x_val, y_val), verbose=1,
                          callbacks=[EarlyStopping("val_accuracy", patience=10, restore_best_weights=True),
                                     Deadline(budget_end)])
    test_error = 100 * (1 - network.evaluate(x_test, y_test, verbose=0)[1])
    best = int(np.argmax(history.history["val_accuracy"]))
    print(f"[{name}] {time.perf_counter() - started:.0f} s: fine-tuned {len(history.epoch)} epochs (best "
          f"validation error {100 * (1 - history.history['val_accuracy'][best]):.2f}% at epoch {best + 1}); "
          f"test error {test_error:.2f}% (tutorial {TUTORIAL_ERROR[name]}%)")


def deep_belief_network(budget_minutes, pretrain_epochs):
    x, y, x_test, y_test = mnist()
    started = time.perf_counter()
    print(f"\n[dbn] 784-{'-'.join(map(str, HIDDEN))}-10, CD-1, {pretrain_epochs} epochs per RBM, budget "
          f"{budget_minutes} min")
    layerwise.utils.set_random_seed(0)
    dbn = DeepBeliefNetwork(list(HIDDEN), input_shape=(784,), k=1, seed=0)
    dbn.compile(optimizer=SGD(0.01))
    reports = dbn.fit(x[:50000], epochs=pretrain_epochs, batch_size=10, verbose=1)
    for report in reports:
        print(f"  {report.layer_name}: reconstruction error {report.history['loss'][-1]:.4f}, pseudo-log-likelihood "
              f"{report.history['pseudo_log_likelihood'][-1]:.2f}")
    fine_tune(dbn.to_sequential(10), "dbn", (x, y, x_test, y_test), started, budget_minutes)


def stacked_denoising_autoencoder(budget_minutes, pretrain_epochs):
    x, y, x_test, y_test = mnist()
    started = time.perf_counter()
    print(f"\n[sda] 784-{'-'.join(map(str, HIDDEN))}-10, masking 0.1/0.2/0.3, tied, {pretrain_epochs} epochs per "
          f"layer (Adam 0.001), budget {budget_minutes} min")
    layerwise.utils.set_random_seed(0)
    network = layerwise.Sequential([layerwise.Input(shape=(784,)), *[Dense(u, activation="sigmoid") for u in HIDDEN],
                                    Dense(10, activation="softmax")])
    reports = pretrain(network, x[:50000], method="denoising", corruption_level=[0.1, 0.2, 0.3],
                       epochs_per_layer=pretrain_epochs, batch_size=10, optimizer=Adam(0.001), verbose=1, seed=0)
    for report in reports:
        print(f"  {report.layer_name}: reconstruction cross-entropy {report.history['loss'][-1]:.4f}")
    fine_tune(network, "sda", (x, y, x_test, y_test), started, budget_minutes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("rbm", "dbn", "sda", "all"), default="all")
    parser.add_argument("--budget-minutes", type=float, default=30.0, help="wall time per network (dbn, sda)")
    parser.add_argument("--pretrain-epochs", type=int, default=10, help="epochs per layer of pre-training")
    arguments = parser.parse_args()
    report_environment()
    if arguments.part in ("rbm", "all"):
        rbm_against_scikit_learn()
    if arguments.part in ("dbn", "all"):
        deep_belief_network(arguments.budget_minutes, arguments.pretrain_epochs)
    if arguments.part in ("sda", "all"):
        stacked_denoising_autoencoder(arguments.budget_minutes, arguments.pretrain_epochs)


if __name__ == "__main__":
    main()
