"""The optimization experiments' shared training curve: measured at θ_0 ... θ_epochs (on the training set or a
fixed part of it), and a diverged run recorded as infinite."""

import math

import numpy as np

from layerwise.optimizers import SGD
from layerwise_lab._models import mlp
from layerwise_lab._training import training_curve


def _blobs():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-1, 0.3, (50, 2)), rng.normal(1, 0.3, (50, 2))]).astype("float32")
    return x, np.repeat([0, 1], 50)


def test_the_curve_measures_the_loss_before_and_after_every_epoch():
    x, y = _blobs()
    model = mlp((8,), inputs=2, classes=2)
    model.compile(optimizer=SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    curve = training_curve(model, x, y, epochs=5, batch_size=10)
    assert set(curve) == {"seconds", "loss", "accuracy"}
    assert all(len(values) == 6 for values in curve.values())
    assert curve["seconds"][0] == 0 and np.all(np.diff(curve["seconds"]) > 0)
    assert curve["loss"][-1] < 0.5 * curve["loss"][0]
    assert math.isclose(curve["loss"][-1], model.evaluate(x, y, verbose=0)[0], rel_tol=1e-6)


def test_a_diverged_run_ends_with_infinite_loss_and_no_metric():
    x, y = _blobs()
    model = mlp((8,), inputs=2, classes=1, output_activation=None)
    model.compile(optimizer=SGD(1e6), loss="mse", metrics=["mae"])
    curve = training_curve(model, x, y.astype("float32"), epochs=4, batch_size=100)
    assert curve["loss"][-1] == math.inf and curve["seconds"][-1] == math.inf and curve["mae"][-1] is None
    assert all(len(values) == 5 for values in curve.values())


def test_the_curve_can_measure_on_a_fixed_part_of_the_training_set():
    x, y = _blobs()
    model = mlp((8,), inputs=2, classes=2)
    model.compile(optimizer=SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    part = (x[::10], y[::10])
    curve = training_curve(model, x, y, epochs=2, batch_size=10, measured=part)
    assert math.isclose(curve["loss"][-1], model.evaluate(*part, verbose=0)[0], rel_tol=1e-6)
    assert not math.isclose(curve["loss"][-1], model.evaluate(x, y, verbose=0)[0], rel_tol=1e-3)
