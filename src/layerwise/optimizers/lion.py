"""Lion: the sign of an interpolated momentum."""

import numpy as np

from layerwise.optimizers.base import Optimizer, check_fraction


class Lion(Optimizer):
    """Lion (evolved sign momentum), as Keras:

    θ ← θ - α sign(β1 m + (1 - β1) g),   then   m ← β2 m + (1 - β2) g.

    Every entry moves by exactly α (or 0), so Lion wants a learning rate 3-10 times smaller than Adam's.

    Args:
        learning_rate: α (default 0.001), or a schedule.
        beta_1: β1 in (0, 1] (default 0.9), the interpolation of the update.
        beta_2: β2 in [0, 1) (default 0.99), the decay of the momentum.
        name, **kwargs: see `Optimizer` (weight_decay, clipnorm, clipvalue, global_clipnorm).

    Example:
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.array([1.0, 1.0]), "w")
        >>> w.grad[:] = [-3.0, 0.5]
        >>> Lion(learning_rate=0.1).apply([w])
        >>> w.value
        array([1.1, 0.9])

    References:
        Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, name=None, **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(f"Lion: beta_1 must lie in (0, 1] (0 degenerates to signSGD), received {beta_1!r}")
        self.beta_1, self.beta_2 = float(beta_1), check_fraction("Lion", "beta_2", beta_2)

    def build_slots(self, parameter):
        return {"momentum": np.zeros_like(parameter.value), "_step": np.empty_like(parameter.value)}

    def update_step(self, parameter, slots, learning_rate):
        momentum, step = slots["momentum"], slots["_step"]
        np.multiply(momentum, self.beta_1, out=step)
        step += (1.0 - self.beta_1) * parameter.grad
        np.sign(step, out=step)
        step *= learning_rate
        parameter.value -= step
        momentum *= self.beta_2
        momentum += (1.0 - self.beta_2) * parameter.grad

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
