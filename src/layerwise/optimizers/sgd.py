"""Stochastic gradient descent with optional (Nesterov) momentum."""

import numpy as np

from layerwise.ops.elementwise import add_scaled_norm
from layerwise.ops.products import add_scaled_matmul
from layerwise.optimizers.base import Optimizer


class SGD(Optimizer):
    """Gradient descent on mini-batches, with momentum and Nesterov's lookahead (lecture 001).

    Without momentum: θ ← θ - α g.
    With momentum ρ, in Keras's form: v ← ρ v - α g; θ ← θ + v.
    Nesterov: v ← ρ v - α g; θ ← θ + ρ v - α g.

    Lecture 001 writes momentum as v ← ρ v + g, θ ← θ - α v (PyTorch's form). With a constant α the two
    are the same iteration (Keras's v is -α times the lecture's); they differ only when α changes during
    training, where Keras's form keeps past steps at the learning rate they were taken with.

    Args:
        learning_rate: α (default 0.01, as Keras), or a schedule.
        momentum: ρ in [0, 1) (default 0).
        nesterov: use Nesterov's lookahead.
        name: optional name.
        lr: Keras 2's alias of ``learning_rate`` (deprecated).
        **kwargs: the common `Optimizer` arguments (weight_decay, clipnorm, clipvalue, global_clipnorm).

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.array([1.0]), "w")
        >>> w.grad[:] = 2.0
        >>> SGD(learning_rate=0.1).apply([w])
        >>> w.value
        array([0.8])

    References:
        Sutskever et al., "On the importance of initialization and momentum in deep learning", ICML 2013.
        Lecture 001 (SGD with momentum, Nesterov momentum); lecture 003 (``SGD(lr=0.1)``).
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name=None, lr=None, **kwargs):
        super().__init__(learning_rate, name, lr, **kwargs)
        if not 0 <= momentum < 1:
            raise ValueError(f"SGD: momentum must lie in [0, 1), received {momentum}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def build_slots(self, parameter):
        slots = {"_step": np.zeros_like(parameter.value)}
        if self.momentum:
            slots["momentum"] = np.zeros_like(parameter.value)
        return slots

    def update_step(self, parameter, slots, learning_rate):
        if not self.momentum:
            # A gradient still kept as the factors of a matrix product goes into θ in one pass over θ, which moves θ
            # by at most α times the bound on the product's norm: the check after the step need not read θ again.
            # (A gradient kept as its factors always carries their bound: `Parameter.accumulate_matmul`.)
            factors, bound = parameter.grad_factors, parameter.grad_norm_bound
            if factors is not None and add_scaled_matmul(parameter.value, *factors, -learning_rate):
                self.update_norm_bounds[parameter] = abs(float(learning_rate)) * bound
                return None
            return add_scaled_norm(parameter.value, parameter.grad, -learning_rate, scratch=slots["_step"])
        step = np.multiply(parameter.grad, -learning_rate, out=slots["_step"])
        velocity = slots["momentum"]
        velocity *= self.momentum
        velocity += step
        if self.nesterov:
            step += velocity * self.momentum
        else:
            step = velocity
        parameter.value += step

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
