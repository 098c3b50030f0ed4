"""Adamax: Adam with the infinity norm in place of the second moment."""

import numpy as np

from layerwise.optimizers.base import Optimizer, check_fraction, moving_average


class Adamax(Optimizer):
    """Adamax, the L∞ variant of Adam (section 7.1 of the Adam paper).

    v_t = β1 v_{t-1} + (1 - β1) g_t,   u_t = max(β2 u_{t-1}, |g_t|),
    θ_{t+1} = θ_t - α v_t / ((1 - β1^t)(u_t + ε)).

    Keras adds ε to u_t in the denominator; PyTorch's ``torch.optim.Adamax`` adds it inside the maximum,
    u_t = max(β2 u_{t-1}, |g_t| + ε). With ε = 0 they are the same iteration (tested).

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
        >>> w.grad[:] = 4.0
        >>> Adamax(learning_rate=0.1, epsilon=0.0).apply([w])
        >>> w.value
        array([0.9])

    References:
        Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 7.1.
        Lecture 001 (Adam).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, lr=None,
                 **kwargs):
        super().__init__(learning_rate, name, lr, **kwargs)
        self.beta_1 = check_fraction("Adamax", "beta_1", beta_1)
        self.beta_2 = check_fraction("Adamax", "beta_2", beta_2)
        if epsilon < 0:
            raise ValueError(f"Adamax: epsilon must be >= 0, received {epsilon}")
        self.epsilon = float(epsilon)

    def build_slots(self, parameter):
        return {"momentum": np.zeros_like(parameter.value), "norm": np.zeros_like(parameter.value),
                "_step": np.empty_like(parameter.value)}

    def update_step(self, parameter, slots, learning_rate):
        alpha = learning_rate / (1.0 - self.beta_1 ** (self.iterations + 1))
        grad, momentum, norm, step = parameter.grad, slots["momentum"], slots["norm"], slots["_step"]
        moving_average(momentum, self.beta_1, grad, step)
        norm *= self.beta_2
        np.maximum(norm, np.abs(grad, out=step), out=norm)
        np.add(norm, self.epsilon, out=step)
        np.divide(momentum, step, out=step)
        step *= alpha
        parameter.value -= step

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
