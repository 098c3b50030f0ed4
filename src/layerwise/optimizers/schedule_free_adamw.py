"""Schedule-Free AdamW: no learning-rate schedule, an average of the iterates to evaluate."""

import numbers

import numpy as np

from layerwise.optimizers.base import Optimizer, check_fraction


class ScheduleFreeAdamW(Optimizer):
    """Schedule-Free AdamW (Defazio et al. 2024), as ``keras.optimizers.ScheduleFreeAdamW``.

    Three sequences, for step t = 1, 2, ... with warmed-up rate α_t = α min(1, t / ``warmup_steps``):
    z, where the Adam-scaled gradient steps are taken; x, the running average of the z (the weights to
    evaluate); and y, the interpolation between them at which gradients are computed (the weights that
    training sees). From y_0 = x_0 = z_0 = θ_0, with g_t the gradient at y_{t-1}:

    v ← β2 v + (1 - β2) g²;   z_t = z_{t-1} - α_t g / (sqrt(v / (1 - β2^t)) + ε);
    x_t = (1 - c_t) x_{t-1} + c_t z_t,  c_t = 1/t;   y_t = (1 - β1) z_t + β1 x_t.

    Only y (in the parameters) and z (a slot) are stored: x = (y - (1 - β1) z) / β1. The average x plays
    the role of a decaying schedule's last iterate without knowing the run's length in advance. This is the
    paper's Algorithm 1 with ε added to the bias-corrected root (as Keras and the authors' code do) and, as
    Keras, equal weights c_t = 1/t also during warmup (the paper weights each z_t by α_t² there).

    Evaluation weights: during training the parameters hold y. Before evaluating, predicting or saving the
    weights for use, call `swap_to_eval` (the parameters then hold x); call `swap_to_train` before training
    again. ``eval()`` and ``train()`` are aliases, as in Keras. An update while the parameters hold x would
    take a gradient computed at the wrong point: `apply` then raises a RuntimeError instead.

    Args:
        learning_rate: α (default 0.0025), or a schedule (none is needed).
        beta_1: β1 in (0, 1): the interpolation between z and x (default 0.9).
        beta_2: β2 in [0, 1): the decay of the squared-gradient average (default 0.999).
        epsilon: ε (default 1e-8).
        warmup_steps: the number of steps over which α_t grows linearly to α (default 0: none).
        name, **kwargs: see `Optimizer` (weight_decay, clipnorm, clipvalue, global_clipnorm). The weight
            decay θ ← θ - α λ θ acts on the parameters (y) before each step, as Keras applies it.

    Example:
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.array([1.0]), "w")
        >>> optimizer = ScheduleFreeAdamW(learning_rate=0.1, epsilon=0.0)
        >>> w.grad[:] = 3.0
        >>> optimizer.apply([w])  # z = 1 - 0.1 = 0.9, x = z (c_1 = 1), y = 0.9
        >>> w.value
        array([0.9])
        >>> w.grad[:] = 3.0
        >>> optimizer.apply([w])  # z = 0.8, x = (0.9 + 0.8) / 2, y = 0.1 z + 0.9 x
        >>> w.value
        array([0.845])
        >>> optimizer.swap_to_eval()
        >>> w.value  # x
        array([0.85])

    References:
        Defazio, Yang, Mehta, Mishchenko, Khaled and Cutkosky, "The Road Less Scheduled", NeurIPS 2024
        (arXiv:2405.15682). Lecture 001 (Adam).
    """

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0,
                 name=None, **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.beta_1 = check_fraction("ScheduleFreeAdamW", "beta_1", beta_1)
        if self.beta_1 == 0:
            raise ValueError("ScheduleFreeAdamW: beta_1 must lie in (0, 1) (x is recovered as (y - (1 - β1) z) / "
                             "β1), received 0")
        self.beta_2 = check_fraction("ScheduleFreeAdamW", "beta_2", beta_2)
        if not isinstance(epsilon, numbers.Real) or epsilon < 0:
            raise ValueError(f"ScheduleFreeAdamW: epsilon must be >= 0, received {epsilon!r}")
        if not isinstance(warmup_steps, numbers.Integral) or warmup_steps < 0:
            raise ValueError(f"ScheduleFreeAdamW: warmup_steps must be a non-negative integer, received "
                             f"{warmup_steps!r}")
        self.epsilon, self.warmup_steps = float(epsilon), int(warmup_steps)
        self.training_mode = 1.0

    #: Whether the parameters hold y (1.0) or x (0.0), saved with the state so a model saved in either mode
    #: resumes in it.
    state_attributes = ("training_mode",)

    @property
    def is_training_mode(self) -> bool:
        """Whether the parameters hold the training point y (else the evaluation average x)."""
        return bool(self.training_mode)

    def build_slots(self, parameter):
        return {"z": parameter.value.copy(), "velocity": np.zeros_like(parameter.value),
                "_step": np.empty_like(parameter.value)}

    def apply(self, parameters) -> None:
        if not self.is_training_mode:
            raise RuntimeError("ScheduleFreeAdamW: the parameters hold the evaluation average x (after "
                               "swap_to_eval); call swap_to_train() before training")
        super().apply(parameters)

    def update_step(self, parameter, slots, learning_rate):
        t = self.iterations + 1
        if self.warmup_steps:
            learning_rate *= min(1.0, t / self.warmup_steps)
        z, velocity, step, y = slots["z"], slots["velocity"], slots["_step"], parameter.value
        velocity *= self.beta_2
        velocity += np.multiply(np.square(parameter.grad, out=step), 1.0 - self.beta_2, out=step)
        np.sqrt(np.divide(velocity, 1.0 - self.beta_2 ** t, out=step), out=step)
        step += self.epsilon
        np.divide(parameter.grad, step, out=step)
        # y_t = (1 - c) y_{t-1} + c z_{t-1} + α (β1 (1 - c) - 1) u, the form of x_t and y_t above once
        # x_{t-1} = (y_{t-1} - (1 - β1) z_{t-1}) / β1 is put in; then z_t = z_{t-1} - α u.
        c = 1.0 / t
        y *= 1.0 - c
        y += c * z
        y += (learning_rate * (self.beta_1 * (1.0 - c) - 1.0)) * step
        step *= learning_rate
        z -= step

    def _swap(self, to_training) -> None:
        beta = self.beta_1
        for parameter, slots in self._slots.items():
            z, value = slots["z"], parameter.value
            if to_training:  # y = (1 - β1) z + β1 x
                value *= beta
                value += (1.0 - beta) * z
            else:  # x = (y - (1 - β1) z) / β1
                value -= (1.0 - beta) * z
                value *= 1.0 / beta
        self.training_mode = float(to_training)

    def swap_to_train(self) -> None:
        """Put the training point y = (1 - β1) z + β1 x in the parameters (nothing when they hold it)."""
        if not self.is_training_mode:
            self._swap(True)

    def swap_to_eval(self) -> None:
        """Put the average x = (y - (1 - β1) z) / β1 in the parameters, to evaluate or predict with."""
        if self.is_training_mode:
            self._swap(False)

    def train(self) -> None:
        """`swap_to_train`."""
        self.swap_to_train()

    def eval(self) -> None:
        """`swap_to_eval`."""
        self.swap_to_eval()

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "warmup_steps": self.warmup_steps}
