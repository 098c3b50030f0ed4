"""Adafactor: Adam's second moment, factored into row and column statistics, with relative step sizes."""

import math

import numpy as np

from layerwise.optimizers.base import Optimizer


def _rms(x):
    return math.sqrt(float(np.mean(np.square(x))))


class Adafactor(Optimizer):
    """Shazeer & Stern's Adafactor, as Keras (no first moment). At step t, with G = g² + ε1 and β2_t = 1 - t^d:

    - a tensor of two or more axes keeps R ← β2_t R + (1 - β2_t) mean_last(G) and
      C ← β2_t C + (1 - β2_t) mean_second_last(G), and V = (R / mean_last(R)) ⊗ C (memory O(rows + columns));
    - a vector keeps V ← β2_t V + (1 - β2_t) G;
    - u = g / sqrt(V),  û = u / max(1, rms(u) / d_clip),  θ ← θ - max(ε2, rms(θ)) ρ_t û,
      ρ_t = min(α, 1 / sqrt(t)) (α itself is also capped so under ``relative_step``, as Keras).

    Args:
        learning_rate: α (default 0.001), or a schedule.
        beta_2_decay: d < 0 (default -0.8).
        epsilon_1: ε1 (default 1e-30), added to g².
        epsilon_2: ε2 (default 1e-3), the smallest relative step.
        clip_threshold: d_clip (default 1).
        relative_step: cap a constant α at 1 / sqrt(t).
        name, **kwargs: see `Optimizer` (weight_decay, clipnorm, clipvalue, global_clipnorm).

    Example:
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.full((2, 2), 2.0), "w")
        >>> w.grad[:] = 1.0
        >>> Adafactor(learning_rate=0.1).apply([w])
        >>> np.round(w.value, 6)  # û = 1 everywhere; the step is rms(θ) ρ_1 = 2 * 0.1
        array([[1.8, 1.8],
               [1.8, 1.8]])

    References:
        Shazeer & Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost", ICML 2018.
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0,
                 relative_step=True, name=None, **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        if beta_2_decay >= 0:
            raise ValueError(f"Adafactor: beta_2_decay must be negative, received {beta_2_decay!r}")
        if clip_threshold <= 0:
            raise ValueError(f"Adafactor: clip_threshold must be positive, received {clip_threshold!r}")
        self.beta_2_decay, self.epsilon_1, self.epsilon_2 = float(beta_2_decay), float(epsilon_1), float(epsilon_2)
        self.clip_threshold, self.relative_step = float(clip_threshold), bool(relative_step)

    def build_slots(self, parameter):
        shape = parameter.value.shape
        if len(shape) < 2:
            return {"velocity": np.zeros_like(parameter.value)}
        return {"row": np.zeros(shape[:-1], dtype=parameter.value.dtype),
                "column": np.zeros(shape[:-2] + shape[-1:], dtype=parameter.value.dtype)}

    def update_step(self, parameter, slots, learning_rate):
        t = self.iterations + 1
        grad = parameter.grad
        rho = min(learning_rate, 1.0 / math.sqrt(t))
        alpha = max(self.epsilon_2, _rms(parameter.value)) * rho
        squares = grad * grad + self.epsilon_1
        decay = 1.0 - t ** self.beta_2_decay
        if "velocity" in slots:
            velocity = slots["velocity"]
            velocity *= decay
            velocity += (1.0 - decay) * squares
        else:
            row, column = slots["row"], slots["column"]
            row *= decay
            row += (1.0 - decay) * squares.mean(axis=-1)
            column *= decay
            column += (1.0 - decay) * squares.mean(axis=-2)
            velocity = (row / row.mean(axis=-1, keepdims=True))[..., None] * column[..., None, :]
        update = grad / np.sqrt(velocity)
        update /= max(1.0, _rms(update) / self.clip_threshold)
        parameter.value -= (alpha * update).astype(parameter.value.dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step}
