"""LossScaleOptimizer: dynamic loss scaling around another optimizer."""

import numbers

import numpy as np

from layerwise.optimizers.base import Optimizer

# Keras's LossScaleOptimizer accepts the base optimizer arguments only at their defaults (old configs carry
# them): they belong to the inner optimizer.
_BASE_DEFAULTS = {"learning_rate": None, "weight_decay": None, "clipnorm": None, "clipvalue": None,
                  "global_clipnorm": None, "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                  "loss_scale_factor": None, "gradient_accumulation_steps": None}


class LossScaleOptimizer(Optimizer):
    """Dynamic loss scaling, as ``keras.optimizers.LossScaleOptimizer``: J is multiplied by a scale S before
    the gradients are formed, and the gradients are divided by S before ``inner_optimizer`` steps.

    In low precision (float16), small gradients underflow to 0 on the way down the network; scaling the loss
    by S scales every intermediate gradient by S (dJ/dθ is linear in J) and lifts them above the underflow
    threshold. The model's training step multiplies dJ/dy of the loss, the activity penalties' gradients
    and the weight penalties' gradients by S (`scale_loss`); `apply` then, on the gradients S dJ/dθ:

    - if any entry is NaN or infinite (S was too large), skips the step (no weight, slot or ``iterations``
      changes), halves S and resets the count of good steps;
    - else divides them by S, lets ``inner_optimizer`` apply them, and doubles S after
      ``dynamic_growth_steps`` consecutive good steps.

    The model's divergence checks leave non-finite gradients to it (a skipped step is no divergence); a
    non-finite loss is still reported.

    Args:
        inner_optimizer: the `Optimizer` that takes the steps (an instance, a name or a config).
        initial_scale: S at the start (default 2^15); better too high than too low, since it halves at once
            but doubles only every ``dynamic_growth_steps``.
        dynamic_growth_steps: good steps between two doublings of S (default 2000).
        name: a name for the optimizer.

    Learning rate, iterations and slots are the inner optimizer's. The state saved with a model adds S
    (``dynamic_scale``) and the count of good steps (``step_counter``).

    Example:
        >>> from layerwise.layers import Parameter
        >>> from layerwise.optimizers import SGD
        >>> w = Parameter(np.array([1.0]), "w")
        >>> optimizer = LossScaleOptimizer(SGD(0.1), initial_scale=8.0, dynamic_growth_steps=2)
        >>> w.grad[:] = optimizer.scale_loss(0.5)  # a gradient formed from the scaled loss: 8 × 0.5
        >>> optimizer.apply([w])  # unscaled to 0.5: w = 1 - 0.1 × 0.5
        >>> w.value, optimizer.dynamic_scale
        (array([0.95]), 8.0)
        >>> w.grad[:] = np.inf
        >>> optimizer.apply([w])  # skipped, S halved
        >>> w.value, optimizer.dynamic_scale, optimizer.iterations
        (array([0.95]), 4.0, 1)

    References:
        Micikevicius et al., "Mixed Precision Training", ICLR 2018.
    """

    #: `Model` training leaves gradients that are not finite to `apply` (the step is skipped).
    handles_non_finite_gradients = True

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000, name=None, **kwargs):
        # Not Optimizer.__init__: learning rate, iterations and clipping are the inner optimizer's, which it
        # would overwrite through the forwarding properties below.
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer: dynamic=False is not supported (as in Keras 3); received "
                             "dynamic=False")
        for argument, value in kwargs.items():
            if argument not in _BASE_DEFAULTS:
                raise TypeError(f"LossScaleOptimizer: unexpected argument {argument}={value!r}")
            if value != _BASE_DEFAULTS[argument]:
                raise ValueError(f"LossScaleOptimizer does not take {argument} (received {value!r}); set it on "
                                 f"the inner_optimizer")
        if not isinstance(inner_optimizer, Optimizer):
            from layerwise.optimizers import get  # the package imports this module

            inner_optimizer = get(inner_optimizer)
        if isinstance(inner_optimizer, LossScaleOptimizer):
            raise ValueError("LossScaleOptimizer: the inner_optimizer is already a LossScaleOptimizer")
        if not isinstance(initial_scale, numbers.Real) or not 0 < initial_scale < float("inf"):
            raise ValueError(f"LossScaleOptimizer: initial_scale must be a positive finite float, received "
                             f"{initial_scale!r}")
        if not isinstance(dynamic_growth_steps, numbers.Integral) or dynamic_growth_steps < 1:
            raise ValueError(f"LossScaleOptimizer: dynamic_growth_steps must be a positive integer, received "
                             f"{dynamic_growth_steps!r}")
        self.inner_optimizer = inner_optimizer
        self.name = name or "loss_scale_optimizer"
        self.weight_decay = self.clipnorm = self.clipvalue = self.global_clipnorm = None
        self.initial_scale, self.dynamic_growth_steps = float(initial_scale), int(dynamic_growth_steps)
        self.dynamic_scale, self.step_counter = self.initial_scale, 0

    # ---- what is the inner optimizer's --------------------------------------------------------------------
    @property
    def state_attributes(self):
        return ("dynamic_scale", "step_counter", *self.inner_optimizer.state_attributes)

    def __getattr__(self, name):
        # Only reached for names not found on the wrapper: the inner optimizer's state attributes, which
        # `layerwise.saving` reads and writes through `state_attributes`.
        inner = self.__dict__.get("inner_optimizer")
        if inner is not None and name in inner.state_attributes:
            return getattr(inner, name)
        raise AttributeError(f"'LossScaleOptimizer' object has no attribute {name!r}")

    def __setattr__(self, name, value):
        inner = self.__dict__.get("inner_optimizer")
        if inner is not None and name in inner.state_attributes:
            setattr(inner, name, value)
        else:
            super().__setattr__(name, value)

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @iterations.setter
    def iterations(self, value):
        self.inner_optimizer.iterations = value

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    @property
    def _learning_rate(self):
        return self.inner_optimizer._learning_rate

    def build(self, parameters) -> None:
        self.inner_optimizer.build(parameters)

    @property
    def variables(self):
        return self.inner_optimizer.variables

    def slot_variables(self) -> dict:
        return self.inner_optimizer.slot_variables()

    # ---- the scaling --------------------------------------------------------------------------------------
    def scale_loss(self, loss):
        """S J (or S dJ/dy): what the gradients are formed from."""
        return loss * self.dynamic_scale

    def apply(self, parameters) -> None:
        """Skip the step and halve S if a gradient is not finite; else unscale, step, and maybe double S."""
        parameters = [p for p in parameters if p.trainable]
        if not all(np.isfinite(p.grad).all() for p in parameters):
            self.dynamic_scale *= 0.5
            self.step_counter = 0
            return
        for parameter in parameters:
            parameter.grad *= 1.0 / self.dynamic_scale
        self.inner_optimizer.apply(parameters)
        if int(self.step_counter) >= self.dynamic_growth_steps - 1:
            self.dynamic_scale *= 2.0
            self.step_counter = 0
        else:
            self.step_counter = int(self.step_counter) + 1

    def update_step(self, parameter, slots, learning_rate) -> None:
        """The inner optimizer's rule (on gradients already unscaled; `apply` is the scaled entry point)."""
        self.inner_optimizer.update_step(parameter, slots, learning_rate)

    def get_config(self):
        from layerwise.optimizers import serialize

        return {"name": self.name, "inner_optimizer": serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}
