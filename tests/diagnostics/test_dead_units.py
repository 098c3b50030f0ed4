"""DeadUnits: a unit forced dead is exactly one of the units; sparsity counts the zeros, by hand."""

import numpy as np
import pytest

import layerwise
from layerwise.diagnostics import DeadUnits
from layerwise.layers import Add, Conv2D, Dense, LeakyReLU, ReLU

# Unit 0 fires for x0 > 0, unit 1 for x1 > 0, unit 2 never: zero weights and a bias of -100.
KERNEL, BIAS = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [0.0, 0.0, -100.0]
PROBE = np.array([[1.0, -1.0], [-1.0, 2.0], [0.5, -3.0], [-2.0, -1.0]])


def _hidden(name="hidden"):
    layer = Dense(3, activation="relu", name=name)
    layer.build_for((None, 2))
    layer.kernel.assign(KERNEL)
    layer.bias.assign(BIAS)
    return layer


def _measure(model, probe=PROBE):
    dead, logs = DeadUnits(probe), {}
    dead.set_model(model)
    dead.on_train_begin()
    dead.on_epoch_end(0, logs)
    return logs


def test_a_unit_forced_dead_is_one_of_the_units_and_sparsity_is_the_fraction_of_zeros():
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), _hidden(), Dense(1, name="out")])
    # relu(PROBE @ KERNEL + BIAS) = [[1, 0, 0], [0, 2, 0], [0.5, 0, 0], [0, 0, 0]]: 3 of 12 outputs are non-zero.
    assert _measure(model) == {"dead_fraction/hidden": 1 / 3, "sparsity/hidden": 9 / 12}


def test_a_dead_unit_stays_dead_through_training_and_sparsity_follows_the_weights(rng):
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), _hidden(), Dense(1, name="out")])
    model.compile(optimizer="sgd", loss="mse")
    probe = rng.normal(size=(50, 2)).astype("float32")
    history = model.fit(rng.normal(size=(32, 2)), rng.normal(size=(32, 1)), epochs=2, verbose=0,
                        callbacks=[DeadUnits(probe)])
    assert history.history["dead_fraction/hidden"] == [1 / 3, 1 / 3]  # a dead ReLU gets no gradient
    hidden = model.get_layer("hidden")
    outputs = np.maximum(probe @ hidden.kernel.value + hidden.bias.value, 0)
    assert history.history["sparsity/hidden"][-1] == pytest.approx(np.mean(outputs == 0))


def test_a_shared_layer_is_dead_only_where_no_call_fires_it_and_nested_models_are_read():
    shared = _hidden("shared")
    negate = Dense(2, use_bias=False, kernel_initializer="zeros", name="negate")
    block = layerwise.Sequential([layerwise.Input(shape=(2,)), negate, LeakyReLU(0.1, name="leaky")], name="block")
    x = layerwise.Input(shape=(2,))
    model = layerwise.Model(x, ReLU(name="rectifier")(Add(name="sum")([shared(x), shared(block(x))])))
    negate.kernel.assign(-np.eye(2))
    probe = np.array([[1.0, -1.0], [-1.0, -2.0], [0.5, -3.0]])
    logs = _measure(model, probe)
    assert sorted(logs) == sorted(f"{key}/{name}" for key in ("dead_fraction", "sparsity")
                                  for name in ("shared", "leaky", "rectifier"))
    # On x unit 1 never fires (x1 < 0), on leaky(-x) = -x it does: only unit 2 is dead over both calls.
    # Non-zero outputs: [1, 0, 0], [0, 0, 0], [0.5, 0, 0] on x; [0, 1, 0], [1, 2, 0], [0, 3, 0] on -x.
    assert logs["dead_fraction/shared"] == 1 / 3
    assert logs["sparsity/shared"] == pytest.approx(12 / 18)
    # leaky(-x) <= 0 where x > 0: column 0 is inactive for rows 0 and 2, column 1 never.
    assert logs["dead_fraction/leaky"] == 0.0 and logs["sparsity/leaky"] == pytest.approx(2 / 6)


def test_a_convolution_unit_is_a_channel_over_every_position(rng):
    conv = Conv2D(2, 1, activation="relu", name="conv")
    model = layerwise.Sequential([layerwise.Input(shape=(3, 3, 1)), conv])
    conv.kernel.assign(np.array([1.0, 0.0]).reshape(1, 1, 1, 2))
    conv.bias.assign([0.0, -1.0])
    probe = rng.normal(size=(4, 3, 3, 1))
    logs = _measure(model, probe)
    assert logs == {"dead_fraction/conv": 0.5, "sparsity/conv": pytest.approx((np.sum(probe <= 0) + probe.size)
                                                                              / (2 * probe.size))}


def test_probe_and_model_are_checked():
    with pytest.raises(ValueError, match="DeadUnits: probe_x must be a non-empty array"):
        DeadUnits(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="DeadUnits: every_epoch must be a positive integer"):
        DeadUnits(PROBE, every_epoch=0)
    with pytest.raises(TypeError, match="DeadUnits: .* needs a layerwise.Model or Sequential, received Dense"):
        DeadUnits(PROBE).set_model(Dense(2))
