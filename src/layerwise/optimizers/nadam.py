"""Nadam: Adam with Nesterov momentum."""

import math

import numpy as np

from layerwise.optimizers.base import Optimizer, check_fraction, moving_average

_MOMENTUM_DECAY = 0.96


class Nadam(Optimizer):
    """Nadam: Adam whose momentum term looks one step ahead, as Nesterov's does (lecture 001).

    With Dozat's momentum schedule μ_t = β1 (1 - 0.5 · 0.96^t) and Π_t = μ_1 ⋯ μ_t (t from 1):
    v_t = β1 v_{t-1} + (1 - β1) g_t,   r_t = β2 r_{t-1} + (1 - β2) g_t ⊙ g_t,
    v̂_t = μ_{t+1} v_t / (1 - Π_{t+1}) + (1 - μ_t) g_t / (1 - Π_t),   r̂_t = r_t / (1 - β2^t),
    θ_{t+1} = θ_t - α v̂_t / (sqrt(r̂_t) + ε).

    This is Keras's form. PyTorch's ``torch.optim.NAdam`` uses μ_t = β1 (1 - 0.5 · 0.96^(t ψ)) with
    ``momentum_decay`` ψ = 0.004 by default; with ψ = 1 it is the same iteration (tested). Π_t is kept
    as the float attribute ``u_product``.

    Args:
        learning_rate: α (default 0.001), or a schedule.
        beta_1: β1 in [0, 1) (default 0.9).
        beta_2: β2 in [0, 1) (default 0.999).
        epsilon: ε (default 1e-7).
        name, lr, **kwargs: see `Optimizer` (weight_decay, clipnorm, clipvalue, global_clipnorm).

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.array([1.0]), "w")
        >>> w.grad[:] = 1.0
        >>> Nadam(learning_rate=0.1, epsilon=0.0).apply([w])
        >>> round(float(w.value[0]), 4)
        0.8937

    References:
        Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop. Lecture 001 (Nesterov
        momentum, Adam).
    """

    state_attributes = ("u_product",)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, lr=None,
                 **kwargs):
        super().__init__(learning_rate, name, lr, **kwargs)
        self.beta_1 = check_fraction("Nadam", "beta_1", beta_1)
        self.beta_2 = check_fraction("Nadam", "beta_2", beta_2)
        if epsilon < 0:
            raise ValueError(f"Nadam: epsilon must be >= 0, received {epsilon}")
        self.epsilon = float(epsilon)
        self.u_product = 1.0

    def _mu(self, t):
        return self.beta_1 * (1.0 - 0.5 * _MOMENTUM_DECAY ** t)

    def apply(self, parameters):
        # Π_t is shared by every parameter, so it advances once per step, before the updates.
        self.u_product *= self._mu(self.iterations + 1)
        super().apply(parameters)

    def build_slots(self, parameter):
        return {"momentum": np.zeros_like(parameter.value), "velocity": np.zeros_like(parameter.value),
                "_step": np.empty_like(parameter.value), "_denominator": np.empty_like(parameter.value)}

    def update_step(self, parameter, slots, learning_rate):
        t = self.iterations + 1
        mu, mu_next = self._mu(t), self._mu(t + 1)
        grad, momentum, velocity = parameter.grad, slots["momentum"], slots["velocity"]
        step, denominator = slots["_step"], slots["_denominator"]
        moving_average(momentum, self.beta_1, grad, step)
        moving_average(velocity, self.beta_2, np.square(grad, out=step), step)
        np.multiply(grad, learning_rate * (1.0 - mu) / (1.0 - self.u_product), out=step)
        step += np.multiply(momentum, learning_rate * mu_next / (1.0 - self.u_product * mu_next), out=denominator)
        np.sqrt(velocity, out=denominator)
        denominator *= 1.0 / math.sqrt(1.0 - self.beta_2 ** t)
        denominator += self.epsilon
        step /= denominator
        parameter.value -= step

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
