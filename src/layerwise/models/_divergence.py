"""Which batch and which layer a training run diverged at: the per-step checks of `fit` and their report.

Every training step checks, before the update, that the loss is finite (and, when asked, has not grown by
more than ``max_loss_growth`` times the run's first positive batch loss) and that every gradient is
finite; after the update, that every parameter and every optimizer state array is finite. A tensor is
checked by one BLAS dot product, ||a||^2 = a . a, finite exactly when every entry is finite and the norm
does not overflow (in float32, ||a|| < 1.8e19: a tensor that large has diverged anyway). That is one read
of each tensor per step: 0.23 s of a 4.8 s epoch of bench/mlp_mnist.py's MLP (784-1024-1024-10, batch 128, on the AMD
Zen 4 machine), whose weights are large against its batch; the checks are always on. A gradient written by kernels that
bound its norm (a dense layer's x^T dJ/dz, by ||x|| and ||dJ/dz||: `Parameter.grad_norm_bound`) is not read when the
bound shows it finite: on the Intel Xeon VM the MLP's steps took 0.95 times as long with the bounds as with the reads
(11.6 against 12.2 ms in a loaded hour, in one process, alternating, 10 rounds). Where the update itself
summed ||θ||^2 as it wrote θ (plain gradient descent's compiled step, `Optimizer.updated_squared_norms`), the check
of θ takes that sum instead of reading θ again, which halves the cost (BLAS's step, where the calibration chose
it, reads θ again for its dot product, on BLAS's threads: `layerwise.ops.elementwise.STEP_KERNEL`). The update itself
waits for every check before it: a gradient kept as its factors is bounded, not formed, and the step applies it after.

A step that adds a gradient still kept as its factors into θ by MKL's GEMM (`Parameter.grad_factors`) moves θ by at
most α times the gradient's bound (`Optimizer.update_norm_bounds`). Where the watch kept a bound on ||θ|| from the
last step, ||θ|| + α ||dJ/dθ|| bounds θ after the step, finite where the bound is small enough to square, and θ is
not read: every update since the read that started the chain was bounded, so θ is finite unless something else
wrote it. `fit` keeps the bounds only when none of its callbacks may write weights between steps
(`Callback.writes_weights`, true for any callback whose class does not say otherwise); `train_on_batch` reads θ at
each call. The MLP's steps took 0.96 times as long with the bounds as with the reads (median of 12 rounds, one
process, alternating, in a loaded spell on the Intel Xeon VM: 9.75 against 10.08 ms).

Only when a check fails is the culprit looked for: the first non-finite parameter or state array in the
model's order, the first layer whose output on the batch is non-finite, the gradient that went non-finite
first in the backward pass (the deepest), or, for a loss that grew, the parameter whose gradient is
largest against its value.
"""

import math
from dataclasses import dataclass

import numpy as np

from layerwise.ops.elementwise import squared_norm

_ADVICE = "lower the learning rate, check the data scaling, or clip gradients"


@dataclass
class Divergence:
    """Where a run diverged. ``epoch`` and ``batch`` count from 0 (the callbacks' indices).

    Attributes:
        kind: "loss", "loss_growth", "gradient", "parameter" or "optimizer_state".
        layer: the name of the layer that went first ("" when none could be named).
        tensor: the parameter ("dense/kernel") or state array ("dense/kernel/velocity") concerned, if any.
        loss: the batch's loss.
        applied: whether the step's update was applied (only for non-finite parameters or state).
        message: the whole report, as `DivergenceError` and `TerminateOnNaN` give it.
    """

    epoch: int
    batch: int
    kind: str
    layer: str
    tensor: str
    loss: float
    applied: bool
    message: str


def _finite(array) -> bool:
    return math.isfinite(squared_norm(array))


def _finite_gradient(parameter) -> bool:
    """`_finite` of dJ/dθ, from its `Parameter.grad_norm_bound` where the bound shows it (then every entry is finite and
    ||dJ/dθ||^2, at most a quarter of the dtype's largest number, cannot overflow), else by reading it."""
    bound = parameter.grad_norm_bound
    if bound is not None and bound * bound < float(np.finfo(parameter.dtype).max) / 4:
        return True
    return _finite(parameter.grad)


def _layer(name):
    return name.rsplit("/", 1)[0]


def _what(array):
    """How a tensor that failed `_finite` is bad, in words."""
    if np.isfinite(array).all():
        return f"so large that its squared norm overflows {array.dtype} (largest entry {np.abs(array).max():.3g})"
    return "non-finite"


class DivergenceWatch:
    """The checks of one `fit` (or one `train_on_batch`) on ``model``.

    Args:
        model: the model trained.
        max_loss_growth: report a loss above this many times the first positive batch loss of the run;
            None: no limit.
        keeps_norm_bounds: keep a bound on each parameter's norm from step to step, so that a step the optimizer
            bounds (`Optimizer.update_norm_bounds`) needs no read of θ after it; only where nothing but the
            optimizer writes the parameters between steps.
    """

    def __init__(self, model, max_loss_growth=None, keeps_norm_bounds=False):
        self.model, self.max_loss_growth, self.reference = model, max_loss_growth, None
        self.keeps_norm_bounds = keeps_norm_bounds
        self._norm_bounds = {}  # parameter -> an upper bound on ||θ|| after the last step's update

    def before_update(self, loss_value, parameters, x, position, check_gradients=True):
        """The report of a loss or gradient gone wrong in this step (the update is then not applied), or None.

        ``check_gradients=False`` leaves non-finite gradients to the optimizer (`LossScaleOptimizer` skips the
        step and lowers its scale)."""
        if not math.isfinite(loss_value):
            return self._report(position, "loss", *self._non_finite_source(parameters, x), loss_value,
                                f"The training loss became {loss_value}")
        if self.max_loss_growth is not None:
            if self.reference is None and loss_value > 0:
                self.reference = loss_value
            elif self.reference is not None and loss_value > self.max_loss_growth * self.reference:
                parameter, ratio = self._fastest(parameters)
                return self._report(
                    position, "loss_growth", _layer(parameter.name), parameter.name, loss_value,
                    f"The training loss grew from {self.reference:.4g} (the first batch) to {loss_value:.4g}, more "
                    f"than max_loss_growth={self.max_loss_growth:g} times; the fastest-moving parameter is "
                    f"{parameter.name} (||dJ/dθ|| / ||θ|| = {ratio:.3g})")
        for parameter in reversed(parameters) if check_gradients else ():  # backward reaches the last layer first
            if not _finite_gradient(parameter):
                return self._report(position, "gradient", _layer(parameter.name), parameter.name, loss_value,
                                    f"The gradient of {parameter.name} became {_what(parameter.grad)} at a loss "
                                    f"of {loss_value:.4g}")
        return None

    def after_update(self, loss_value, parameters, optimizer, position):
        """The report of a parameter or optimizer state array gone non-finite in this update, or None."""
        measured = getattr(optimizer, "updated_squared_norms", {})
        moved = getattr(optimizer, "update_norm_bounds", {})
        for parameter in parameters:
            if not self._finite_after_update(parameter, measured.get(parameter), moved.get(parameter)):
                return self._report(position, "parameter", _layer(parameter.name), parameter.name, loss_value,
                                    f"Parameter {parameter.name} became {_what(parameter.value)} in the update",
                                    applied=True)
        for name, array in optimizer.slot_variables().items():
            if not _finite(array):
                return self._report(position, "optimizer_state", _layer(_layer(name)), name, loss_value,
                                    f"The optimizer state {name} became {_what(array)} in the update",
                                    applied=True)
        return None

    def _finite_after_update(self, parameter, found, moved):
        """Whether θ is finite after the update, with ||θ||^2 not overflowing: by ||θ_before|| + ``moved`` (the bound on
        how far the update moved θ) where this watch kept ||θ_before|| from the last step, else by ``found``
        (||θ||^2 as the update found it), else by reading θ. Keeps the bound on ||θ|| for the next step where
        `keeps_norm_bounds`."""
        before = self._norm_bounds.pop(parameter, None)
        information = np.finfo(parameter.dtype)
        eps = float(information.eps)
        if before is not None and moved is not None:
            # Each entry of θ + δ rounds to at most (|θ| + |δ|)(1 + ε), δ's scaling by α adds another ε (the product's
            # own rounding is inside its bound): 4 ε covers both.
            bound = (before + moved) * (1.0 + 4 * eps)
            if bound * bound < float(information.max) / 4:
                self._keep(parameter, bound)
                return True
        if found is None:
            found = squared_norm(parameter.value)
        if not math.isfinite(found):
            return False
        slack = parameter.value.size * eps
        if slack < 0.5:  # a sum of n squares in the dtype is within n ε / (1 - n ε) of the exact one, in any order
            self._keep(parameter, math.sqrt(found * (1.0 + 2 * slack)))
        return True

    def _keep(self, parameter, bound):
        if self.keeps_norm_bounds:
            self._norm_bounds[parameter] = bound

    def _non_finite_source(self, parameters, x):
        """(layer, tensor) that made the loss non-finite: a parameter, else the first layer whose output is."""
        for parameter in parameters:
            if not _finite(parameter.value):
                return _layer(parameter.name), parameter.name
        # Only on this failure path: read every layer's output on the batch (inference mode). A trainer that
        # is not a graph (an RBM) has no layers to read.
        reader = getattr(self.model, "layer_outputs", None)
        for layer, outputs in (reader(x) if reader is not None else {}).items():
            if not all(np.isfinite(output).all() for output in outputs):
                return layer.name, ""
        bad = [p for p in parameters if not _finite(p.grad)]
        return (_layer(bad[-1].name), bad[-1].name) if bad else ("", "")

    @staticmethod
    def _fastest(parameters):
        ratios = [math.sqrt(float(np.vdot(p.grad, p.grad)) / max(float(np.vdot(p.value, p.value)), 1e-30))
                  for p in parameters]
        best = int(np.argmax(ratios))
        return parameters[best], ratios[best]

    @staticmethod
    def _report(position, kind, layer, tensor, loss_value, what, applied=False):
        epoch, batch = position
        where = f" at epoch {epoch + 1}, batch {batch + 1}" if epoch is not None else ""
        first = f" Layer {layer} went first{f' ({tensor})' if tensor else ''}." if layer else ""
        applied_note = " The update was applied." if applied else " The update was not applied."
        message = f"{what}{where}; {_ADVICE}.{first}{applied_note}"
        return Divergence(epoch, batch, kind, layer, tensor, loss_value, applied, message)
