"""RMSprop: gradients scaled by a moving average of their squares."""

import numpy as np

from layerwise.optimizers.base import Optimizer, check_fraction, moving_average


class RMSprop(Optimizer):
    """RMSprop (lecture 001, "RMSProp"), with Keras's momentum and centered variants.

    r_t = ρ r_{t-1} + (1 - ρ) g_t ⊙ g_t;   centered: m_t = ρ m_{t-1} + (1 - ρ) g_t, r̃_t = r_t - m_t ⊙ m_t
    (else r̃_t = r_t);   Δ_t = α g_t / sqrt(r̃_t + ε);
    without momentum θ ← θ - Δ_t;  with momentum μ: v_t = μ v_{t-1} + Δ_t, θ ← θ - v_t.

    The lecture writes β for ρ and puts ε inside the square root, as Keras does. PyTorch's
    ``torch.optim.RMSprop`` (alpha = ρ) puts ε outside, sqrt(r̃_t) + ε, and keeps α out of its momentum
    buffer (the same iteration while α is constant); with ε = 0 the two agree (tested).

    Args:
        learning_rate: α (default 0.001, as Keras), or a schedule.
        rho: ρ in [0, 1) (default 0.9).
        momentum: μ in [0, 1) (default 0).
        epsilon: ε (default 1e-7).
        centered: divide by an estimate of the gradient's variance instead of its second moment.
        name, lr, **kwargs: see `Optimizer` (weight_decay, clipnorm, clipvalue, global_clipnorm).

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.array([1.0]), "w")
        >>> w.grad[:] = 2.0
        >>> RMSprop(learning_rate=0.1, rho=0.75, epsilon=0.0).apply([w])
        >>> w.value  # g / sqrt((1 - ρ) g^2) = 2 on the first step
        array([0.8])

    References:
        Tieleman and Hinton, COURSERA Neural Networks for Machine Learning, lecture 6.5, 2012; Graves,
        "Generating Sequences With Recurrent Neural Networks", 2013 (centered). Lecture 001 (RMSProp).
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 name=None, lr=None, **kwargs):
        super().__init__(learning_rate, name, lr, **kwargs)
        self.rho = check_fraction("RMSprop", "rho", rho)
        self.momentum = check_fraction("RMSprop", "momentum", momentum)
        if epsilon < 0:
            raise ValueError(f"RMSprop: epsilon must be >= 0, received {epsilon}")
        self.epsilon, self.centered = float(epsilon), bool(centered)

    def build_slots(self, parameter):
        slots = {"velocity": np.zeros_like(parameter.value), "_step": np.empty_like(parameter.value)}
        if self.momentum:
            slots["momentum"] = np.zeros_like(parameter.value)
        if self.centered:
            slots["average_gradient"] = np.zeros_like(parameter.value)
        return slots

    def update_step(self, parameter, slots, learning_rate):
        grad, velocity, step = parameter.grad, slots["velocity"], slots["_step"]
        moving_average(velocity, self.rho, np.square(grad, out=step), step)
        if self.centered:
            average = slots["average_gradient"]
            moving_average(average, self.rho, grad, step)
            np.square(average, out=step)
            np.subtract(velocity, step, out=step)
            step += self.epsilon
        else:
            np.add(velocity, self.epsilon, out=step)
        np.sqrt(step, out=step)
        np.divide(grad, step, out=step)
        step *= learning_rate
        if self.momentum:
            buffer = slots["momentum"]
            buffer *= self.momentum
            buffer += step
            step = buffer
        parameter.value -= step

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}
