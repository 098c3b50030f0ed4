"""Adam: momentum on the gradient and RMSprop's scaling, both bias-corrected."""

import math

import numpy as np

from layerwise.optimizers.base import Optimizer, check_fraction, moving_average


class Adam(Optimizer):
    """Adam (lecture 001, "Adam = RMSprop + Momentum"), with the AMSGrad variant.

    v_t = β1 v_{t-1} + (1 - β1) g_t,   r_t = β2 r_{t-1} + (1 - β2) g_t ⊙ g_t   (t counted from 1);
    AMSGrad: r_t ← max(r_{t-1}, r_t) elementwise, kept as its own slot;
    θ_{t+1} = θ_t - α_t v_t / (sqrt(r_t) + ε̂),   α_t = α sqrt(1 - β2^t) / (1 - β1^t).

    The lecture bias-corrects both moments, v̂ = v / (1 - β1^t), r̂ = r / (1 - β2^t), and writes
    α v̂ / sqrt(r̂ + ε). Keras (and the paper's efficient form, followed here) folds the corrections into
    α_t and adds ε̂ = ε outside the root of the uncorrected r_t, i.e. ε̂ = ε sqrt(1 - β2^t) in the corrected
    form; PyTorch adds ε to sqrt(r̂). All three coincide for ε = 0 (the PyTorch parity test uses ε = 0).

    Args:
        learning_rate: α (default 0.001), or a schedule.
        beta_1: β1 in [0, 1) (default 0.9).
        beta_2: β2 in [0, 1) (default 0.999).
        epsilon: ε (default 1e-7, as Keras).
        amsgrad: use the running maximum of r_t (Reddi et al.).
        name, lr, **kwargs: see `Optimizer` (weight_decay, clipnorm, clipvalue, global_clipnorm).

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.array([1.0]), "w")
        >>> w.grad[:] = -5.0
        >>> Adam(learning_rate=0.1, epsilon=0.0).apply([w])
        >>> w.value  # the first step has length α whatever the gradient's scale
        array([1.1])

    References:
        Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015; Reddi, Kale and Kumar,
        "On the Convergence of Adam and Beyond", ICLR 2018. Lecture 001 (Adam, bias correction).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 name=None, lr=None, **kwargs):
        super().__init__(learning_rate, name, lr, **kwargs)
        owner = type(self).__name__
        self.beta_1 = check_fraction(owner, "beta_1", beta_1)
        self.beta_2 = check_fraction(owner, "beta_2", beta_2)
        if epsilon < 0:
            raise ValueError(f"{owner}: epsilon must be >= 0, received {epsilon}")
        self.epsilon, self.amsgrad = float(epsilon), bool(amsgrad)

    def build_slots(self, parameter):
        slots = {"momentum": np.zeros_like(parameter.value), "velocity": np.zeros_like(parameter.value),
                 "_step": np.empty_like(parameter.value)}
        if self.amsgrad:
            slots["velocity_hat"] = np.zeros_like(parameter.value)
        return slots

    def update_step(self, parameter, slots, learning_rate):
        t = self.iterations + 1
        alpha = learning_rate * math.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)
        grad, momentum, velocity, step = parameter.grad, slots["momentum"], slots["velocity"], slots["_step"]
        moving_average(momentum, self.beta_1, grad, step)
        moving_average(velocity, self.beta_2, np.square(grad, out=step), step)
        if self.amsgrad:
            velocity = np.maximum(slots["velocity_hat"], velocity, out=slots["velocity_hat"])
        np.sqrt(velocity, out=step)
        step += self.epsilon
        np.divide(momentum, step, out=step)
        step *= alpha
        parameter.value -= step

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}
