"""The one training loop: compile, fit, evaluate and predict, shared by every model class.

A model (`layerwise.Model`, a layer) provides its calls (`Layer.new_call`, whose record runs `backward`
and `backward_preactivation`), `output_activation`, `build`, `compute_output_shape`, its inputs and
outputs and `trainable_weights`; this mixin turns them into Keras's workflow (lecture 003: define the
network, compile with a loss and an optimizer, fit on shuffled mini-batches, evaluate, predict). Every
batch runs through a call of its own, so `predict` from another thread never touches a training step's
state. A training step calls with ``input_gradient=False``: it needs dJ/dθ, never dJ/dx of the data, so
layers below the lowest trained one (preprocessing, augmentation, a frozen base) need no backward pass.

The data may be arrays, a `layerwise.data.Dataset`, a `layerwise.data.Sequence` or a Python iterator
of (x, y) batches (`layerwise.data.adapter`); arrays are prepared once, other sources batch by batch.
"""

import functools
import json
import numbers

import numpy as np

from layerwise import losses as losses_module
from layerwise import metrics as metrics_module
from layerwise import optimizers as optimizers_module
from layerwise.callbacks import CallbackList, History, ProgbarLogger, TerminateOnNaN
from layerwise.callbacks.progbar_logger import format_logs
from layerwise.data.adapter import ArrayBatches, SourceBatches, is_batch_source
from layerwise.errors import DivergenceError
from layerwise.layers import serialization
from layerwise.models._data_checks import as_numbers, check_finite
from layerwise.models._divergence import DivergenceWatch
from layerwise.models._multi_io import OutputLosses, SampleArrays
from layerwise.models._sample_weights import check_class_weight, check_sample_weight, class_sample_weights
from layerwise.ops._lanes import on_all_cores, side_by_side, threads, uses_lanes
from layerwise.utils._arguments import check_integer

_DEFAULT_BATCH_SIZE = 32
#: `predict` and `evaluate` run batches side by side in groups of this many per lane, a callback's
#: ``on_*_batch_begin`` called for each batch of a group before it runs and ``on_*_batch_end`` after: every group
#: ends with a wait for the last lane. The lectures' CNN's inference of 10,000 images on the AMD Zen 4 machine
#: (two lanes): 0.88 s with 1 batch per lane and group, 0.83 s with 8, 0.81 s with the whole set as one group.
_BATCHES_PER_LANE = 8


def verbose_level(verbose, where) -> int:
    """Keras's ``verbose`` argument as a number: "auto" is 1 (a progress bar)."""
    return 1 if verbose == "auto" else check_integer(verbose, "verbose (or 'auto')", where, minimum=0)


def _batch_size(batch_size, where) -> int:
    if batch_size is None:
        return _DEFAULT_BATCH_SIZE
    return check_integer(batch_size, "batch_size", where)


def _validation_pair(validation_data):
    """``validation_data`` as the arguments of `evaluate`: (x_val, y_val), or (source,) for a batch source."""
    if validation_data is None:
        return None
    if is_batch_source(validation_data):
        return (validation_data,)
    if isinstance(validation_data, tuple) and len(validation_data) in (2, 3):
        return validation_data
    received = (f"a tuple of {len(validation_data)}" if isinstance(validation_data, tuple)
                else type(validation_data).__name__)
    raise ValueError(f"fit: validation_data must be a tuple (x_val, y_val) or (x_val, y_val, sample_weight_val), or "
                     f"a Dataset, Sequence or generator, received {received}")


def _shapes(x):
    return x.shape if isinstance(x, np.ndarray) else [a.shape for a in x]


def _widened(outputs, scale):
    """float16 outputs as float32 when the loss is scaled, so that S dJ/dy is formed before dJ/dy (a mean over
    the batch) can underflow in float16: the order of a loss scaled before it is differentiated."""
    if scale == 1.0:
        return outputs
    if isinstance(outputs, list):
        return [_widened(output, scale) for output in outputs]
    return outputs.astype(np.float32) if outputs.dtype == np.float16 else outputs


def _scaled(gradient, scale, like=None):
    """A gradient (or a list of them, one per output) times the loss scale, in the dtype of ``like`` (the
    outputs it is the gradient of) when given; unchanged for a scale of 1."""
    if scale == 1.0:
        return gradient
    if isinstance(gradient, list):
        return [_scaled(g, scale, None if like is None else y) for g, y in zip(gradient, like, strict=True)]
    scaled = gradient * scale
    return scaled if like is None or scaled.dtype == like.dtype else scaled.astype(like.dtype)


def _scale_activity_gradients(call, scale) -> None:
    """Multiply dR/dy of every activity penalty kept by a model's training call (nested models' and the
    protocol layers of a ``call``'s record too) by the loss scale, and seed the ``add_loss`` terms of a
    ``call`` with it, before the backward pass adds them in."""
    record = getattr(call, "call_record", None)
    if record is not None:
        record.loss_scale = scale
    for layer_call in list(getattr(call, "calls", ())) + (record.nodes if record is not None else []):
        if getattr(layer_call, "activity_gradient", None) is not None:
            layer_call.activity_gradient = layer_call.activity_gradient * scale
        _scale_activity_gradients(layer_call, scale)


class Trainer:
    """Keras's compile / fit / evaluate / predict, on top of a model's forward and backward passes.

    Every model class (`Sequential`, the functional `Model`) has these methods through this mixin.

    Example:
        Gradient descent (SGD, the whole batch of 4 at each step) finds y = 2x + 1:

        >>> import numpy as np
        >>> import layerwise
        >>> model = layerwise.Sequential([layerwise.layers.Dense(1, input_dim=1, kernel_initializer="zeros")])
        >>> isinstance(model, Trainer)
        True
        >>> model.compile(optimizer=layerwise.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
        >>> x = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> _ = model.fit(x, 2 * x + 1, epochs=200, batch_size=4, verbose=0)
        >>> [np.round(weight.ravel(), 3).tolist() for weight in model.get_weights()]
        [[2.0], [1.0]]
        >>> {name: round(value, 4) for name, value in model.evaluate(x, 2 * x + 1, verbose=0, return_dict=True).items()}
        {'loss': 0.0, 'mae': 0.0}
        >>> np.round(model.predict(np.array([[4.0]]), verbose=0), 3).tolist()
        [[9.0]]
    """

    optimizer = None
    loss = None
    stop_training = False
    #: The epoch `fit` starts at instead of its ``initial_epoch`` when a callback sets it in
    #: ``on_train_begin`` (`BackupAndRestore` resumes after its backup); `fit` then clears it.
    resume_epoch = None
    #: A position inside an epoch (`fit_position`'s dict) `fit` continues from when a callback sets it in
    #: ``on_train_begin``, after any ``resume_epoch``; `fit` then clears it. Arrays only.
    resume_position = None
    #: Where the running `fit` is: (epoch, the next batch, its batches, its loss tracker), or None.
    _progress = None
    #: Each layer's `trainable` at the last `compile` (what training updates until the next one).
    _compiled_trainable = None
    #: The last training step's call, whose records the next step releases node by node.
    _last_training_call = None
    #: The loss of the last fit, evaluate or train/test_on_batch, as a Mean named "loss".
    _loss_tracker = None
    #: The compiled metrics, resolved on the first batch seen (None before), and the output each one reads.
    _metrics = None
    _metric_outputs = ()

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None):
        """Configure training; with several outputs the loss is the weighted sum of one loss per output.

        What is trainable is fixed here, as in Keras: setting `trainable` afterwards takes effect at the
        next `compile`.

        Args:
            optimizer: a name ("sgd") or an Optimizer.
            loss: a name ("categorical_crossentropy", "mse"), a loss function or a Loss; with several
                outputs a list of one loss per output or a dict keyed by the output layers' names (one loss alone
                is applied to every output), and the training loss is J = sum_k w_k J_k(y_k, p_k).
            metrics: a list of names ("accuracy", "mae", "auc") or Metric objects; with several outputs a list of
                lists (one per output), a dict keyed by the output layers' names (of a metric or a list), or one
                list for every output, each logged as "<output>_<metric>". An unknown name is refused here with the
                list of known ones.
            loss_weights: the w_k (default 1) of a model of several outputs: a list with one number per
                output, or a dict keyed by the names of the output layers (those left out weigh 1).
        """
        if loss is None:
            raise ValueError(f"{self.name}.compile: a loss is required, e.g. loss='categorical_crossentropy'")
        outputs = 1 if self.single_output else len(self.outputs)
        if outputs > 1:
            losses = self._by_output(loss, "loss") if isinstance(loss, dict) else (
                list(loss) if isinstance(loss, (list, tuple)) else [loss] * outputs)
            if len(losses) != outputs or any(item is None for item in losses):
                raise ValueError(f"{self.name}.compile: give one loss per output ({outputs}), received {loss!r}")
            loss = OutputLosses(losses, self._output_weights(loss_weights, outputs))
            metrics = self._metrics_by_output(metrics or [])
        elif loss_weights is not None:
            raise ValueError(f"{self.name}.compile: loss_weights weigh the losses of several outputs; this model "
                             "has one (scale its loss instead)")
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = losses_module.get(loss)
        for identifier in (sum(metrics, []) if outputs > 1 else metrics or []):
            metrics_module.check(identifier)
        self._metric_identifiers = list(metrics or [])
        self._metrics = self._loss_tracker = None
        self._compiled_trainable = {layer: layer.trainable for layer in self.flatten_layers()}

    def _by_output(self, values, argument, default=None):
        """A dict keyed by output layer names as a list in output order (``default`` for the names left out)."""
        names = [tensor.layer.name for tensor in self.outputs]
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise ValueError(f"{self.name}.compile: {argument} names {unknown}, which are not outputs; the outputs "
                             f"are {names}")
        return [values.get(name, default) for name in names]

    def _metrics_by_output(self, metrics):
        """The metrics of a model of several outputs as one list per output."""
        outputs = len(self.outputs)
        if isinstance(metrics, dict):
            lists = self._by_output(metrics, "metrics", [])
        elif metrics and all(isinstance(item, (list, tuple)) or item is None for item in metrics):
            if len(metrics) != outputs:
                raise ValueError(f"{self.name}.compile: give one list of metrics per output ({outputs}), received "
                                 f"{len(metrics)}")
            lists = metrics
        else:
            # One list for every output: a Metric object stands for its config, so each output builds its own
            # (state of its own, named "<output>_<name>").
            lists = [[_as_config(m) for m in metrics] for _ in range(outputs)]
        return [list(items) if isinstance(items, (list, tuple)) else ([] if items is None else [items])
                for items in lists]

    def _resolve_metrics(self, shapes, targets):
        """The compiled metrics as objects, and the output each one reads; with several outputs a metric made from
        a name is logged as "<output>_<name>"."""
        if self.single_output:
            return [metrics_module.get(m, self.loss, shapes[0], targets[0].shape)
                    for m in self._metric_identifiers], [0] * len(self._metric_identifiers)
        resolved, outputs = [], []
        for k, (items, loss, tensor) in enumerate(zip(self._metric_identifiers, self.loss.losses, self.outputs)):
            for identifier in items:
                metric = metrics_module.get(identifier, loss, shapes[k], targets[k].shape)
                if not isinstance(identifier, metrics_module.Metric):
                    metric.name = f"{tensor.layer.name}_{metric.name}"
                resolved.append(metric)
                outputs.append(k)
        return resolved, outputs

    def _update_metrics(self, y, y_pred, sample_weight):
        for metric, output in zip(self._metrics, self._metric_outputs, strict=True):
            targets, outputs = (y, y_pred) if self.single_output else (self._inputs(y)[output], y_pred[output])
            metric.update_state(targets, outputs, sample_weight=sample_weight)

    def _output_weights(self, loss_weights, outputs):
        if loss_weights is None:
            return None
        if isinstance(loss_weights, dict):
            loss_weights = self._by_output(loss_weights, "loss_weights", 1.0)
        weights = list(loss_weights)
        if len(weights) != outputs or not all(isinstance(w, numbers.Real) and not isinstance(w, bool)
                                              and np.isfinite(w) for w in weights):
            raise ValueError(f"{self.name}.compile: loss_weights must be {outputs} finite numbers, one per output, "
                             f"received {loss_weights!r}")
        return weights

    def _trained_parameters(self):
        """The parameters training updates: those trainable at the last `compile`."""
        flags = self._compiled_trainable or {}
        return self.trainable_weights_where(lambda layer: flags.get(layer, layer.trainable))

    # ---- shared pieces -------------------------------------------------------------------------
    def _require_compiled(self, what):
        if self.loss is None:
            raise RuntimeError(f"{self.name}.{what}: call compile(optimizer, loss) first")

    @property
    def fuses_loss_gradient(self) -> bool:
        """Whether training uses the loss's fused gradient dJ/dz = (p - y)/M through the output activation."""
        return self.loss is not None and self.loss.fuses_with(self.output_activation)

    def _prepare(self, x, y, where, targets=True):
        """Check and shape the data, build the model, and resolve the metrics; return (x, y).

        Without ``targets`` (predict) only x is checked and y is returned as None.
        """
        if self.single_input:
            x = np.asarray(x)
            if x.ndim == 0:
                raise ValueError(f"{where}: x must be an array of samples, received a scalar")
            self._build_for(x.shape, where)
            x = self._numbers(x, "x", where)
        else:
            x = SampleArrays(x, "x", where)
            self._build_for([a.shape for a in x], where)
            x.arrays = [self._numbers(array, "x", where) for array in x]
        if not targets:
            return x, None
        if y is None:
            raise ValueError(f"{where}: targets y are required")
        y = SampleArrays([y] if self.single_output else y, "y", where)
        if len(x) != len(y):
            raise ValueError(f"{where}: x has {len(x)} samples but y has {len(y)}; they must match")
        if len(x) == 0:
            # A loss or metric averaged over no samples is 0/0: an error, never a silent 0.0 or a
            # ZeroDivisionError. (predict, which has no targets, returns an empty array as NumPy would.)
            raise ValueError(f"{where}: x and y hold no samples (received x of shape {_shapes(x)}); "
                             "at least one sample is needed")
        shapes = self.compute_output_shape((None,) + x.shape[1:] if self.single_input else
                                           [(None,) + a.shape[1:] for a in x])
        shapes = [shapes] if self.single_output else shapes
        losses = [self.loss] if self.single_output else self.loss.losses
        y = [self._prepare_targets(t, loss, shape, where) for t, loss, shape in zip(y, losses, shapes)]
        if self._metrics is None:
            self._metrics, self._metric_outputs = self._resolve_metrics(shapes, y)
        return x, (y[0] if self.single_output else SampleArrays(y, "y", where))

    def _build_for(self, shapes, where):
        """Build for inputs of ``shapes`` (one shape, or one per input); a mismatch names the call."""
        try:
            self.build((None,) + shapes[1:] if self.single_input else [(None,) + s[1:] for s in shapes])
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from error

    def _prepare_targets(self, y, loss, output_shape, where):
        """Check targets y against ``loss`` and outputs of ``output_shape``; return them shaped and cast."""
        sparse = isinstance(loss, losses_module.SparseCategoricalCrossentropy)
        if y.ndim == 1 and tuple(output_shape[1:]) == (1,) and not sparse:
            y = y.reshape(-1, 1)
        y = self._numbers(y, "y", where)
        loss.check_targets(y, output_shape)
        return y if sparse else y.astype(self.dtype, copy=False)

    def _numbers(self, array, what, where):
        """``array`` checked to hold numbers that stay finite in the model's dtype (an object array converted)."""
        converted = as_numbers(array, what, where, self.dtype)
        check_finite(converted, what, where, self.dtype, original=array)
        return converted

    def _logs(self, loss_tracker):
        return {"loss": loss_tracker.result(), **{m.name: m.result() for m in self._metrics}}

    @property
    def metrics(self) -> list:
        """The loss tracker (a `Mean` named "loss") and the compiled metrics, with the results of the last fit,
        evaluate or train/test_on_batch; empty before the first of them, as in Keras."""
        return ([self._loss_tracker] if self._loss_tracker is not None else []) + list(self._metrics or [])

    @property
    def metrics_names(self) -> list:
        """The names of `metrics`: "loss", then each metric's name, the keys of the logs."""
        return [metric.name for metric in self.metrics]

    def _fresh_loss_tracker(self):
        self._loss_tracker = metrics_module.Mean(name="loss")
        return self._loss_tracker

    def _reset_metrics(self):
        for metric in self._metrics or []:
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

    def _cast(self, batch):
        """Convert one batch (uint8 images included) to the model's float type; data is never cast whole."""
        if isinstance(batch, SampleArrays):
            return batch.astype(self.dtype, copy=False)
        return batch.astype(self.dtype, copy=False) if np.issubdtype(batch.dtype, np.number) else batch

    def _inputs(self, batch):
        """A batch as a call takes it: the array, or the list of arrays of a model of several inputs."""
        return batch.arrays if isinstance(batch, SampleArrays) else batch

    def _infer(self, x, training=False):
        """The outputs of one batch through a call of its own (re-entrant: no state is shared)."""
        return self.new_call()(self._inputs(x), training=training, input_gradient=False)

    def _evaluated_loss(self, y, y_pred, sample_weight, added_loss):
        """The compiled loss of one batch's outputs in inference mode plus the terms of ``add_loss``
        (`_evaluated_outputs`): Keras evaluates the loss it trains on, a VAE's KL term included."""
        return self.loss(self._inputs(y), y_pred, sample_weight) + added_loss

    def _evaluated_outputs(self, x):
        """(the outputs, the sum of the ``add_loss`` terms) of one batch in inference mode."""
        call = self.new_call()
        return call(self._inputs(x), training=False, input_gradient=False), call.added_loss

    def _batches_at_once(self, stochastic=False):
        """How many batches' inference `predict` and `evaluate` run side by side (`side_by_side`), after the first
        batch: `_BATCHES_PER_LANE` per lane when the model's passes use lanes on this machine and its batches are
        independent (`Layer.independent_batches`), else 1. Monte Carlo passes (``stochastic``) draw from shared
        generators, and run one after another so that a seed gives the same draws."""
        if stochastic or not getattr(self, "independent_batches", False) or not uses_lanes(self.memory_bound):
            return 1
        return threads() * _BATCHES_PER_LANE

    # ---- files (see layerwise.saving) ---------------------------------------------------------
    def save(self, filepath):
        """Save architecture, weights, compile config and optimizer state to one file, atomically."""
        from layerwise import saving
        saving.save_model(self, filepath)

    def to_json(self, **kwargs) -> str:
        """The architecture (the model's config, no weights) as a JSON string; ``**kwargs`` go to json.dumps.
        `layerwise.models.model_from_json` rebuilds it."""
        return json.dumps(serialization.serialize(self), **kwargs)

    def save_weights(self, filepath):
        """Save the weights, by name, to a safetensors file, atomically."""
        from layerwise import saving
        saving.save_weights(self, filepath)

    def load_weights(self, filepath):
        """Load weights by name from a safetensors file (or a model file); mismatches are listed."""
        from layerwise import saving
        saving.load_weights(self, filepath)

    def _batches(self, x, y, batch_size, shuffle, steps, where, targets=True, sample_weight=None):
        """Return (batches, convert): a stream with ``.steps`` and ``.epoch()`` of raw (x, y, sample_weight)
        batches, and the function that makes each raw batch ready for the model (see `layerwise.data.adapter`)."""
        if is_batch_source(x):
            if y is not None or sample_weight is not None:
                raise ValueError(f"{where}: y and sample_weight must be left unset when x is a Dataset, Sequence or "
                                 "generator; it yields (x, y) or (x, y, sample_weight) batches itself")
            return SourceBatches(x, steps, where), lambda *batch: self._prepare_batch(*batch, where, targets)
        if steps is not None:
            raise ValueError(f"{where}: steps apply to a Dataset, Sequence or generator; for arrays give "
                             f"batch_size instead (received steps={steps!r})")
        x, y = self._prepare(x, y, where, targets)
        weights = check_sample_weight(sample_weight, len(x), where)
        return (ArrayBatches(x, y, _batch_size(batch_size, where), shuffle, weights),
                lambda xb, yb, wb: (self._cast(xb), yb, wb))

    def _prepare_batch(self, x, y, sample_weight, where, targets):
        if targets and y is None:
            raise ValueError(f"{where}: the data source yielded a batch without targets; yield (x, y)")
        x, y = self._prepare(x, y, where, targets)
        return self._cast(x), y, check_sample_weight(sample_weight, len(x), where)

    # ---- one step ------------------------------------------------------------------------------
    def _train_step(self, x, y, watch=None, position=(None, None), sample_weight=None):
        """One gradient step on the (sample-weighted) loss; returns (loss, outputs, a `Divergence` report or None).

        A loss or gradient gone wrong is reported before the update, which is then not applied; a parameter or
        optimizer state gone non-finite, after it (see `layerwise.models._divergence`)."""
        watch = watch or DivergenceWatch(self)
        parameters = self._trained_parameters()
        for parameter in parameters:
            parameter.zero_grad()
        call = self.new_call()
        y_true = self._inputs(y)
        # A diverging step overflows in many places; it is reported once, by the DivergenceWatch,
        # instead of as a stream of RuntimeWarnings from every matmul and loss on the way.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            y_pred = call(self._inputs(x), training=True, input_gradient=False, trained=parameters,
                          previous=self._last_training_call)
            self._last_training_call = call
            loss_value = self.loss(y_true, y_pred, sample_weight)
            # Dynamic loss scaling (`LossScaleOptimizer`): every gradient is formed from S J, so dJ/dy of the
            # loss, the activity penalties' dR/dy and the weight penalties' dR/dθ are all multiplied by S.
            scale = self.optimizer.scale_loss(1.0)
            if scale != 1.0:
                _scale_activity_gradients(call, scale)
            gradient = self.loss.fused_gradient if self.fuses_loss_gradient else self.loss.gradient
            seed = _scaled(self.loss.weigh(gradient(y_true, _widened(y_pred, scale)), sample_weight), scale, y_pred)
            if self.fuses_loss_gradient:
                call.backward_preactivation(seed)
            else:
                call.backward(seed)
            loss_value += call.activity_penalty + self._add_regularization(parameters, scale)
            divergence = self._checked_update(watch, loss_value, parameters, x, position)
        return loss_value, y_pred, divergence

    @on_all_cores
    def _checked_update(self, watch, loss_value, parameters, x, position):
        """The checks before the update, the optimizer's update and the checks after it (`DivergenceWatch`); returns
        the divergence found, or None. Run as the model's passes are: in lanes where they run in lanes, BLAS held to
        one thread, so that the step and the checks take BLAS's threads (`layerwise.ops.elementwise.STEP_KERNEL`)
        only where the passes leave the cores to BLAS. After a pass in lanes, BLAS's parked threads woken by each
        parameter's step met the lanes' threads on the cores: the lectures' CNN's training steps took 1.5 times as
        long, ResNet-20's 1.17 times (on the AMD Zen 4 machine, bench/step_kernel.py)."""
        divergence = watch.before_update(loss_value, parameters, self._inputs(x), position,
                                         check_gradients=not self.optimizer.handles_non_finite_gradients)
        if divergence is None:
            self.optimizer.apply(parameters)
            divergence = watch.after_update(loss_value, parameters, self.optimizer, position)
        return divergence

    @staticmethod
    def _add_regularization(parameters, scale=1.0) -> float:
        """Add each regularizer's gradient (times the loss scale) into its parameter; return the summed weight
        penalties."""
        penalty = 0.0
        for parameter in parameters:
            if parameter.regularizer is not None:
                penalty += float(parameter.regularizer(parameter.value))
                parameter.grad += _scaled(parameter.regularizer.gradient(parameter.value), scale)
        return penalty

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient step on one batch; returns its loss (and metrics), as Keras does.

        ``sample_weight`` (one weight per sample) or ``class_weight`` (``{class: weight}``) weigh each sample's loss
        and metrics, as in `fit`.
        """
        self._require_compiled("train_on_batch")
        x, y = self._prepare(x, y, "train_on_batch")
        weights = self._training_weights(y, sample_weight, class_weight, len(x), "train_on_batch")
        loss_value, y_pred, divergence = self._train_step(self._cast(x), y, sample_weight=weights)
        if divergence is not None:
            raise DivergenceError(divergence.message, divergence)
        return self._batch_result(loss_value, y, y_pred, weights, len(x), return_dict)

    def test_on_batch(self, x, y, sample_weight=None, return_dict=False):
        """Loss (and metrics) of one batch in inference mode, each sample weighted by ``sample_weight``."""
        self._require_compiled("test_on_batch")
        x, y = self._prepare(x, y, "test_on_batch")
        weights = check_sample_weight(sample_weight, len(x), "test_on_batch")
        y_pred, added_loss = self._evaluated_outputs(self._cast(x))
        loss_value = self._evaluated_loss(y, y_pred, weights, added_loss)
        return self._batch_result(loss_value, y, y_pred, weights, len(x), return_dict)

    def _training_weights(self, y, sample_weight, class_weight, count, where):
        """The sample weights of one training call: ``sample_weight``, or those of ``class_weight``, or None."""
        weights = check_sample_weight(sample_weight, count, where)
        class_weight = check_class_weight(class_weight, where)
        if class_weight is None:
            return weights
        if weights is not None:
            raise ValueError(f"{where}: give sample_weight or class_weight, not both (as Keras)")
        if not self.single_output:
            raise ValueError(f"{where}: class_weight needs a model of one output, this one has {len(self.outputs)}")
        return class_sample_weights(y, class_weight)

    def _batch_result(self, loss_value, y, y_pred, sample_weight, count, return_dict):
        tracker = self._fresh_loss_tracker()
        tracker.update_state(loss_value, count)
        self._reset_metrics()
        self._update_metrics(y, y_pred, sample_weight)
        return self._format_result(self._logs(tracker), return_dict)

    @staticmethod
    def _format_result(logs, return_dict):
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict_on_batch(self, x):
        """The model's outputs for one batch, in inference mode."""
        x, _ = self._prepare(x, None, "predict_on_batch", targets=False)
        return self._infer(self._cast(x))

    # ---- the loops -----------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0,
            validation_batch_size=None, validation_freq=1, steps_per_epoch=None, validation_steps=None,
            class_weight=None, sample_weight=None):
        """Train on mini-batches, reshuffled every epoch (lecture 003); return a `History`.

        Args:
            x, y: training inputs and targets (arrays); or x alone, a `layerwise.data.Dataset`, a
                `layerwise.data.Sequence` or a generator yielding (x, y) batches.
            batch_size: samples per gradient step for arrays (default 32).
            epochs: index of the last epoch to run (counting from 1).
            verbose: 0 silent, 1 (or "auto") a live progress bar, 2 one line per epoch.
            callbacks: a list of `layerwise.callbacks.Callback`.
            validation_split: fraction of the data (arrays only), taken from the end before shuffling,
                held out for validation, as Keras does.
            validation_data: ``(x_val, y_val)``, ``(x_val, y_val, sample_weight_val)`` or a batch source, used
                instead of ``validation_split``.
            shuffle: draw a new order of the training samples every epoch (arrays; a Dataset shuffles
                itself).
            initial_epoch: epoch to start from (for resuming); a callback may override it (`resume_epoch`,
                or `resume_position` for a point inside an epoch that `fit_position` gave).
            validation_batch_size: batch size of the validation pass (default: batch_size).
            validation_freq: validate every this many epochs.
            steps_per_epoch: batches per epoch from a batch source (default: its length; required for
                a generator that loops forever).
            validation_steps: batches per validation pass from a batch source.
            class_weight: ``{class index: weight}``: each training sample's loss and metrics weighted by its
                class's weight (1 for classes left out), the class read from its targets (the arg max of one-hot
                rows); a model of one output; not with ``sample_weight``.
            sample_weight: one weight per training sample (arrays; a batch source yields (x, y, sample_weight)):
                the loss is Keras's (1/N) sum_n w_n l_n over each batch of N, and metrics weigh samples alike.

        Raises:
            ValueError: data that does not fit the model or the loss, or holds NaN/inf.
            ValueError: an argument of the wrong type or range (named, with the expected and the received
                value), raised before any work is done; data without samples.
            DivergenceError: a loss or gradient became NaN or infinite (the step is not applied), or a
                parameter or optimizer state array did in the update; the message names the epoch, the
                batch and the layer that went first. With a `TerminateOnNaN` callback training instead
                stops after that batch (also when a loss grows past its ``max_loss_growth``), and the
                History's ``divergence`` holds the report.
        """
        self._require_compiled("fit")
        # Every argument is checked before any work (building, a pass over the data, an epoch) is done.
        batch_size = _batch_size(batch_size, "fit")
        epochs = check_integer(epochs, "epochs", "fit", minimum=0)
        initial_epoch = check_integer(initial_epoch, "initial_epoch", "fit", minimum=0)
        validation_freq = check_integer(validation_freq, "validation_freq", "fit")
        for argument, value in (("validation_batch_size", validation_batch_size),
                                ("steps_per_epoch", steps_per_epoch), ("validation_steps", validation_steps)):
            check_integer(value, argument, "fit", allow_none=True)
        verbose = verbose_level(verbose, "fit")
        class_weight = check_class_weight(class_weight, "fit")
        if class_weight is not None and sample_weight is not None:
            raise ValueError("fit: give sample_weight or class_weight, not both (as Keras)")
        if class_weight is not None and not self.single_output:
            raise ValueError(f"fit: class_weight needs a model of one output, this one has {len(self.outputs)}")
        validation_data = _validation_pair(validation_data)
        if validation_data is None and validation_split:
            if isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real) or not (
                    0 < validation_split < 1):
                raise ValueError(f"fit: validation_split must lie in (0, 1), received {validation_split!r}")
            if is_batch_source(x):
                raise ValueError(f"fit: validation_split needs arrays, received {type(x).__name__}; pass "
                                 "validation_data instead")
        batches, convert = self._batches(x, y, batch_size, shuffle, steps_per_epoch, "fit",
                                         sample_weight=sample_weight)
        if validation_data is None and validation_split:
            split = int(len(batches.x) * (1 - validation_split))
            if not 0 < split < len(batches.x):
                raise ValueError(f"fit: validation_split={validation_split!r} of {len(batches.x)} samples leaves "
                                 f"{split} for training and {len(batches.x) - split} for validation; both need one")
            weights = batches.sample_weight
            validation_data = (batches.x[split:], batches.y[split:], None if weights is None else weights[split:])
            batches = ArrayBatches(batches.x[:split], batches.y[:split], batch_size, shuffle,
                                   None if weights is None else weights[:split])
        elif validation_data is not None and len(validation_data) > 1:
            # Checked now, so that bad validation arrays fail at the call, not after the first epoch.
            x_val, y_val = self._prepare(*validation_data[:2], "fit (validation_data)")
            check_sample_weight(validation_data[2] if len(validation_data) == 3 else None, len(x_val),
                                "fit (validation_data)")
        callback_list, history = self._callbacks(callbacks, verbose, epochs=epochs, steps=batches.steps)
        terminate = next((c for c in callback_list.callbacks if isinstance(c, TerminateOnNaN)), None)
        watch = DivergenceWatch(self, terminate and terminate.max_loss_growth,
                                keeps_norm_bounds=not any(c.writes_weights for c in callback_list.callbacks))
        history.divergence = None
        loss_tracker = self._fresh_loss_tracker()
        self.stop_training = False
        callback_list.on_train_begin()
        initial_epoch, self.resume_epoch = self.resume_epoch or initial_epoch, None
        position, self.resume_position = self.resume_position, None
        if position is not None:
            if not isinstance(batches, ArrayBatches):
                raise ValueError("fit: a run can resume inside an epoch only from arrays, not from a Dataset, "
                                 "Sequence or generator")
            initial_epoch = position["epoch"]
        for epoch in range(initial_epoch, epochs):
            loss_tracker.reset_state()
            self._reset_metrics()
            start, order = 0, None
            if position is not None and epoch == position["epoch"]:
                start, order = position["next_batch"], position["order"]
                order = None if order is None else np.asarray(order)
                self._restore_trackers(position, loss_tracker)
            callback_list.on_epoch_begin(epoch)
            # Only arrays resume inside an epoch (checked above); other sources always start one afresh.
            stream = batches.epoch(start, order) if start else batches.epoch()
            for step, raw_batch in enumerate(stream, start):
                x_batch, y_batch, w_batch = convert(*raw_batch)
                if class_weight is not None:
                    w_batch = class_sample_weights(y_batch, class_weight)
                callback_list.on_train_batch_begin(step)
                loss_value, y_pred, divergence = self._train_step(x_batch, y_batch, watch, (epoch, step),
                                                                  sample_weight=w_batch)
                if divergence is not None:
                    if terminate is None:
                        raise DivergenceError(divergence.message, divergence)
                    history.divergence = terminate.divergence = divergence
                loss_tracker.update_state(loss_value, len(x_batch))
                self._update_metrics(y_batch, y_pred, w_batch)
                self._progress = (epoch, step + 1, batches, loss_tracker)
                callback_list.on_train_batch_end(step, self._logs(loss_tracker))
                if self.stop_training:
                    break
            logs = self._logs(loss_tracker)
            if validation_data is not None and (epoch + 1) % validation_freq == 0:
                x_val, y_val, w_val = (*validation_data, None, None)[:3]
                val_logs = self.evaluate(x_val, y_val, batch_size=validation_batch_size or batch_size, verbose=0,
                                         return_dict=True, steps=validation_steps, sample_weight=w_val)
                logs.update({f"val_{key}": value for key, value in val_logs.items()})
            callback_list.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        callback_list.on_train_end()
        self._progress = None
        return history

    def fit_position(self) -> dict:
        """Where the running `fit` is, after the batch that just ended: what a checkpoint taken inside an
        epoch keeps so that `resume_position` continues it exactly (JSON-ready: epoch, next_batch, order,
        and the epoch's running loss and metric totals). Arrays only."""
        if self._progress is None or not isinstance(self._progress[2], ArrayBatches):
            raise RuntimeError(f"{self.name}.fit_position: no fit on arrays is running")
        epoch, next_batch, batches, loss_tracker = self._progress
        return {"epoch": epoch, "next_batch": next_batch,
                "order": None if batches.order is None else batches.order.tolist(),
                "loss": [loss_tracker.total, loss_tracker.count],
                "metrics": [[_json_ready(value) for value in metric.variables] for metric in self._metrics]}

    def _restore_trackers(self, position, loss_tracker):
        """The resumed epoch's running loss and metrics, as they were when its checkpoint was taken."""
        loss_tracker.total, loss_tracker.count = position["loss"]
        for metric, variables in zip(self._metrics, position["metrics"], strict=True):
            metric.set_variables(variables)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", return_dict=False, callbacks=None,
                 steps=None, sample_weight=None):
        """Loss and metrics over the data (arrays or a batch source, as `fit`) in inference mode, each sample
        weighted by ``sample_weight`` (arrays; a batch source may yield (x, y, sample_weight)) as in `fit`.

        Returns:
            The loss alone when there are no metrics, else ``[loss, metric, ...]``, or a dict with
            ``return_dict=True`` (Keras's conventions).
        """
        self._require_compiled("evaluate")
        batch_size = _batch_size(batch_size, "evaluate")
        verbose = verbose_level(verbose, "evaluate")
        batches, convert = self._batches(x, y, batch_size, False, steps, "evaluate", sample_weight=sample_weight)
        loss_tracker = self._fresh_loss_tracker()
        self._reset_metrics()
        callback_list, _ = self._callbacks(callbacks, 0)
        callback_list.on_test_begin()
        for group in _groups(enumerate(batches.epoch()), self._batches_at_once()):
            group = [(step, convert(*raw_batch)) for step, raw_batch in group]
            for step, _ in group:
                callback_list.on_test_batch_begin(step)
            results = side_by_side([functools.partial(self._evaluated_outputs, x_batch)
                                    for _, (x_batch, _, _) in group])
            for (step, (_, y_batch, w_batch)), (y_pred, added_loss) in zip(group, results):
                loss_value = self._evaluated_loss(y_batch, y_pred, w_batch, added_loss)
                loss_tracker.update_state(loss_value, len(y_batch))
                self._update_metrics(y_batch, y_pred, w_batch)
                callback_list.on_test_batch_end(step, self._logs(loss_tracker))
        logs = self._logs(loss_tracker)
        callback_list.on_test_end(logs)
        if verbose:
            print(format_logs(logs))
        return self._format_result(logs, return_dict)

    def predict(self, x, batch_size=None, verbose="auto", callbacks=None, steps=None, mc_samples=None):
        """The model's outputs for every sample (arrays or a batch source), in batches, in inference mode.

        Args:
            x: input samples, or a Dataset, Sequence or generator yielding input batches.
            batch_size: samples per forward pass (default 32).
            verbose, callbacks: as Keras's.
            steps: batches to draw from a generator.
            mc_samples: N >= 1 for Monte Carlo dropout (lecture 001, "Monte Carlo averaging vs weight
                scaling"): the mean of N forward passes in which only the stochastic layers (dropout,
                noise) run in training mode, so every pass draws fresh masks while layers such as batch
                normalization stay in inference mode. None: one deterministic pass (weight scaling).

        Where the model's passes use lanes on this machine and its batches are independent
        (`Layer.independent_batches`), `predict` and `evaluate` run the batches after the first side by side, one
        per lane, in groups of 8 per lane: the callbacks see each group's ``on_predict_batch_begin`` calls before
        it runs, and its ``on_predict_batch_end`` calls after.
        """
        check_integer(mc_samples, "mc_samples", "predict", allow_none=True)
        batch_size = _batch_size(batch_size, "predict")
        verbose_level(verbose, "predict")
        batches, convert = self._batches(x, None, batch_size, False, steps, "predict", targets=False)
        callback_list, _ = self._callbacks(callbacks, 0)
        callback_list.on_predict_begin()
        outputs = []
        for group in _groups(enumerate(batches.epoch()), self._batches_at_once(mc_samples is not None)):
            x_batches = [convert(x_batch, None, None)[0] for _, (x_batch, _, _) in group]
            for step, _ in group:
                callback_list.on_predict_batch_begin(step)
            outputs += side_by_side([functools.partial(self._predict_batch, x_batch, mc_samples)
                                     for x_batch in x_batches])
            for step, _ in group:
                callback_list.on_predict_batch_end(step)
        callback_list.on_predict_end()
        if not outputs:
            if not isinstance(batches, ArrayBatches):
                raise ValueError("predict: the data source yielded no batches")
            shape = (0,) + tuple(batches.x.shape[1:]) if self.single_input else [a.shape for a in batches.x]
            shapes = self.compute_output_shape(shape)
            outputs = [[np.empty(s, self.dtype) for s in shapes]] if not self.single_output else [
                np.empty(shapes, self.dtype)]
        if self.single_output:
            return np.concatenate(outputs)
        return [np.concatenate([batch[k] for batch in outputs]) for k in range(len(outputs[0]))]

    def _predict_batch(self, x_batch, mc_samples):
        if mc_samples is None:
            return self._infer(x_batch)
        if not self.single_output:
            raise ValueError(f"{self.name}.predict: mc_samples needs a model of one output")
        total = np.array(self._infer(x_batch, training="stochastic"))
        for _ in range(mc_samples - 1):
            total += self._infer(x_batch, training="stochastic")
        total /= mc_samples
        return total


def _groups(items, size):
    """The first item alone, then lists of ``size`` consecutive items (the last may be shorter): a model that builds
    its weights on its first call builds them in the calling thread, before any batches run side by side."""
    group, first = [], True
    for item in items:
        group.append(item)
        if first or len(group) == size:
            yield group
            group, first = [], False
    if group:
        yield group


def _as_config(metric):
    """A Metric object's config (what builds a copy of it); a name or config as it is."""
    return metrics_module.serialize(metric) if isinstance(metric, metrics_module.Metric) else metric


def _json_ready(value):
    """A metric's state value as JSON: arrays as lists."""
    return value.tolist() if isinstance(value, np.ndarray) else value
