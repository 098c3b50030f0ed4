"""LossScaleOptimizer: the scale's dynamics (Keras's rule), exact unscaling, and dynamic loss scaling in the
model's training step: skipped overflowing steps, float16 gradients that no longer underflow, weight and
activity penalties scaled with the loss, and the state saved with the model."""

import numpy as np
import pytest

import layerwise
from layerwise import optimizers
from layerwise.layers import Dense, Parameter
from layerwise.models import load_model
from layerwise.optimizers import SGD, Adam, LossScaleOptimizer, Nadam


def test_skips_halves_and_grows_as_keras(rng):
    w = Parameter(np.zeros(3), "w")
    optimizer = LossScaleOptimizer(SGD(0.1), initial_scale=16.0, dynamic_growth_steps=3)
    scales, values = [], []
    for gradient in [1.0, np.nan, 1.0, 1.0, 1.0, 1.0, np.inf, 1.0]:
        w.grad[...] = optimizer.scale_loss(gradient)
        optimizer.apply([w])
        scales.append(optimizer.dynamic_scale)
        values.append(float(w.value[0]))
    # A non-finite step halves S and resets the count; the third good step in a row doubles S.
    assert scales == [16.0, 8.0, 8.0, 8.0, 16.0, 16.0, 8.0, 8.0]
    np.testing.assert_allclose(values, -0.1 * np.array([1, 1, 2, 3, 4, 5, 5, 6]))
    assert optimizer.iterations == 6 and optimizer.step_counter == 1


def test_unscaled_steps_equal_the_inner_optimizers(rng):
    initial = rng.normal(size=(4, 3))
    gradients = [rng.normal(size=(4, 3)) for _ in range(10)]
    scaled, plain = Parameter(initial.copy(), "w"), Parameter(initial.copy(), "w")
    wrapper, reference = LossScaleOptimizer(Adam(0.01), initial_scale=2.0 ** 10, dynamic_growth_steps=4), Adam(0.01)
    for gradient in gradients:
        scaled.grad[...] = wrapper.scale_loss(gradient)
        wrapper.apply([scaled])
        plain.grad[...] = gradient
        reference.apply([plain])
    np.testing.assert_array_equal(scaled.value, plain.value)  # scaling by powers of 2 is exact
    assert wrapper.dynamic_scale == 2.0 ** 12 and wrapper.iterations == 10
    assert [a is b for a, b in zip(wrapper.variables, wrapper.inner_optimizer.variables)] == [True, True]


def _model(optimizer, dtype="float32", **dense_arguments):
    layerwise.layers.base.clear_session()
    layerwise.utils.set_random_seed(3)
    model = layerwise.Sequential([layerwise.Input(shape=(4,)), Dense(8, activation="tanh", dtype=dtype,
                                                                      **dense_arguments),
                                  Dense(3, activation="softmax", dtype=dtype)])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy")
    return model


def _data(rng, n=32):
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, np.eye(3, dtype="float32")[np.argmax(x[:, :3] + 0.5 * x[:, 3:], axis=1)]


def test_training_skips_overflowing_steps_and_then_trains_as_without_scaling(rng):
    """S = 2^140 overflows float32 (max ~2^128): the first steps are skipped, S halving each time, with no
    DivergenceError; from the first finite step on, training is exactly that of the inner optimizer."""
    x, y = _data(rng)
    scaled = _model(LossScaleOptimizer(SGD(0.1, momentum=0.5), initial_scale=2.0 ** 140, dynamic_growth_steps=1000))
    for _ in range(30):
        scaled.train_on_batch(x, y)
    skipped = 30 - scaled.optimizer.iterations
    assert 10 <= skipped < 30 and scaled.optimizer.dynamic_scale == 2.0 ** (140 - skipped)
    plain = _model(SGD(0.1, momentum=0.5))
    for _ in range(30 - skipped):
        plain.train_on_batch(x, y)
    for a, b in zip(scaled.weights, plain.weights):
        np.testing.assert_array_equal(a.value, b.value)


def test_fit_with_an_overflowing_scale_converges(rng):
    x, y = _data(rng, 96)
    model = _model(LossScaleOptimizer(Adam(0.02), initial_scale=2.0 ** 135, dynamic_growth_steps=5))
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert model.optimizer.iterations > 0 and model.optimizer.dynamic_scale > 2.0 ** 100


def test_weight_and_activity_penalties_are_scaled_with_the_loss(rng):
    x, y = _data(rng)
    penalties = dict(kernel_regularizer=layerwise.regularizers.L2(0.05),
                     activity_regularizer=layerwise.regularizers.L1(0.01))
    scaled = _model(LossScaleOptimizer(SGD(0.1), initial_scale=2.0 ** 20), **penalties)
    plain = _model(SGD(0.1), **penalties)
    for _ in range(5):
        loss_scaled, loss_plain = scaled.train_on_batch(x, y), plain.train_on_batch(x, y)
        assert loss_scaled == loss_plain  # the reported loss is not scaled
    for a, b in zip(scaled.weights, plain.weights):
        np.testing.assert_array_equal(a.value, b.value)


def test_float16_gradients_no_longer_underflow(rng):
    """A mean squared error of ~1e-6 per sample in float16: dJ/dy = 2 (p - y) / N is ~3e-8, below float16's
    normal range (6e-5), so unscaled its gradients lose most of their digits; with S = 2^15 they keep them."""
    x = (rng.normal(size=(64, 2)) * 200).astype("float16")
    y = (rng.normal(size=(64, 1)) * 2e-6).astype("float16")

    def gradient(optimizer, dtype):
        layerwise.layers.base.clear_session()
        model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(1, kernel_initializer="zeros", dtype=dtype)])
        model.compile(optimizer=optimizer, loss="mse")
        model.train_on_batch(x.astype(dtype), y.astype(dtype))
        return -model.weights[0].value.astype(np.float64)  # SGD(1.0) from zeros: the weights are -dJ/dW

    exact = gradient(SGD(1.0), "float64")
    unscaled_error = np.abs(gradient(SGD(1.0), "float16") - exact).max() / np.abs(exact).max()
    scaled = gradient(LossScaleOptimizer(SGD(1.0)), "float16")
    assert unscaled_error > 0.1
    np.testing.assert_allclose(scaled, exact, atol=1e-3 * np.abs(exact).max())


def test_state_and_config_are_saved_with_the_model(tmp_path, rng):
    x, y = _data(rng)
    model = _model(LossScaleOptimizer(Nadam(0.01), initial_scale=2.0 ** 130, dynamic_growth_steps=2))
    for _ in range(6):
        model.train_on_batch(x, y)
    model.save(tmp_path / "m.lw")
    loaded = load_model(tmp_path / "m.lw")
    saved, restored = model.optimizer, loaded.optimizer
    assert type(restored) is LossScaleOptimizer and type(restored.inner_optimizer) is Nadam
    assert (restored.dynamic_scale, restored.step_counter, restored.iterations) == (
        saved.dynamic_scale, saved.step_counter, saved.iterations)
    assert restored.u_product == restored.inner_optimizer.u_product == saved.inner_optimizer.u_product != 1.0
    assert restored.get_config() == saved.get_config()
    assert restored.get_config()["inner_optimizer"]["class_name"] == "Nadam"


def test_learning_rate_and_iterations_are_the_inner_optimizers():
    inner = SGD(0.1)
    optimizer = LossScaleOptimizer(inner)
    optimizer.learning_rate = 0.05
    assert inner.learning_rate == optimizer.learning_rate == 0.05
    inner.iterations = 7
    assert optimizer.iterations == 7
    w = Parameter(np.array([1.0]), "w")
    w.grad[...] = 2.0
    optimizer.update_step(w, inner.build_slots(w), 0.25)  # the inner rule, unscaled
    np.testing.assert_allclose(w.value, [0.5])
    assert optimizers.get({"class_name": "LossScaleOptimizer",
                           "config": {"inner_optimizer": "adam", "initial_scale": 4.0}}).dynamic_scale == 4.0


@pytest.mark.parametrize("make, message", [
    (lambda: LossScaleOptimizer(SGD(), initial_scale=0), "initial_scale"),
    (lambda: LossScaleOptimizer(SGD(), dynamic_growth_steps=0), "dynamic_growth_steps"),
    (lambda: LossScaleOptimizer(SGD(), clipnorm=1.0), "clipnorm"),
    (lambda: LossScaleOptimizer(SGD(), dynamic=False), "dynamic"),
    (lambda: LossScaleOptimizer(LossScaleOptimizer(SGD())), "already"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()
