"""A diverging run is reported at the batch it diverges, with the layer that went first: a finite but
exploding loss (Adam at lr 1e6), a loss grown past a factor the user sets, non-finite gradients,
parameters and optimizer state, each within the batch; `TerminateOnNaN` and the History say where."""

import numpy as np
import pytest

import layerwise
from layerwise import callbacks
from layerwise.errors import DivergenceError
from layerwise.layers import Dense, Input
from layerwise.models import _divergence
from layerwise.ops import _compiled
from layerwise.optimizers import SGD, Adam


def _regression(rng, scale=100.0, n=256):
    x = rng.random((n, 3)).astype("float32") * scale
    return x, (x @ np.array([[1.0], [-2.0], [3.0]], "float32")) * scale


def _model(optimizer):
    model = layerwise.Sequential([Input(shape=(3,)), Dense(8, activation="relu", name="hidden"),
                                  Dense(1, name="out")])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _at_batch(step, action):
    return callbacks.LambdaCallback(on_train_batch_begin=lambda batch, logs: action() if batch == step else None)


def test_adam_at_a_huge_learning_rate_is_reported_without_a_callback(rng):
    x, y = _regression(rng)
    model = _model(Adam(learning_rate=1e6))
    with pytest.raises(DivergenceError) as raised:
        model.fit(x, y, epochs=5, batch_size=32, verbose=0)
    report = raised.value.divergence
    assert report.epoch == 0 and report.layer in ("hidden", "out") and report.tensor.startswith(report.layer)
    assert f"at epoch 1, batch {report.batch + 1}" in str(raised.value) and "went first" in str(raised.value)
    for array in model.get_weights() + model.optimizer.variables:
        assert np.isfinite(array).all()


def test_terminate_on_nan_and_the_history_say_which_batch_and_layer(rng):
    x, y = _regression(rng)
    model = _model(Adam(learning_rate=1e6))
    terminate = callbacks.TerminateOnNaN()
    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0, callbacks=[terminate])
    assert terminate.terminated and history.divergence is terminate.divergence
    assert history.divergence.layer in ("hidden", "out") and not history.divergence.applied
    assert len(history.history["loss"]) == 1
    for array in model.get_weights() + model.optimizer.variables:
        assert np.isfinite(array).all()  # the diverged step was not applied


def test_a_loss_grown_past_the_set_factor_is_reported(rng):
    x, y = _regression(rng, scale=10.0)
    model = _model(SGD(learning_rate=0.02))
    terminate = callbacks.TerminateOnNaN(max_loss_growth=100)
    history = model.fit(x, y, epochs=20, batch_size=32, verbose=0, callbacks=[terminate])
    report = history.divergence
    assert report.kind == "loss_growth" and np.isfinite(report.loss)
    assert "more than max_loss_growth=100 times" in report.message and report.layer in ("hidden", "out")
    # Without the factor this run ends silently: its ReLUs die and the loss stays finite, far above its start.
    model = _model(SGD(learning_rate=0.02))
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    assert history.divergence is None and np.isfinite(history.history["loss"]).all()


def test_a_non_finite_optimizer_state_is_reported_at_its_batch(rng):
    x, y = _regression(rng, scale=1.0)
    model = _model(Adam(learning_rate=1e-3))
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)

    def poison():
        model.optimizer.slot_variables()["out/kernel/velocity"][0, 0] = np.inf

    terminate = callbacks.TerminateOnNaN()
    history = model.fit(x, y, epochs=1, batch_size=32, verbose=0, callbacks=[_at_batch(3, poison), terminate])
    report = history.divergence
    assert (report.kind, report.batch, report.layer, report.tensor) == ("optimizer_state", 3, "out",
                                                                        "out/kernel/velocity")
    assert report.applied and "The update was applied" in report.message


def test_a_parameter_made_non_finite_by_the_update_is_reported_at_that_batch(rng):
    x, y = _regression(rng, scale=1.0)
    model = _model(SGD(learning_rate=1e37))
    with pytest.raises(DivergenceError, match=r"Parameter (hidden|out)/(kernel|bias) became .* in the update at "
                                              r"epoch 1, batch 1"):
        model.fit(x, y, epochs=1, batch_size=32, verbose=0)


@pytest.fixture
def read(monkeypatch):
    """The arrays that the checks read (by `_divergence.squared_norm`), in order."""
    arrays, squared_norm = [], _divergence.squared_norm
    monkeypatch.setattr(_divergence, "squared_norm", lambda array: arrays.append(array) or squared_norm(array))
    return arrays


@pytest.mark.parametrize("kernels", ["numba", "numpy"])
def test_a_parameter_whose_update_summed_its_norm_is_not_read_again(kernels, rng, read):
    if kernels not in _compiled.CHOICES:
        pytest.skip("Numba is not installed")
    saved = layerwise.config.kernels()
    layerwise.config.set_kernels(kernels)
    x, y = _regression(rng, scale=1.0)
    model = _model(SGD(learning_rate=0.01))
    model.build((None, 3))
    model.get_layer("out").kernel.constraint = layerwise.constraints.MaxNorm(1.0)
    try:
        model.train_on_batch(x[:8], y[:8])
    finally:
        layerwise.config.set_kernels(saved)
    parameters = {id(w.value): w.name for w in model.weights}
    read_after = [parameters[id(a)] for a in read if id(a) in parameters]  # the gradients are arrays of their own
    # The constrained kernel's values changed after its step summed them: it is read; with NumPy's step, every one.
    assert read_after == (["out/kernel"] if kernels == "numba" else [w.name for w in model.weights])


def test_a_dense_kernel_gradient_shown_finite_by_its_bound_is_not_read(rng, read):
    x, y = _regression(rng, scale=1.0)
    model = _model(SGD(learning_rate=0.01))
    model.build((None, 3))
    model.get_layer("hidden").kernel.regularizer = layerwise.regularizers.L2(1e-3)
    model.train_on_batch(x[:8], y[:8])
    gradients = {id(w.grad): w.name for w in model.weights}
    checked = [gradients[id(a)] for a in read if id(a) in gradients]
    # The regularizer's gradient, added after the backward pass, makes the hidden kernel's gradient read again.
    assert sorted(checked) == ["hidden/bias", "hidden/kernel", "out/bias"]


def test_a_gradient_bound_is_forgotten_by_any_other_writer_and_summed_over_kernels():
    parameter = layerwise.layers.base.Parameter(np.zeros((2, 2), "float32"), "dense/kernel")
    assert parameter.grad_norm_bound is None  # never zeroed: unknown
    parameter.zero_grad()
    assert parameter.grad_norm_bound == 0.0
    grad, overwrite = parameter.grad_buffer(bound=3.0)
    assert overwrite and parameter.grad_norm_bound == 3.0
    grad, overwrite = parameter.grad_buffer(bound=2.0)  # a second call of a shared layer adds to the gradient
    assert not overwrite and parameter.grad_norm_bound == 5.0
    parameter.grad_buffer()  # a kernel that bounds nothing
    assert parameter.grad_norm_bound is None
    parameter.zero_grad()
    parameter.grad_buffer(bound=1.0)
    parameter.grad += 1.0  # read for writing
    assert parameter.grad_norm_bound is None
    parameter.zero_grad()
    parameter.grad = np.ones((2, 2), "float32")
    assert parameter.grad_norm_bound is None


@pytest.mark.parametrize("bound", [np.nan, np.inf, 1e20])
def test_a_gradient_whose_bound_shows_nothing_is_read(bound):
    parameter = layerwise.layers.base.Parameter(np.zeros(3, "float32"), "dense/kernel")
    parameter.zero_grad()
    grad, _ = parameter.grad_buffer(bound=bound)
    grad[...] = [1.0, np.nan, 2.0]
    assert not _divergence._finite_gradient(parameter)
    parameter.zero_grad()
    grad, _ = parameter.grad_buffer(bound=1e3)
    grad[...] = [1.0, np.nan, 2.0]  # a kernel's bound is taken at its word
    assert _divergence._finite_gradient(parameter)


def test_a_non_finite_gradient_is_refused_before_the_update(rng):
    x, y = _regression(rng, scale=1.0)
    model = _model(SGD(learning_rate=0.01))
    model.build((None, 3))
    model.get_layer("out").kernel.value[...] = 1e30  # finite weights whose gradient overflows float32
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(DivergenceError) as raised:
        model.train_on_batch(x[:8], y[:8])
    assert raised.value.divergence.kind in ("gradient", "loss") and "The update was not applied" in str(raised.value)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_non_finite_loss_names_the_first_layer_whose_output_overflowed(rng):
    x, y = _regression(rng, scale=1.0)
    model = _model(SGD(learning_rate=0.01))
    model.build((None, 3))
    model.get_layer("hidden").kernel.value[...] = 1e38
    with pytest.raises(DivergenceError, match="The training loss became (inf|nan) at epoch 1, batch 1; .* Layer "
                                              "hidden went first"):
        model.fit(x + 10, y, epochs=1, batch_size=32, verbose=0)


def test_a_poisoned_weight_is_named(rng):
    x, y = _regression(rng, scale=1.0)
    model = _model(SGD(learning_rate=0.01))
    model.build((None, 3))

    def poison():
        model.get_layer("out").bias.value[0] = np.nan

    with pytest.raises(DivergenceError, match=r"epoch 1, batch 3; .* Layer out went first \(out/bias\)"):
        model.fit(x, y, epochs=1, batch_size=32, verbose=0, callbacks=[_at_batch(2, poison)])


def test_max_loss_growth_is_checked():
    with pytest.raises(ValueError, match="max_loss_growth must be a number > 1 or None, received 0.5"):
        callbacks.TerminateOnNaN(max_loss_growth=0.5)


class _Writes(callbacks.Callback):
    """A callback that writes a weight between two steps: -inf into the hidden kernel, where a ReLU hides it from the
    loss (the unit's input weight is -inf for positive inputs, so the unit outputs 0)."""

    def __init__(self, batch):
        super().__init__()
        self.batch = batch

    def on_train_batch_end(self, batch, logs=None):
        if batch == self.batch:
            self.model.get_layer("hidden").kernel.value[:, 0] = -np.inf


def _kernels_read(read, model):
    kernels = {id(model.get_layer(name).kernel.value): name for name in ("hidden", "out")}
    return [kernels[id(a)] for a in read if id(a) in kernels]


def test_a_kernel_stepped_from_its_factors_is_bounded_not_read_after_the_first_step(rng, read, matrix_products):
    x, y = _regression(rng, scale=1.0)
    model = _model(SGD(learning_rate=0.01))
    model.fit(x[:64], y[:64], epochs=1, batch_size=16, verbose=0)  # 4 steps
    # By MKL's GEMM the dense kernels are stepped from their gradients' factors: read after the first step only, then
    # bounded by ||θ_before|| + α ||x^T dJ/dz||. With NumPy's products the gradients are formed, and the step sums
    # ||θ||^2 as it writes θ: the check reads nothing.
    mkl = matrix_products == "mkl"
    assert _kernels_read(read, model) == (["hidden", "out"] if mkl else [])
    assert {p.name for p in model.optimizer.update_norm_bounds} == ({"hidden/kernel", "out/kernel"} if mkl else set())


def test_the_kept_bound_holds_the_norm_step_after_step(rng, matrix_products):
    x, y = _regression(rng, scale=1.0)
    model = _model(SGD(learning_rate=0.05))
    model.build((None, 3))
    watch = _divergence.DivergenceWatch(model, keeps_norm_bounds=True)
    for step in range(6):
        batch = slice(16 * step, 16 * (step + 1))
        assert model._train_step(model._cast(x[batch]), y[batch], watch, (0, step))[2] is None
        for parameter in model.weights:
            assert watch._norm_bounds[parameter] >= np.linalg.norm(parameter.value.astype(np.float64))


def test_a_callback_that_may_write_weights_has_every_kernel_read_and_its_write_reported(rng, read, matrix_products):
    x, y = _regression(rng, scale=1.0)
    model = _model(SGD(learning_rate=0.01))
    model.fit(x[:64], y[:64], epochs=1, batch_size=16, verbose=0, callbacks=[callbacks.LambdaCallback()])
    # A LambdaCallback runs user code, which may write: every step's kernels are read, where the step did not sum them.
    assert _kernels_read(read, model) == (4 * ["hidden", "out"] if matrix_products == "mkl" else [])
    model = _model(SGD(learning_rate=0.01))
    with pytest.raises(DivergenceError, match=r"Parameter hidden/kernel became non-finite in the update at epoch 1, "
                                              r"batch 3"):
        model.fit(np.abs(x[:64]) + 0.1, y[:64], epochs=1, batch_size=16, verbose=0, callbacks=[_Writes(batch=1)])


def test_the_built_in_callbacks_do_not_write_weights_between_steps():
    quiet = [callbacks.History(), callbacks.ProgbarLogger(), callbacks.CSVLogger("log.csv"), callbacks.TerminateOnNaN(),
             callbacks.LearningRateScheduler(lambda epoch: 0.1), callbacks.ReduceLROnPlateau(),
             callbacks.RemoteMonitor(), callbacks.ModelCheckpoint("model.lw"), callbacks.EarlyStopping(),
             callbacks.BackupAndRestore("backup")]
    assert not any(callback.writes_weights for callback in quiet)
    assert callbacks.Callback().writes_weights and callbacks.LambdaCallback().writes_weights


def test_a_bound_grown_past_the_limit_is_replaced_by_a_read(read):
    parameter = layerwise.layers.base.Parameter(np.full((2, 2), 3.0, "float32"), "dense/kernel")
    watch = _divergence.DivergenceWatch(None, keeps_norm_bounds=True)
    assert watch._finite_after_update(parameter, None, moved=1.0) and len(read) == 1  # no bound kept yet: read
    assert 6.0 <= watch._norm_bounds[parameter] < 6.001
    assert watch._finite_after_update(parameter, None, moved=1.0) and len(read) == 1  # 6 + 1, not read
    assert 7.0 <= watch._norm_bounds[parameter] < 7.001
    assert watch._finite_after_update(parameter, None, moved=1e19) and len(read) == 2  # too large to square: read
    assert 6.0 <= watch._norm_bounds[parameter] < 6.001
    parameter.value[0, 0] = np.nan
    assert not watch._finite_after_update(parameter, None, moved=1e19) and parameter not in watch._norm_bounds
    assert not _divergence.DivergenceWatch(None)._finite_after_update(parameter, None, moved=1.0)  # nothing kept
