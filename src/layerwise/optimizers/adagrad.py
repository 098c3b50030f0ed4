"""Adagrad: per-coordinate learning rates from the sum of squared gradients."""

import numpy as np

from layerwise.optimizers.base import Optimizer


class Adagrad(Optimizer):
    """Adagrad (lecture 001, "AdaGrad"; lecture 003, "ADAGRAD").

    r_t = r_{t-1} + g_t ⊙ g_t,   θ_{t+1} = θ_t - α g_t / sqrt(r_t + ε),   r_0 = initial_accumulator_value.

    This is the lecture's formula and Keras's: ε inside the square root and r_0 = 0.1. PyTorch's
    ``torch.optim.Adagrad`` puts ε outside (g / (sqrt(r_t) + ε)) and starts from r_0 = 0; with ε = 0 and
    the same r_0 the two are the same iteration (tested). Lecture 003's per-parameter rate
    α / sqrt(sum_i (g^i)^2) is this rule with r_0 = 0, ε = 0.

    Args:
        learning_rate: α (default 0.001, as Keras), or a schedule.
        initial_accumulator_value: r_0 >= 0 (default 0.1).
        epsilon: ε (default 1e-7).
        name, lr, **kwargs: see `Optimizer` (weight_decay, clipnorm, clipvalue, global_clipnorm).

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.array([1.0]), "w")
        >>> w.grad[:] = 0.3
        >>> Adagrad(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=0.0).apply([w])
        >>> w.value  # a first step of exactly α: g / sqrt(g^2) = 1
        array([0.9])

    References:
        Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
        Optimization", JMLR 2011. Lecture 001 (AdaGrad); lecture 003 (ADAGRAD).
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, name=None,
                 lr=None, **kwargs):
        super().__init__(learning_rate, name, lr, **kwargs)
        if initial_accumulator_value < 0 or epsilon < 0:
            raise ValueError(f"Adagrad: initial_accumulator_value and epsilon must be >= 0, received "
                             f"{initial_accumulator_value} and {epsilon}")
        self.initial_accumulator_value, self.epsilon = float(initial_accumulator_value), float(epsilon)

    def build_slots(self, parameter):
        return {"accumulator": np.full_like(parameter.value, self.initial_accumulator_value),
                "_step": np.empty_like(parameter.value)}

    def update_step(self, parameter, slots, learning_rate):
        accumulator, step = slots["accumulator"], slots["_step"]
        accumulator += np.square(parameter.grad, out=step)
        np.add(accumulator, self.epsilon, out=step)
        np.sqrt(step, out=step)
        np.divide(parameter.grad, step, out=step)
        step *= learning_rate
        parameter.value -= step

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
