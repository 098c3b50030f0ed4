"""FTRL-Proximal: follow the regularized leader, with per-coordinate learning rates and L1/L2 penalties."""

import numpy as np

from layerwise.optimizers.base import Optimizer


class Ftrl(Optimizer):
    """McMahan et al.'s FTRL-Proximal, as Keras, per entry:

    g' = g + 2 λ_s θ;  n' = n + g²;  z ← z + g' - (n'^(-p) - n^(-p)) / α θ;  n ← n';
    θ ← (clip(z, -λ1, λ1) - z) / (n^(-p) / α + 2 λ2'),   λ2' = λ2 + β / (2 α),

    with p = ``learning_rate_power`` (-1/2: the adaptive rate 1/sqrt(n)). A large enough |z| is needed to leave 0:
    the L1 penalty gives sparse weights.

    Args:
        learning_rate: α (default 0.001), or a schedule.
        learning_rate_power: p <= 0 (default -0.5).
        initial_accumulator_value: n at the start, >= 0 (default 0.1).
        l1_regularization_strength: λ1 >= 0.
        l2_regularization_strength: λ2 >= 0.
        l2_shrinkage_regularization_strength: λ_s >= 0, a penalty added to the gradient only.
        beta: β (default 0).
        name, **kwargs: see `Optimizer` (weight_decay, clipnorm, clipvalue, global_clipnorm).

    Example:
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.array([0.0]), "w")
        >>> w.grad[:] = 1.0
        >>> Ftrl(learning_rate=0.1, initial_accumulator_value=0.0).apply([w])
        >>> w.value
        array([-0.1])

    References:
        McMahan et al., "Ad Click Prediction: a View from the Trenches", KDD 2013.
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, name=None, **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        if learning_rate_power > 0:
            raise ValueError(f"Ftrl: learning_rate_power must be <= 0, received {learning_rate_power!r}")
        for argument, value in (("initial_accumulator_value", initial_accumulator_value),
                                ("l1_regularization_strength", l1_regularization_strength),
                                ("l2_regularization_strength", l2_regularization_strength),
                                ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength)):
            if value < 0:
                raise ValueError(f"Ftrl: {argument} must be >= 0, received {value!r}")
        self.learning_rate_power = float(learning_rate_power)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.l1_regularization_strength = float(l1_regularization_strength)
        self.l2_regularization_strength = float(l2_regularization_strength)
        self.l2_shrinkage_regularization_strength = float(l2_shrinkage_regularization_strength)
        self.beta = float(beta)

    def build_slots(self, parameter):
        return {"accumulator": np.full_like(parameter.value, self.initial_accumulator_value),
                "linear": np.zeros_like(parameter.value)}

    def update_step(self, parameter, slots, learning_rate):
        accumulator, linear, theta = slots["accumulator"], slots["linear"], parameter.value
        power = -self.learning_rate_power
        grad = parameter.grad + 2 * self.l2_shrinkage_regularization_strength * theta
        new_accumulator = accumulator + parameter.grad * parameter.grad
        linear += grad - (new_accumulator ** power - accumulator ** power) / learning_rate * theta
        accumulator[...] = new_accumulator
        quadratic = new_accumulator ** power / learning_rate + 2 * (
            self.l2_regularization_strength + self.beta / (2 * learning_rate))
        l1 = self.l1_regularization_strength
        theta[...] = (np.clip(linear, -l1, l1) - linear) / quadratic

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
