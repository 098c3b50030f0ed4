"""Training measured at chosen steps: the order of the examples, the steps taken between checkpoints, and a run
that diverges."""

import numpy as np

import layerwise
from layerwise_lab._checkpoints import batch_order, train_with_checkpoints
from layerwise_lab._mlp import deep_mlp


def test_batch_order_visits_every_example_once_per_epoch():
    order = batch_order(10, 7, 4, seed=0)     # 28 examples: two whole epochs and 8 of a third
    assert len(order) == 28
    assert sorted(order[:10]) == list(range(10)) and sorted(order[10:20]) == list(range(10))
    assert len(set(order[20:])) == 8
    np.testing.assert_array_equal(order, batch_order(10, 7, 4, seed=0))


def test_train_with_checkpoints_measures_after_the_steps_taken():
    layerwise.utils.set_random_seed(0)
    model = deep_mlp(1, 4, "tanh", "glorot_uniform", inputs=3, classes=2)
    model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
    x, y = np.random.default_rng(0).normal(size=(20, 3)).astype("float32"), np.arange(20) % 2
    measured, diverged_at = train_with_checkpoints(model, x, y, [0, 1, 3, 8], 5,
                                                   lambda model: int(model.optimizer.iterations), seed=1)
    assert measured == [0, 1, 3, 8] and diverged_at is None


def test_train_with_checkpoints_stops_where_the_loss_diverges():
    layerwise.utils.set_random_seed(0)
    model = deep_mlp(1, 4, "relu", "glorot_uniform", inputs=2, classes=2)
    model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=1e30), loss="sparse_categorical_crossentropy")
    x, y = np.random.default_rng(0).normal(size=(32, 2)) * 100, np.arange(32) % 2
    with np.errstate(over="ignore", invalid="ignore"):
        measured, diverged_at = train_with_checkpoints(model, x, y, [0, 2, 50], 8, lambda model: "measured")
    assert measured[0] == "measured" and diverged_at in (2, 50) and len(measured) == [0, 2, 50].index(diverged_at)
