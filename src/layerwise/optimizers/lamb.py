"""Lamb: Adam's step rescaled, per parameter tensor, to the tensor's own norm (layer-wise trust ratio)."""

import numpy as np

from layerwise.optimizers.base import Optimizer, check_fraction, moving_average


class Lamb(Optimizer):
    """Lamb, as Keras: Adam's bias-corrected direction u = m̂ / (sqrt(v̂) + ε), scaled by the trust ratio
    ||θ|| / ||u|| of the whole tensor (1 when either norm is 0):

    m ← β1 m + (1 - β1) g,  v ← β2 v + (1 - β2) g²,  m̂ = m / (1 - β1^t),  v̂ = v / (1 - β2^t),  θ ← θ - α r u.

    Args:
        learning_rate: α (default 0.001), or a schedule.
        beta_1: β1 in [0, 1) (default 0.9).
        beta_2: β2 in [0, 1) (default 0.999).
        epsilon: ε (default 1e-7).
        name, **kwargs: see `Optimizer` (weight_decay, clipnorm, clipvalue, global_clipnorm).

    Example:
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.array([3.0, 4.0]), "w")
        >>> w.grad[:] = [1.0, -1.0]
        >>> Lamb(learning_rate=0.1, epsilon=0.0).apply([w])
        >>> np.round(w.value, 4)  # u = (1, -1), r = 5 / sqrt(2)
        array([2.6464, 4.3536])

    References:
        You et al., "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes", ICLR 2020.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.beta_1 = check_fraction("Lamb", "beta_1", beta_1)
        self.beta_2 = check_fraction("Lamb", "beta_2", beta_2)
        if epsilon < 0:
            raise ValueError(f"Lamb: epsilon must be >= 0, received {epsilon}")
        self.epsilon = float(epsilon)

    def build_slots(self, parameter):
        return {"momentum": np.zeros_like(parameter.value), "velocity": np.zeros_like(parameter.value),
                "_step": np.empty_like(parameter.value)}

    def update_step(self, parameter, slots, learning_rate):
        t = self.iterations + 1
        momentum, velocity, step = slots["momentum"], slots["velocity"], slots["_step"]
        moving_average(momentum, self.beta_1, parameter.grad, step)
        moving_average(velocity, self.beta_2, np.square(parameter.grad, out=step), step)
        np.sqrt(np.divide(velocity, 1.0 - self.beta_2 ** t, out=step), out=step)
        step += self.epsilon
        np.divide(momentum, step, out=step)
        step *= 1.0 / (1.0 - self.beta_1 ** t)
        weight_norm, step_norm = np.linalg.norm(parameter.value), np.linalg.norm(step)
        ratio = weight_norm / step_norm if weight_norm > 0 and step_norm > 0 else 1.0
        step *= ratio * learning_rate
        parameter.value -= step

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
