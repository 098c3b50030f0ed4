"""Muon: momentum orthogonalized by Newton-Schulz for weight matrices, AdamW for every other parameter."""

import math
import numbers
import re

import numpy as np

from layerwise.optimizers.adam import Adam
from layerwise.optimizers.base import Optimizer, check_fraction


def newton_schulz(g, coefficients=(3.4445, -4.7750, 2.0315), steps=5):
    """The orthogonalized direction of a matrix G = U S V^T, about U V^T, by a quintic Newton-Schulz iteration.

    X_0 = G / (||G||_F + 1e-7) (so every singular value is at most 1), then ``steps`` times
    X ← a X + (b A + c A²) X with A = X X^T, on the wide orientation (G^T when G has more rows than
    columns, transposed back at the end). Each step maps every singular value σ to a σ + b σ³ + c σ⁵; Keller
    Jordan's coefficients push small σ up fast, and the result has singular values near 1 (in about
    [0.7, 1.2]) rather than exactly 1, which trains as well as U V^T.

    Args:
        g: a 2-D array (float32 stays float32).
        coefficients: (a, b, c).
        steps: the number of iterations.

    Example:
        >>> x = newton_schulz(np.array([[3.0, 0.0], [0.0, 0.5]]))
        >>> np.round(np.diag(x), 2)  # σ = 3/sqrt(9.25) and 0.5/sqrt(9.25), 0.99 and 0.16, both end near 1
        array([0.71, 1.04])
    """
    a, b, c = coefficients
    tall = g.shape[-2] > g.shape[-1]
    x = g.T if tall else g
    x = x / (np.linalg.norm(x) + 1e-7)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * (gram @ gram)) @ x
    return x.T if tall else x


class Muon(Optimizer):
    """Muon (MomentUm Orthogonalized by Newton-Schulz), as ``keras.optimizers.Muon``, with AdamW for the rest.

    For a weight matrix W (2-D, not excluded below), with momentum μ and step t:

    m ← μ m + g;   u = g + μ m (``nesterov``) or u = m;   O = newton_schulz(u);
    W ← W - α s O,   s = ``rms_rate`` · sqrt(max(rows, columns))  (s = 1 when ``rms_rate`` is None).

    O has every singular value near 1, so each step moves W by about the same amount in every direction of
    its row and column spaces; s (Moonlight's scaling, Liu et al.) gives the update the root-mean-square of
    an AdamW update, so the two can share α and λ. Since O does not depend on the scale of u, Keras's
    m ← μ m + g and PyTorch's m ← μ m + (1 - μ) g give the same step.

    Every other parameter (not 2-D, such as biases and convolution kernels; names containing "embedding"
    when ``exclude_embeddings``; names matching a regular expression of ``exclude_layers``) takes `Adam`'s
    step with learning rate α · ``adam_lr_ratio`` (β1 = ``adam_beta_1``, β2 = ``adam_beta_2``, ε̂ =
    ``epsilon``). Decoupled weight decay, θ ← θ - α λ θ before the step, uses λ = ``weight_decay`` for the
    matrices Muon steps and λ = ``adam_weight_decay`` for the others.

    Args:
        learning_rate: α (default 0.001), or a schedule.
        adam_beta_1, adam_beta_2: Adam's β1, β2 in [0, 1) (default 0.9, 0.999).
        adam_weight_decay: λ of the AdamW parameters (default 0.004).
        epsilon: Adam's ε̂ (default 1e-7).
        weight_decay: λ of the Muon matrices (default 0.004).
        exclude_layers: regular expressions; a parameter whose name ("dense/kernel") matches one takes AdamW.
        exclude_embeddings: give parameters whose name contains "embedding" to AdamW (default True).
        muon_a, muon_b, muon_c: the Newton-Schulz coefficients (default 3.4445, -4.7750, 2.0315).
        adam_lr_ratio: the AdamW learning rate over α (default 1).
        momentum: μ in [0, 1) (default 0.95).
        ns_steps: Newton-Schulz iterations (default 5).
        nesterov: use u = g + μ m (default True).
        rms_rate: the RMS matching rate (default 0.2), or None for s = 1.
        name, **kwargs: see `Optimizer` (clipnorm, clipvalue, global_clipnorm).

    Example:
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.zeros((2, 2)), "dense/kernel")
        >>> w.grad[:] = [[-4.0, 0.0], [0.0, -1.0]]
        >>> Muon(learning_rate=0.1, weight_decay=0.0, rms_rate=None).apply([w])
        >>> np.round(w.value, 3)  # both directions move by about α, whatever the gradient's scale
        array([[0.074, 0.   ],
               [0.   , 0.074]])

    References:
        Jordan et al., "Muon: An optimizer for hidden layers in neural networks", 2024
        (kellerjordan.github.io/posts/muon); Liu et al., "Muon is Scalable for LLM Training", 2025
        (arXiv:2502.16982). Lecture 001 (momentum, Adam).
    """

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999, adam_weight_decay=0.004,
                 epsilon=1e-7, weight_decay=0.004, name=None, exclude_layers=None, exclude_embeddings=True,
                 muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315, adam_lr_ratio=1, momentum=0.95, ns_steps=5,
                 nesterov=True, rms_rate=0.2, **kwargs):
        super().__init__(learning_rate, name, weight_decay=weight_decay, **kwargs)
        # Adam's rule for the parameters Muon does not step, with its own β and ε; it reads `iterations`.
        self._adam = Adam(beta_1=adam_beta_1, beta_2=adam_beta_2, epsilon=epsilon)
        self.momentum = check_fraction("Muon", "momentum", momentum)
        for argument, value in (("adam_weight_decay", adam_weight_decay), ("rms_rate", rms_rate)):
            if value is not None and (not isinstance(value, numbers.Real) or value < 0):
                raise ValueError(f"Muon: {argument} must be a non-negative float or None, received {value!r}")
        if not isinstance(adam_lr_ratio, numbers.Real) or adam_lr_ratio < 0:
            raise ValueError(f"Muon: adam_lr_ratio must be a non-negative float, received {adam_lr_ratio!r}")
        if not isinstance(ns_steps, numbers.Integral) or ns_steps < 1:
            raise ValueError(f"Muon: ns_steps must be a positive integer, received {ns_steps!r}")
        if isinstance(exclude_layers, str) or not all(isinstance(k, str) for k in exclude_layers or []):
            raise ValueError(f"Muon: exclude_layers must be a list of regular expressions, received "
                             f"{exclude_layers!r}")
        self.adam_weight_decay, self.rms_rate = adam_weight_decay, rms_rate
        self.adam_lr_ratio, self.ns_steps, self.nesterov = adam_lr_ratio, int(ns_steps), bool(nesterov)
        self.muon_a, self.muon_b, self.muon_c = float(muon_a), float(muon_b), float(muon_c)
        self.exclude_layers, self.exclude_embeddings = list(exclude_layers or []), bool(exclude_embeddings)

    @property
    def adam_beta_1(self):
        return self._adam.beta_1

    @property
    def adam_beta_2(self):
        return self._adam.beta_2

    @property
    def epsilon(self):
        return self._adam.epsilon

    def uses_adamw(self, parameter) -> bool:
        """Whether ``parameter`` takes the AdamW step (not a matrix, an embedding, or an excluded layer's)."""
        if parameter.value.ndim != 2:
            return True
        if self.exclude_embeddings and "embedding" in parameter.name.lower():
            return True
        return any(re.search(keyword, parameter.name) for keyword in self.exclude_layers)

    def weight_decay_of(self, parameter):
        return self.adam_weight_decay if self.uses_adamw(parameter) else self.weight_decay

    def build_slots(self, parameter):
        if self.uses_adamw(parameter):
            return self._adam.build_slots(parameter)
        return {"momentum": np.zeros_like(parameter.value)}

    def update_step(self, parameter, slots, learning_rate):
        if "velocity" in slots:
            self._adam.iterations = self.iterations
            self._adam.update_step(parameter, slots, learning_rate * self.adam_lr_ratio)
            return
        momentum, grad = slots["momentum"], parameter.grad
        momentum *= self.momentum
        momentum += grad
        direction = grad + self.momentum * momentum if self.nesterov else momentum
        update = newton_schulz(direction, (self.muon_a, self.muon_b, self.muon_c), self.ns_steps)
        scale = 1.0 if self.rms_rate is None else self.rms_rate * math.sqrt(max(parameter.value.shape))
        update *= learning_rate * scale
        parameter.value -= update

    def get_config(self):
        return {**super().get_config(), "adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2,
                "adam_weight_decay": self.adam_weight_decay, "epsilon": self.epsilon,
                "exclude_layers": list(self.exclude_layers), "exclude_embeddings": self.exclude_embeddings,
                "muon_a": self.muon_a, "muon_b": self.muon_b, "muon_c": self.muon_c,
                "adam_lr_ratio": self.adam_lr_ratio, "momentum": self.momentum, "ns_steps": self.ns_steps,
                "nesterov": self.nesterov, "rms_rate": self.rms_rate}
