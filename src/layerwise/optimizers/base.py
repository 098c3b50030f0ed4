"""The optimizer protocol: per-parameter state, built once, and an update rule applied in place."""

import math
import numbers
import warnings

import numpy as np

from layerwise.ops._memory import aligned_copy
from layerwise.optimizers import schedules


class Optimizer:
    """Base class of optimizers: θ ← update(θ, dJ/dθ, state) for every trainable parameter.

    Subclasses implement `build_slots` (the state of one parameter, e.g. a momentum buffer) and
    `update_step` (the rule, in place on ``parameter.value``). Layers never own an optimizer; a model
    hands its parameters to `apply` after each backward pass, which, as Keras's ``apply`` does:

    1. clips the gradients g (in place in ``parameter.grad``): ``clipvalue`` v: g ← clip(g, -v, v);
       ``clipnorm`` c: g ← g c / max(||g||, c) per tensor; ``global_clipnorm`` c: every g ← g c / max(G, c)
       with G = sqrt(sum over tensors of ||g||^2);
    2. applies decoupled weight decay λ (Loshchilov & Hutter): θ ← θ - α λ θ, before the update;
    3. runs `update_step` with the learning rate α of this step (a schedule is evaluated at
       `iterations`, counted from 0);
    4. projects θ with the parameter's constraint, if any.

    Args:
        learning_rate: a float, or a schedule (a callable of the step count) returning one.
        name: a name for the optimizer.
        lr: Keras 2's spelling of ``learning_rate`` (lecture 003 writes ``SGD(lr=0.1)``), accepted with a
            DeprecationWarning.
        decay: Keras 2's per-step decay r, accepted with a DeprecationWarning: the learning rate becomes
            α_t = α / (1 + r t), an `InverseTimeDecay` schedule of step t = `iterations`, as Keras 2 applied it.
        weight_decay: λ of the decoupled weight decay (None or 0: none).
        clipnorm: clip each gradient tensor to this L2 norm.
        clipvalue: clip each gradient entry to [-clipvalue, clipvalue].
        global_clipnorm: clip all gradients together to this global L2 norm.

    Slots whose names start with "_" are scratch buffers (preallocated to avoid temporaries), not state.

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Parameter
        >>> class SignSGD(Optimizer):
        ...     def update_step(self, parameter, slots, learning_rate):
        ...         parameter.value -= learning_rate * np.sign(parameter.grad)
        >>> w = Parameter(np.array([1.0, 1.0]), "w")
        >>> w.grad[:] = [3.0, -0.5]
        >>> optimizer = SignSGD(learning_rate=0.1)
        >>> optimizer.apply([w])  # θ ← θ - 0.1 sign(g)
        >>> w.value, optimizer.iterations
        (array([0.9, 1.1]), 1)
    """

    #: Names of scalar attributes that change during training besides `iterations` and the slots
    #: (e.g. a running product of decay factors); they are saved with the state so training resumes
    #: exactly.
    state_attributes = ()
    #: Whether `apply` itself deals with gradients that are not finite (`LossScaleOptimizer` skips the step),
    #: so that a model's training step does not report them as a divergence.
    handles_non_finite_gradients = False

    def __init__(self, learning_rate=0.001, name=None, lr=None, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, decay=None):
        if lr is not None:
            _deprecated(type(self).__name__, "lr", "learning_rate")
            learning_rate = lr
        if decay:
            _deprecated(type(self).__name__, "decay", "learning_rate=InverseTimeDecay(lr, 1, decay)")
            if not np.isscalar(decay) or decay < 0 or callable(learning_rate):
                raise ValueError(f"{type(self).__name__}: decay must be a non-negative float with a constant "
                                 f"learning rate, received decay={decay!r}, learning_rate={learning_rate!r}")
            learning_rate = schedules.InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=decay)
        if isinstance(learning_rate, dict):
            learning_rate = schedules.deserialize(learning_rate)
        is_number = isinstance(learning_rate, numbers.Real) and not isinstance(learning_rate, bool)
        if not callable(learning_rate) and (not is_number or learning_rate < 0):
            raise ValueError(
                f"{type(self).__name__}: learning_rate must be a non-negative float or a schedule, "
                f"received {learning_rate!r}")
        for argument, value in (("weight_decay", weight_decay), ("clipnorm", clipnorm),
                                ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)):
            if value is not None and (not np.isscalar(value) or value < 0):
                raise ValueError(f"{type(self).__name__}: {argument} must be a non-negative float or None, "
                                 f"received {value!r}")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"{type(self).__name__}: only one of clipnorm, clipvalue and global_clipnorm "
                             f"can be set, received clipnorm={clipnorm}, clipvalue={clipvalue}, "
                             f"global_clipnorm={global_clipnorm}")
        self._learning_rate = learning_rate
        self.name = name or type(self).__name__.lower()
        self.weight_decay, self.clipnorm = weight_decay, clipnorm
        self.clipvalue, self.global_clipnorm = clipvalue, global_clipnorm
        self.iterations = 0
        self._slots = {}
        #: {parameter: ||θ||²} after the last `apply`, for the parameters whose update step found it itself (plain
        #: gradient descent's step, `layerwise.ops.elementwise.add_scaled_norm`): `fit`'s checks need not read those
        #: parameters again.
        self.updated_squared_norms = {}
        #: {parameter: an upper bound on ||θ_after - θ_before||} after the last `apply`, for the parameters whose update
        #: added a product bounded by its factors' norms (plain gradient descent's step by GEMM from the gradient's
        #: factors, `layerwise.layers.Parameter.grad_factors`): `fit`'s checks bound ||θ|| from it where they know
        #: ||θ|| before the update, instead of reading θ again.
        self.update_norm_bounds = {}

    @property
    def learning_rate(self) -> float:
        """The learning rate for the current step (a schedule is evaluated at `iterations`)."""
        if callable(self._learning_rate):
            return float(self._learning_rate(self.iterations))
        return float(self._learning_rate)

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = value

    def build_slots(self, parameter) -> dict:
        """The state arrays of one parameter, by name (none for plain gradient descent). `build` keeps copies of
        them on a cache line (`layerwise.ops._memory`), so `update_step` must reach the state through its
        ``slots``, not through arrays kept from here."""
        return {}

    def build(self, parameters) -> None:
        """Create the state of every parameter not seen before."""
        for parameter in parameters:
            if parameter not in self._slots:
                self._slots[parameter] = {name: aligned_copy(array)
                                          for name, array in self.build_slots(parameter).items()}

    def clip_gradients(self, gradients) -> None:
        """Clip the gradient arrays in place by ``clipvalue``, ``clipnorm`` or ``global_clipnorm``."""
        if self.clipvalue is not None:
            for gradient in gradients:
                np.clip(gradient, -self.clipvalue, self.clipvalue, out=gradient)
        elif self.clipnorm is not None:
            for gradient in gradients:
                gradient *= self.clipnorm / max(math.sqrt(float(np.vdot(gradient, gradient))), self.clipnorm)
        elif self.global_clipnorm is not None:
            norm = math.sqrt(sum(float(np.vdot(g, g)) for g in gradients))
            for gradient in gradients:
                gradient *= self.global_clipnorm / max(norm, self.global_clipnorm)

    def apply(self, parameters) -> None:
        """Clip, decay and update every trainable parameter from its ``grad``, then apply its constraint.

        Each update runs on the calling thread: the compiled step of plain gradient descent is one pass at the
        memory's speed, and a second thread of layerwise's own taking half of each large parameter did not pay (the
        AMD Zen 4 machine: MLP and CNN epochs with SGD, momentum and Adam within noise of one thread; the Intel VM's
        two threads get less memory bandwidth in total than one). Plain gradient descent's step may run on BLAS's
        threads instead, where the calibration measured that faster (`layerwise.ops.elementwise.STEP_KERNEL`).
        """
        parameters = [p for p in parameters if p.trainable]
        self.build(parameters)
        learning_rate = self.learning_rate
        if (self.clipvalue, self.clipnorm, self.global_clipnorm) != (None, None, None):
            self.clip_gradients([p.grad for p in parameters])
        self.updated_squared_norms, self.update_norm_bounds = {}, {}
        for parameter in parameters:
            weight_decay = self.weight_decay_of(parameter)
            if weight_decay:
                parameter.value *= 1.0 - learning_rate * weight_decay
            squared_norm = self.update_step(parameter, self._slots[parameter], learning_rate)
            if isinstance(squared_norm, numbers.Real):  # a step of another kind may return anything else
                self.updated_squared_norms[parameter] = squared_norm
            if weight_decay:  # θ_before is the decayed θ, which no check has seen
                self.update_norm_bounds.pop(parameter, None)
        for parameter in parameters:
            if parameter.constraint is not None:
                parameter.value[...] = parameter.constraint(parameter.value)
                self.updated_squared_norms.pop(parameter, None)
                self.update_norm_bounds.pop(parameter, None)
        self.iterations += 1

    def weight_decay_of(self, parameter):
        """λ of the decoupled weight decay of one parameter (``weight_decay`` for all of them here)."""
        return self.weight_decay

    def scale_loss(self, loss):
        """The loss (or its gradient dJ/dy, by linearity) as the gradients are formed from it: unchanged here;
        `LossScaleOptimizer` multiplies it by its loss scale."""
        return loss

    def update_step(self, parameter, slots, learning_rate):
        """Update ``parameter.value`` from ``parameter.grad``; return its squared norm afterwards where the update
        found it in the same pass (`updated_squared_norms`), else None (and then, where the update can bound how far
        it moved θ, it enters the bound in `update_norm_bounds`)."""
        raise NotImplementedError

    @property
    def variables(self):
        """The optimizer's state arrays, in parameter order, for saving and inspection."""
        return [array for slots in self._slots.values() for name, array in slots.items()
                if not name.startswith("_")]

    def slot_variables(self) -> dict:
        """Every built state array, live, as ``{"<parameter name>/<slot name>": array}`` (for saving).

        Together with `iterations` and the `state_attributes` this is the optimizer's whole state, which
        `layerwise.saving` saves and restores without knowing the class.
        """
        return {f"{parameter.name}/{slot}": array
                for parameter, slots in self._slots.items() for slot, array in slots.items()
                if not slot.startswith("_")}

    def get_config(self) -> dict:
        learning_rate = self._learning_rate
        if callable(learning_rate):
            learning_rate = schedules.serialize(learning_rate)
        return {"name": self.name, "learning_rate": learning_rate, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "clipvalue": self.clipvalue,
                "global_clipnorm": self.global_clipnorm}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _deprecated(owner, argument, instead):
    warnings.warn(f"{owner}: the argument {argument} is Keras 2's; use {instead}", DeprecationWarning, stacklevel=4)


def check_fraction(owner, argument, value, upper_inclusive=False):
    """Return ``value`` as a float in [0, 1) (or [0, 1]), else raise a ValueError naming the argument."""
    if not np.isscalar(value) or not (0 <= value < 1 or (upper_inclusive and value == 1)):
        interval = "[0, 1]" if upper_inclusive else "[0, 1)"
        raise ValueError(f"{owner}: {argument} must lie in {interval}, received {value!r}")
    return float(value)


def moving_average(average, decay, value, scratch) -> None:
    """average ← decay · average + (1 - decay) · value, in place, with ``scratch`` (may be ``value``)."""
    average *= decay
    average += np.multiply(value, 1.0 - decay, out=scratch)
