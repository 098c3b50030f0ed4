"""Adadelta: RMSprop with the step's units fixed by a running average of past steps."""

import numpy as np

from layerwise.optimizers.base import Optimizer, check_fraction, moving_average


class Adadelta(Optimizer):
    """Adadelta: the step is g scaled by RMS[Δθ]_{t-1} / RMS[g]_t.

    r_t = ρ r_{t-1} + (1 - ρ) g_t ⊙ g_t,   Δ_t = sqrt(s_{t-1} + ε) / sqrt(r_t + ε) ⊙ g_t,
    s_t = ρ s_{t-1} + (1 - ρ) Δ_t ⊙ Δ_t,   θ_{t+1} = θ_t - α Δ_t.

    Keras and PyTorch agree on this form (ε inside both roots); they differ only in the default α
    (Keras 0.001, PyTorch 1.0, the paper's rule having no α at all) and ε (1e-7 vs 1e-6).

    Args:
        learning_rate: α (default 0.001, as Keras), or a schedule.
        rho: ρ in [0, 1) (default 0.95).
        epsilon: ε > 0 (default 1e-7); it also sets the size of the first steps.
        name, lr, **kwargs: see `Optimizer` (weight_decay, clipnorm, clipvalue, global_clipnorm).

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.array([1.0]), "w")
        >>> w.grad[:] = 1.0
        >>> Adadelta(learning_rate=1.0, rho=0.0, epsilon=0.01).apply([w])
        >>> np.round(w.value, 4)  # Δ = sqrt(0.01) / sqrt(1.01)
        array([0.9005])

    References:
        Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012. Lecture 001 (adaptive learning rates).
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name=None, lr=None, **kwargs):
        super().__init__(learning_rate, name, lr, **kwargs)
        self.rho = check_fraction("Adadelta", "rho", rho)
        if epsilon <= 0:
            raise ValueError(f"Adadelta: epsilon must be > 0, received {epsilon}")
        self.epsilon = float(epsilon)

    def build_slots(self, parameter):
        return {"accumulated_grad": np.zeros_like(parameter.value),
                "accumulated_delta": np.zeros_like(parameter.value),
                "_step": np.empty_like(parameter.value), "_denominator": np.empty_like(parameter.value)}

    def update_step(self, parameter, slots, learning_rate):
        grad, squared_grads, squared_steps = parameter.grad, slots["accumulated_grad"], slots["accumulated_delta"]
        step, denominator = slots["_step"], slots["_denominator"]
        moving_average(squared_grads, self.rho, np.square(grad, out=step), step)
        np.add(squared_grads, self.epsilon, out=denominator)
        np.sqrt(denominator, out=denominator)
        np.add(squared_steps, self.epsilon, out=step)
        np.sqrt(step, out=step)
        step /= denominator
        step *= grad
        moving_average(squared_steps, self.rho, np.square(step, out=denominator), denominator)
        step *= learning_rate
        parameter.value -= step

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
