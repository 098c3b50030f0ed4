"""AdamW: Adam with decoupled weight decay."""

from layerwise.optimizers.adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), as ``keras.optimizers.AdamW``.

    Each step first shrinks the weights, θ ← θ - α λ θ, then takes `Adam`'s step (the order of Keras
    and of ``torch.optim.AdamW``). Unlike an L2 penalty λ/2 ||θ||^2 added to the loss (lecture 002), the
    decay does not pass through Adam's per-coordinate scaling, so every weight decays at the same rate.

    Args:
        learning_rate: α (default 0.001), or a schedule.
        weight_decay: λ (default 0.004, as Keras).
        beta_1, beta_2, epsilon, amsgrad: see `Adam`.
        name, lr, **kwargs: see `Optimizer` (clipnorm, clipvalue, global_clipnorm).

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Parameter
        >>> w = Parameter(np.array([1.0]), "w")
        >>> AdamW(learning_rate=0.1, weight_decay=0.5).apply([w])  # zero gradient: only the decay acts
        >>> w.value
        array([0.95])

    References:
        Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019. Lecture 002 (weight
        decay); lecture 001 (Adam).
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name=None, lr=None, **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, name, lr,
                         weight_decay=weight_decay, **kwargs)
