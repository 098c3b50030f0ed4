"""The training loop: a worked example, fit/History, shuffling and reproducibility, validation, evaluate's
return conventions, the *_on_batch methods, compile errors, bad data, divergence, dtypes, progress output
and Keras's resolution of "accuracy"."""

import weakref

import numpy as np
import pytest

import layerwise
from layerwise import metrics
from layerwise.errors import DivergenceError, LayerwiseError
from layerwise.layers import Dense, Input, Layer
from layerwise.optimizers import SGD


class OrderRecorder(Layer):
    """The identity, recording the first feature of every training batch (the sample ids)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def forward(self, x, training=False):
        if training:
            self.seen.append(x[:, 0].astype(int).tolist())
        return x

    def backward(self, dy):
        return dy


def _classifier(classes=3, features=4):
    return layerwise.Sequential([Input(shape=(features,)), Dense(8, activation="relu"),
                                 Dense(classes, activation="softmax")])


def _blobs(rng, n=60, classes=3, features=4):
    labels = rng.integers(0, classes, size=n)
    centers = rng.normal(scale=3.0, size=(classes, features))
    return centers[labels] + rng.normal(size=(n, features)), labels


def _recording_model(n):
    recorder = OrderRecorder()
    model = layerwise.Sequential([Input(shape=(2,)), recorder, Dense(1)])
    model.compile(optimizer=SGD(learning_rate=0.0), loss="mse")
    x = np.stack([np.arange(n), np.zeros(n)], axis=1)
    return model, recorder, x, np.zeros((n, 1))


def test_worked_example_one_dense_unit_mse_one_sgd_step():
    """y = 2x + 0.5 on x = [1, 3] with targets [4, 5]: predictions [2.5, 6.5], errors [-1.5, 1.5],
    J = (2.25 + 2.25) / 2 = 2.25, dJ/dy = 2 e / 2 = e, dJ/dw = 1(-1.5) + 3(1.5) = 3, dJ/db = 0;
    with lr 0.1: w = 2 - 0.3 = 1.7, b = 0.5."""
    model = layerwise.Sequential([Input(shape=(1,)), Dense(1, kernel_initializer=layerwise.initializers.Constant(2.0),
                                                           bias_initializer=layerwise.initializers.Constant(0.5))])
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    loss = model.train_on_batch(np.array([[1.0], [3.0]]), np.array([4.0, 5.0]))
    assert loss == pytest.approx(2.25)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel, [[1.7]], rtol=1e-6)
    np.testing.assert_allclose(bias, [0.5], rtol=1e-6)
    np.testing.assert_allclose(model.layers[0].kernel.grad, [[3.0]])
    assert model.evaluate(np.array([[1.0], [3.0]]), np.array([4.0, 5.0]), verbose=0) == pytest.approx(
        ((2.2 - 4.0) ** 2 + (5.6 - 5.0) ** 2) / 2, rel=1e-6)


def test_fit_returns_history_with_epoch_logs(rng):
    x, y = _blobs(rng)
    model = _classifier()
    model.compile(optimizer=SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=4, batch_size=16, validation_split=0.25, verbose=0)
    assert isinstance(history, layerwise.callbacks.History)
    assert history.epoch == [0, 1, 2, 3]
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 4 and all(isinstance(v, float) for v in values) for values in history.history.values())
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.8


def test_a_full_batch_epoch_without_shuffling_equals_train_on_batch(rng):
    x, y = _blobs(rng, n=20)
    losses = []
    for train in ("fit", "train_on_batch"):
        layerwise.utils.set_random_seed(4)
        model = _classifier()
        model.compile(optimizer=SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
        if train == "fit":
            losses.append(model.fit(x, y, batch_size=20, shuffle=False, verbose=0).history["loss"][0])
        else:
            losses.append(model.train_on_batch(x, y))
        losses.append(model.get_weights())
    assert losses[0] == pytest.approx(losses[2], rel=1e-6)
    for a, b in zip(losses[1], losses[3]):
        np.testing.assert_array_equal(a, b)


def test_every_epoch_draws_a_new_order_of_all_samples():
    model, recorder, x, y = _recording_model(12)
    model.fit(x, y, epochs=3, batch_size=5, verbose=0)
    epochs = [sum(recorder.seen[i:i + 3], []) for i in (0, 3, 6)]
    assert [len(batch) for batch in recorder.seen[:3]] == [5, 5, 2]
    assert all(sorted(order) == list(range(12)) for order in epochs)
    assert len({tuple(order) for order in epochs}) == 3
    assert epochs[0] != list(range(12))


def test_shuffle_false_keeps_the_order():
    model, recorder, x, y = _recording_model(7)
    model.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    assert recorder.seen == [[0, 1, 2], [3, 4, 5], [6]] * 2


def test_validation_split_holds_out_the_last_fraction():
    model, recorder, x, y = _recording_model(10)
    model.fit(x, y, epochs=1, batch_size=10, validation_split=0.3, verbose=0)
    assert sorted(recorder.seen[0]) == list(range(7))
    with pytest.raises(ValueError, match=r"validation_split must lie in \(0, 1\), received 1.5"):
        model.fit(x, y, validation_split=1.5, verbose=0)


def test_validation_metrics_are_those_of_the_held_out_data(rng):
    x, y = _blobs(rng, n=40)
    model = _classifier()
    model.compile(optimizer=SGD(learning_rate=0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=1, batch_size=8, validation_split=0.25, verbose=0)
    expected = model.evaluate(x[30:], y[30:], verbose=0, return_dict=True)
    assert history.history["val_loss"][0] == pytest.approx(expected["loss"], rel=1e-6)
    assert history.history["val_accuracy"][0] == expected["accuracy"]
    x_val, y_val = _blobs(rng, n=9)
    history = model.fit(x, y, epochs=1, batch_size=8, validation_data=(x_val, y_val), verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(model.evaluate(x_val, y_val, verbose=0)[0], rel=1e-6)


def _train(seed, x, y):
    layerwise.utils.set_random_seed(seed)
    model = _classifier()
    model.compile(optimizer=SGD(learning_rate=0.1, momentum=0.9), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=8, validation_split=0.2, verbose=0)
    return model.get_weights(), history.history


def test_same_seed_gives_bit_identical_weights_and_history(rng):
    x, y = _blobs(rng)
    weights, history = _train(7, x, y)
    again_weights, again_history = _train(7, x, y)
    assert history == again_history
    for a, b in zip(weights, again_weights):
        np.testing.assert_array_equal(a, b)
    other_weights, other_history = _train(8, x, y)
    assert other_history != history
    assert not np.array_equal(other_weights[0], weights[0])


def test_evaluate_return_conventions(rng):
    x, labels = _blobs(rng, n=30)
    y = layerwise.utils.to_categorical(labels, 3)
    model = _classifier()
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    loss = model.evaluate(x, y, verbose=0)
    assert isinstance(loss, float)
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {"loss": loss}
    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy", "mse"])
    result = model.evaluate(x, y, batch_size=7, verbose=0)
    assert isinstance(result, list) and len(result) == 3
    assert result[0] == pytest.approx(loss, rel=1e-6)
    as_dict = model.evaluate(x, y, batch_size=7, verbose=0, return_dict=True)
    assert list(as_dict) == ["loss", "accuracy", "mse"]
    assert list(as_dict.values()) == pytest.approx(result, rel=1e-12)
    probabilities = model.predict(x, verbose=0)
    assert as_dict["accuracy"] == pytest.approx(np.mean(probabilities.argmax(axis=1) == labels))
    assert as_dict["mse"] == pytest.approx(np.mean((probabilities - y) ** 2), rel=1e-6)


def test_evaluate_over_batches_equals_one_batch(rng):
    x, y = _blobs(rng, n=50)
    model = _classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=7, verbose=0),
                               model.evaluate(x, y, batch_size=50, verbose=0), rtol=1e-6)


def test_on_batch_methods(rng):
    x, y = _blobs(rng, n=16)
    model = _classifier()
    model.compile(optimizer=SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    probabilities = model.predict_on_batch(x)
    expected_loss = layerwise.losses.get("sparse_categorical_crossentropy")(y, probabilities)
    loss, accuracy = model.test_on_batch(x, y)
    assert loss == pytest.approx(expected_loss, rel=1e-6)
    assert accuracy == pytest.approx(np.mean(probabilities.argmax(axis=1) == y))
    before = model.get_weights()
    trained = model.train_on_batch(x, y, return_dict=True)
    assert trained["loss"] == pytest.approx(expected_loss, rel=1e-6)
    assert not np.array_equal(before[0], model.get_weights()[0])
    assert model.test_on_batch(x, y, return_dict=True)["loss"] < trained["loss"]
    assert model.optimizer.iterations == 1


def test_compile_and_call_order_errors(rng):
    model = _classifier()
    with pytest.raises(RuntimeError, match=r"fit: call compile\(optimizer, loss\) first"):
        model.fit(np.zeros((2, 4)), np.zeros(2), verbose=0)
    with pytest.raises(ValueError, match="a loss is required"):
        model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="Unknown optimizer 'sgdd'"):
        model.compile(optimizer="sgdd", loss="mse")
    with pytest.raises(ValueError, match="Unknown loss 'crossentropy'"):
        model.compile(optimizer="sgd", loss="crossentropy")
    with pytest.raises(ValueError, match="Unknown metric 'accuracyy'"):  # at compile, as Keras
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracyy"])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["x", "y"])
def test_non_finite_data_is_refused_before_training(bad, where, rng):
    x, y = rng.normal(size=(10, 4)), rng.normal(size=(10, 3))
    (x if where == "x" else y)[6, 1] = bad
    model = _classifier(3)
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    with pytest.raises(ValueError, match=rf"fit: {where} contains NaN or inf \(first in sample 6\)"):
        model.fit(x, y, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.optimizer.iterations == 0


def test_non_finite_inputs_are_refused_by_evaluate_and_predict(rng):
    model = _classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = rng.normal(size=(4, 4))
    x[2, 0] = np.nan
    with pytest.raises(ValueError, match="evaluate: x contains NaN"):
        model.evaluate(x, np.zeros(4, dtype=int), verbose=0)
    with pytest.raises(ValueError, match="predict: x contains NaN"):
        model.predict(x, verbose=0)


def test_a_diverging_loss_names_epoch_and_batch(rng):
    x, y = rng.normal(size=(64, 3)), rng.normal(size=(64, 1)) * 100
    model = layerwise.Sequential([Input(shape=(3,)), Dense(8, activation="relu"), Dense(1)])
    model.compile(optimizer=SGD(learning_rate=10.0), loss="mse")
    # The gradient's overflow is reported at its batch, before the loss itself becomes NaN or inf.
    with pytest.raises(DivergenceError, match=r"(loss became (nan|inf)|gradient of dense_\d+/kernel became .*) at "
                                              r"epoch \d+, batch \d+; lower the learning rate"):
        model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert issubclass(DivergenceError, LayerwiseError)


@pytest.mark.parametrize("loss, y, pattern", [
    ("sparse_categorical_crossentropy", np.array([0, 1, 2, 3]), r"integers in \[0, 3\)"),
    ("sparse_categorical_crossentropy", np.array([0.5, 1, 2, 1]), r"integers in \[0, 3\)"),
    ("categorical_crossentropy", np.array([0, 1, 2, 1]), r"sparse_categorical_crossentropy"),
    ("categorical_crossentropy", np.eye(4), r"targets of shape \(4, 4\) do not fit model outputs of shape "
                                            r"\(None, 3\)"),
    ("mse", np.zeros((5, 3)), r"x has 4 samples but y has 5"),
])
def test_labels_that_do_not_fit_the_loss(loss, y, pattern, rng):
    model = _classifier()
    model.compile(optimizer="sgd", loss=loss)
    with pytest.raises(ValueError, match=pattern):
        model.fit(rng.normal(size=(4, 4)), y, verbose=0)


@pytest.mark.parametrize("x_dtype", [np.float64, np.uint8])
def test_float32_end_to_end(x_dtype, rng):
    x = (rng.uniform(size=(24, 4)) * 255).astype(x_dtype)
    y = layerwise.utils.to_categorical(rng.integers(0, 3, size=24), 3).astype(np.float64)
    model = _classifier()
    model.compile(optimizer=SGD(learning_rate=0.001, momentum=0.9), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert all(p.value.dtype == np.float32 and p.grad.dtype == np.float32 for p in model.weights)
    assert all(v.dtype == np.float32 for v in model.optimizer.variables)
    assert model.predict(x, verbose=0).dtype == np.float32
    assert model.predict_on_batch(x).dtype == np.float32
    model(x)
    assert all(call.y.dtype == np.float32 for call in model.calls)


def test_set_floatx_float64_gives_float64_everywhere(rng):
    layerwise.config.set_floatx("float64")
    x, y = _blobs(rng, n=20)
    model = _classifier()
    model.compile(optimizer=SGD(momentum=0.5), loss="sparse_categorical_crossentropy")
    model.fit(x.astype(np.float32), y, epochs=1, verbose=0)
    assert all(p.value.dtype == np.float64 and p.grad.dtype == np.float64 for p in model.weights)
    assert all(v.dtype == np.float64 for v in model.optimizer.variables)
    assert model.predict(x.astype(np.float32), verbose=0).dtype == np.float64


def test_verbose_1_draws_a_tqdm_bar_with_loss_and_metric(capsys, rng):
    x, y = _blobs(rng, n=40)
    model = _classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=10, verbose=1)
    err = capsys.readouterr().err
    assert "Epoch 1/2" in err and "Epoch 2/2" in err
    assert "4/4" in err and "batch" in err
    assert "loss: " in err and "accuracy: " in err


def test_verbose_2_prints_one_line_per_epoch(capsys, rng):
    x, y = _blobs(rng, n=40)
    model = _classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=3, batch_size=10, validation_split=0.25, verbose=2)
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 3 and captured.err == ""
    for epoch, line in enumerate(lines, 1):
        assert line.startswith(f"Epoch {epoch}/3 - loss: ")
        assert "accuracy: " in line and "val_loss: " in line and "val_accuracy: " in line


def test_verbose_0_is_silent(capsys, rng):
    x, y = _blobs(rng, n=20)
    model = _classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("loss, output_shape, y_shape, expected", [
    ("binary_crossentropy", (None, 1), (8, 1), metrics.BinaryAccuracy),
    ("binary_crossentropy", (None, 3), (8, 3), metrics.BinaryAccuracy),
    ("mse", (None, 1), (8, 1), metrics.BinaryAccuracy),
    ("sparse_categorical_crossentropy", (None, 10), (8,), metrics.SparseCategoricalAccuracy),
    ("sparse_categorical_crossentropy", (None, 10), (8, 1), metrics.SparseCategoricalAccuracy),
    ("categorical_crossentropy", (None, 10), (8, 10), metrics.CategoricalAccuracy),
    ("mse", (None, 10), (8, 10), metrics.CategoricalAccuracy),
])
def test_accuracy_is_resolved_as_keras_does(loss, output_shape, y_shape, expected):
    for name in ("accuracy", "acc"):
        metric = metrics.get(name, layerwise.losses.get(loss), output_shape, y_shape)
        assert type(metric) is expected and metric.name == name


@pytest.mark.parametrize("loss, units, activation, targets, accuracy", [
    ("binary_crossentropy", 1, "sigmoid", lambda p, rng: (rng.uniform(size=p.shape) < 0.5).astype(float),
     lambda y, p: np.mean((p > 0.5) == y)),
    ("categorical_crossentropy", 3, "softmax", lambda p, rng: np.eye(3)[rng.integers(0, 3, len(p))],
     lambda y, p: np.mean(p.argmax(1) == y.argmax(1))),
    ("sparse_categorical_crossentropy", 3, "softmax", lambda p, rng: rng.integers(0, 3, len(p)),
     lambda y, p: np.mean(p.argmax(1) == y)),
])
def test_accuracy_values_in_evaluate(loss, units, activation, targets, accuracy, rng):
    model = layerwise.Sequential([Input(shape=(4,)), Dense(units, activation=activation)])
    model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    x = rng.normal(size=(40, 4))
    p = model.predict(x, verbose=0)
    y = targets(p, rng)
    assert model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"] == pytest.approx(accuracy(y, p))


@pytest.mark.parametrize("method", ["fit", "evaluate", "train_on_batch", "test_on_batch"])
def test_methods_that_need_targets_say_so(method):
    model = _classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=rf"{method}: targets y are required"):
        getattr(model, method)(np.zeros((2, 4)), None)


def test_predict_on_zero_samples_returns_an_empty_array():
    predictions = _classifier().predict(np.zeros((0, 4)), verbose=0)
    assert predictions.shape == (0, 3) and predictions.dtype == np.float32


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
@pytest.mark.parametrize("batch_size", [0, -4, 2.5, True])
def test_invalid_batch_size_is_refused(method, batch_size):
    model = _classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    arguments = (np.zeros((4, 4)),) if method == "predict" else (np.zeros((4, 4)), np.zeros(4))
    with pytest.raises(ValueError, match=rf"{method}: batch_size must be a positive integer, received {batch_size!r}"):
        getattr(model, method)(*arguments, batch_size=batch_size, verbose=0)


class HookRecorder(layerwise.callbacks.Callback):
    def __init__(self, stop_at_batch=None):
        super().__init__()
        self.calls, self.stop_at_batch = [], stop_at_batch

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin", self.params["epochs"], self.params["steps"]))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(("batch_end", batch, sorted(logs)))
        if batch == self.stop_at_batch:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, sorted(logs)))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end",))


def test_callbacks_see_keras_hooks_params_and_logs(rng):
    x, y = _blobs(rng, n=10)
    model = _classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    recorder = HookRecorder()
    model.fit(x, y, epochs=2, batch_size=6, validation_split=0.2, callbacks=[recorder], verbose=0)
    batch_logs = ["accuracy", "loss"]
    epoch_logs = ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert recorder.calls == [
        ("train_begin", 2, 2),
        ("epoch_begin", 0), ("batch_end", 0, batch_logs), ("batch_end", 1, batch_logs), ("epoch_end", 0, epoch_logs),
        ("epoch_begin", 1), ("batch_end", 0, batch_logs), ("batch_end", 1, batch_logs), ("epoch_end", 1, epoch_logs),
        ("train_end",)]
    assert recorder.model is model


def test_a_callback_can_stop_training(rng):
    x, y = _blobs(rng, n=20)
    model = _classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=5, batch_size=5, callbacks=[HookRecorder(stop_at_batch=1)], verbose=0)
    assert history.epoch == [0] and model.optimizer.iterations == 2


class _RecordProbe(Layer):
    """An identity layer whose call record holds an array of its own, and which notes, as it runs, whether the
    array of the last training step's record is still alive."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.last = []
        self.seen_alive = []

    def forward(self, x, training=False):
        self.seen_alive.append(any(reference() is not None for reference in self.last))
        self.held = np.ones(1000)
        self.last[:] = [weakref.ref(self.held)]
        return x

    def backward(self, dy):
        return dy


def test_the_last_steps_record_of_a_node_is_released_before_the_node_runs_again(rng):
    """So that the node's new arrays can take its old ones' memory (not allocated on top of them)."""
    probe = _RecordProbe()
    model = layerwise.Sequential([Input((4,)), Dense(3), probe, Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = rng.standard_normal((8, 4)), rng.standard_normal((8, 2))
    for _ in range(3):
        model.train_on_batch(x, y)
    assert probe.seen_alive == [False, False, False]
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert probe.seen_alive == [False] * 5
