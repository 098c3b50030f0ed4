"""The one training loop: compile, fit, evaluate and predict, shared by every model class.

A model class provides `call(x, training)`, `backward(dy)`, `backward_preactivation(dz)`,
`output_layer`, `build(input_shape)`, `compute_output_shape` and `weights`; this mixin turns them into
Keras's workflow (lecture 003: define the network, compile with a loss and an optimizer, fit on
shuffled mini-batches, evaluate, predict).
"""

import math

import numpy as np

from layerwise import losses as losses_module
from layerwise import metrics as metrics_module
from layerwise import optimizers as optimizers_module
from layerwise.callbacks import CallbackList, History, ProgbarLogger, TerminateOnNaN
from layerwise.callbacks.progbar_logger import format_logs
from layerwise.errors import DivergenceError
from layerwise.utils.random import generator

_DEFAULT_BATCH_SIZE = 32


def _verbosity(verbose) -> int:
    return 1 if verbose == "auto" else int(verbose)


def _batch_size(batch_size, where) -> int:
    if batch_size is None:
        return _DEFAULT_BATCH_SIZE
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"{where}: batch_size must be a positive integer, received {batch_size!r}")
    return int(batch_size)


def _check_finite(array, what, where):
    if np.issubdtype(array.dtype, np.inexact) and not np.isfinite(array).all():
        first = int(np.argmin(np.isfinite(array).reshape(len(array), -1).all(axis=1)))
        raise ValueError(
            f"{where}: {what} contains NaN or inf (first in sample {first}); layerwise does not train "
            "or evaluate on non-finite data, clean or impute it first")


class Trainer:
    """Keras's compile / fit / evaluate / predict, on top of a model's forward and backward passes."""

    optimizer = None
    loss = None
    stop_training = False
    #: Set by a callback's on_train_begin (BackupAndRestore) to resume `fit` at a later epoch.
    _initial_epoch = None

    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Configure training.

        Args:
            optimizer: a name ("sgd") or an Optimizer.
            loss: a name ("categorical_crossentropy", "mse"), a loss function or a Loss.
            metrics: a list of names ("accuracy", "mae") or Metric objects.
        """
        if loss is None:
            raise ValueError(f"{self.name}.compile: a loss is required, e.g. loss='categorical_crossentropy'")
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = losses_module.get(loss)
        self._metric_identifiers = list(metrics or [])
        self._metrics = None

    # ---- shared pieces -------------------------------------------------------------------------
    def _require_compiled(self, what):
        if self.loss is None:
            raise RuntimeError(f"{self.name}.{what}: call compile(optimizer, loss) first")

    @property
    def dtype(self):
        return self.output_layer.dtype

    @property
    def fuses_loss_gradient(self) -> bool:
        """Whether training uses the loss's fused gradient dJ/dz = (p - y)/M through the output activation."""
        return (self.loss is not None and self.loss.fuses_with(self.output_layer.output_activation)
                and self.output_layer.activity_regularizer is None)

    def _prepare(self, x, y, where):
        """Check and shape the data, build the model, and resolve the metrics; return (x, y)."""
        x = np.asarray(x)
        if x.ndim == 0:
            raise ValueError(f"{where}: x must be an array of samples, received a scalar")
        self.build((None,) + x.shape[1:])
        _check_finite(x, "x", where)
        if y is None:
            raise ValueError(f"{where}: targets y are required")
        y = np.asarray(y)
        if len(x) != len(y):
            raise ValueError(f"{where}: x has {len(x)} samples but y has {len(y)}; they must match")
        output_shape = self.compute_output_shape((None,) + x.shape[1:])
        y = self._prepare_targets(y, self.loss, output_shape, where)
        if self._metrics is None:
            self._metrics = [metrics_module.get(m, self.loss, output_shape, y.shape)
                             for m in self._metric_identifiers]
        return x, y

    def _prepare_targets(self, y, loss, output_shape, where):
        """Check targets y against ``loss`` and outputs of ``output_shape``; return them shaped and cast."""
        sparse = isinstance(loss, losses_module.SparseCategoricalCrossentropy)
        if y.ndim == 1 and tuple(output_shape[1:]) == (1,) and not sparse:
            y = y.reshape(-1, 1)
        _check_finite(y, "y", where)
        loss.check_targets(y, output_shape)
        return y if sparse else y.astype(self.dtype, copy=False)

    def _logs(self, loss_tracker):
        return {"loss": loss_tracker.result(), **{m.name: m.result() for m in self._metrics}}

    def _reset_metrics(self):
        for metric in self._metrics:
            metric.reset_state()

    def _callbacks(self, callbacks, verbose, **params):
        callbacks = list(callbacks or [])
        history = next((c for c in callbacks if isinstance(c, History)), None)
        if history is None:
            history = History()
            callbacks.append(history)
        if verbose and not any(isinstance(c, ProgbarLogger) for c in callbacks):
            callbacks.append(ProgbarLogger(verbose))
        return CallbackList(callbacks, model=self, verbose=verbose, **params), history

    def _batch(self, x, index):
        batch = x[index]
        return batch.astype(self.dtype, copy=False) if np.issubdtype(batch.dtype, np.number) else batch

    # ---- files (see layerwise.saving) ---------------------------------------------------------
    def save(self, filepath):
        """Save architecture, weights, compile config and optimizer state to one file, atomically."""
        from layerwise import saving
        saving.save_model(self, filepath)

    def save_weights(self, filepath):
        """Save the weights, by name, to a safetensors file, atomically."""
        from layerwise import saving
        saving.save_weights(self, filepath)

    def load_weights(self, filepath):
        """Load weights by name from a safetensors file (or a model file); mismatches are listed."""
        from layerwise import saving
        saving.load_weights(self, filepath)

    # ---- one step ------------------------------------------------------------------------------
    def _train_step(self, x, y, where="", raise_on_divergence=True):
        parameters = self.trainable_weights
        for parameter in parameters:
            parameter.zero_grad()
        # A diverging step overflows in many places; it is reported once, by the DivergenceError
        # below, instead of as a stream of RuntimeWarnings from every matmul and loss on the way.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            y_pred = self.call(x, training=True)
            loss_value = self.loss(y, y_pred)
            if self.fuses_loss_gradient:
                self.backward_preactivation(self.loss.fused_gradient(y, y_pred), input_gradient=False)
            else:
                self.backward(self.loss.gradient(y, y_pred), input_gradient=False)
            loss_value += self._add_regularization(parameters)
        if not math.isfinite(loss_value):
            if not raise_on_divergence:
                return loss_value, y_pred
            raise DivergenceError(
                f"The training loss became {loss_value}{where}; lower the learning rate, check the data "
                "scaling, or clip gradients")
        self.optimizer.apply(parameters)
        return loss_value, y_pred

    @property
    def activity_penalty(self) -> float:
        """The activity penalties sum_l R_l(y_l) of the last training forward pass."""
        return sum(layer.activity_penalty for layer in getattr(self, "layers", ()))

    def _add_regularization(self, parameters) -> float:
        """Add each regularizer's gradient into its parameter; return the summed weight and activity penalties."""
        penalty = self.activity_penalty
        for parameter in parameters:
            if parameter.regularizer is not None:
                penalty += float(parameter.regularizer(parameter.value))
                parameter.grad += parameter.regularizer.gradient(parameter.value)
        return penalty

    def train_on_batch(self, x, y, return_dict=False):
        """One gradient step on one batch; returns its loss (and metrics), as Keras does."""
        self._require_compiled("train_on_batch")
        x, y = self._prepare(x, y, "train_on_batch")
        loss_value, y_pred = self._train_step(self._batch(x, slice(None)), y)
        return self._batch_result(loss_value, y, y_pred, len(x), return_dict)

    def test_on_batch(self, x, y, return_dict=False):
        """Loss (and metrics) of one batch in inference mode."""
        self._require_compiled("test_on_batch")
        x, y = self._prepare(x, y, "test_on_batch")
        y_pred = self.call(self._batch(x, slice(None)), training=False)
        return self._batch_result(self.loss(y, y_pred), y, y_pred, len(x), return_dict)

    def _batch_result(self, loss_value, y, y_pred, count, return_dict):
        tracker = metrics_module.Mean()
        tracker.update_state(loss_value, count)
        self._reset_metrics()
        for metric in self._metrics:
            metric.update_state(y, y_pred)
        return self._format_result(self._logs(tracker), return_dict)

    @staticmethod
    def _format_result(logs, return_dict):
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict_on_batch(self, x):
        """The model's outputs for one batch, in inference mode."""
        x = np.asarray(x)
        self.build((None,) + x.shape[1:])
        return self.call(self._batch(x, slice(None)), training=False)

    # ---- the loops -----------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0,
            validation_batch_size=None, validation_freq=1):
        """Train on mini-batches, reshuffled every epoch (lecture 003); return a `History`.

        Args:
            x, y: training inputs and targets (arrays).
            batch_size: samples per gradient step (default 32).
            epochs: index of the last epoch to run (counting from 1).
            verbose: 0 silent, 1 (or "auto") a live progress bar, 2 one line per epoch.
            callbacks: a list of `layerwise.callbacks.Callback`.
            validation_split: fraction of the data, taken from the end before shuffling, held out for
                validation, as Keras does.
            validation_data: ``(x_val, y_val)``, used instead of ``validation_split``.
            shuffle: draw a new order of the training samples every epoch.
            initial_epoch: epoch to start from (for resuming).
            validation_batch_size: batch size of the validation pass (default: batch_size).
            validation_freq: validate every this many epochs.

        Raises:
            ValueError: data that does not fit the model or the loss, or holds NaN/inf.
            DivergenceError: the loss became NaN or infinite; the message names the epoch and batch.
                With a `TerminateOnNaN` callback, training instead stops after that batch with the
                weights of the last finite step (the diverged update is not applied).
        """
        self._require_compiled("fit")
        x, y = self._prepare(x, y, "fit")
        if validation_data is None and validation_split:
            if not 0 < validation_split < 1:
                raise ValueError(f"fit: validation_split must lie in (0, 1), received {validation_split}")
            split = int(len(x) * (1 - validation_split))
            x, y, validation_data = x[:split], y[:split], (x[split:], y[split:])
        batch_size = _batch_size(batch_size, "fit")
        steps = max(1, math.ceil(len(x) / batch_size))
        verbose = _verbosity(verbose)
        callback_list, history = self._callbacks(callbacks, verbose, epochs=epochs, steps=steps)
        raise_on_divergence = not any(isinstance(c, TerminateOnNaN) for c in callback_list.callbacks)
        loss_tracker = metrics_module.Mean()
        self.stop_training = False
        callback_list.on_train_begin()
        initial_epoch, self._initial_epoch = self._initial_epoch or initial_epoch, None
        for epoch in range(initial_epoch, epochs):
            loss_tracker.reset_state()
            self._reset_metrics()
            callback_list.on_epoch_begin(epoch)
            order = generator().permutation(len(x)) if shuffle else np.arange(len(x))
            for step in range(steps):
                index = order[step * batch_size:(step + 1) * batch_size]
                x_batch, y_batch = self._batch(x, index), y[index]
                callback_list.on_train_batch_begin(step)
                loss_value, y_pred = self._train_step(
                    x_batch, y_batch, f" at epoch {epoch + 1}, batch {step + 1}", raise_on_divergence)
                loss_tracker.update_state(loss_value, len(index))
                for metric in self._metrics:
                    metric.update_state(y_batch, y_pred)
                callback_list.on_train_batch_end(step, self._logs(loss_tracker))
                if self.stop_training:
                    break
            logs = self._logs(loss_tracker)
            if validation_data is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self.evaluate(*validation_data, batch_size=validation_batch_size or batch_size,
                                         verbose=0, return_dict=True)
                logs.update({f"val_{key}": value for key, value in val_logs.items()})
            callback_list.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        callback_list.on_train_end()
        return history

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", return_dict=False, callbacks=None):
        """Loss and metrics over the data in inference mode.

        Returns:
            The loss alone when there are no metrics, else ``[loss, metric, ...]``, or a dict with
            ``return_dict=True`` (Keras's conventions).
        """
        self._require_compiled("evaluate")
        x, y = self._prepare(x, y, "evaluate")
        batch_size = _batch_size(batch_size, "evaluate")
        loss_tracker = metrics_module.Mean()
        self._reset_metrics()
        callback_list, _ = self._callbacks(callbacks, 0)
        callback_list.on_test_begin()
        for step, start in enumerate(range(0, len(x), batch_size)):
            callback_list.on_test_batch_begin(step)
            index = slice(start, start + batch_size)
            y_pred = self.call(self._batch(x, index), training=False)
            loss_tracker.update_state(self.loss(y[index], y_pred), len(y[index]))
            for metric in self._metrics:
                metric.update_state(y[index], y_pred)
            callback_list.on_test_batch_end(step, self._logs(loss_tracker))
        logs = self._logs(loss_tracker)
        callback_list.on_test_end(logs)
        if _verbosity(verbose):
            print(format_logs(logs))
        return self._format_result(logs, return_dict)

    def predict(self, x, batch_size=None, verbose="auto", callbacks=None, mc_samples=None):
        """The model's outputs for every sample, computed in batches in inference mode.

        Args:
            x: input samples.
            batch_size: samples per forward pass (default 32).
            verbose, callbacks: as Keras's.
            mc_samples: N >= 1 for Monte Carlo dropout (lecture 001, "Monte Carlo averaging vs weight
                scaling"): the mean of N forward passes in which only the stochastic layers (dropout,
                noise) run in training mode, so every pass draws fresh masks while layers such as batch
                normalization stay in inference mode. None: one deterministic pass (weight scaling).
        """
        if mc_samples is not None and (not isinstance(mc_samples, int) or isinstance(mc_samples, bool)
                                       or mc_samples < 1):
            raise ValueError(f"predict: mc_samples must be a positive integer or None, received {mc_samples!r}")
        x = np.asarray(x)
        self.build((None,) + x.shape[1:])
        _check_finite(x, "x", "predict")
        batch_size = _batch_size(batch_size, "predict")
        callback_list, _ = self._callbacks(callbacks, 0)
        callback_list.on_predict_begin()
        outputs = np.empty((len(x),) + self.compute_output_shape(x.shape)[1:], dtype=self.dtype)
        for step, start in enumerate(range(0, len(x), batch_size)):
            callback_list.on_predict_batch_begin(step)
            y_batch = self._predict_batch(self._batch(x, slice(start, start + batch_size)), mc_samples)
            outputs[start:start + len(y_batch)] = y_batch
            callback_list.on_predict_batch_end(step)
        callback_list.on_predict_end()
        return outputs

    def _predict_batch(self, x_batch, mc_samples):
        if mc_samples is None:
            return self.call(x_batch, training=False)
        total = np.array(self.call(x_batch, training="stochastic"))
        for _ in range(mc_samples - 1):
            total += self.call(x_batch, training="stochastic")
        total /= mc_samples
        return total
