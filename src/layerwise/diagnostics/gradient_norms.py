"""Per-layer gradient norms: see vanishing or exploding gradients (lecture 000) layer by layer."""

import numpy as np

from layerwise.diagnostics._layers import trainable_kernels


def gradient_norms(model, x, y, training=True):
    """||dJ/dW_l||_2 of every kernel (first trainable weight) of a compiled model, in layer order, for one batch.

    Runs one forward pass and the backward pass of the compiled loss (the same path as training, fused
    output gradient included) without updating the weights, and leaves each parameter's grad holding
    dJ/dtheta of this batch.

    Args:
        model: a compiled `Sequential` or `Model`.
        x, y: a batch and its targets.
        training: the mode of the forward pass (batch statistics, dropout).

    Returns:
        A dict {layer name: gradient norm} for each layer with trainable weights, input side first; the
        layers of nested models are listed each under its own name (as `GradientFlow`'s keys).

    Example:
        >>> import numpy as np, layerwise
        >>> from layerwise.layers import Dense
        >>> model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(2, name="hidden"), Dense(1, name="out")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> sorted(gradient_norms(model, np.ones((4, 3)), np.zeros((4, 1))))
        ['hidden', 'out']

    References:
        Lecture 000 (vanishing and exploding gradients); lecture 001 (dE/dx_l in plain and residual
        networks).
    """
    if model.loss is None:
        raise ValueError(f"gradient_norms: compile {model.name} with a loss first")
    x = np.asarray(x, dtype=model.dtype)
    y = np.asarray(y)
    for parameter in model.trainable_weights:
        parameter.grad[...] = 0
    y_pred = model(x, training=training)
    if model.fuses_loss_gradient:
        model.backward_preactivation(model.loss.fused_gradient(y, y_pred))
    else:
        model.backward(model.loss.gradient(y, y_pred))
    return {name: float(np.linalg.norm(kernel.grad))
            for name, kernel in trainable_kernels(model, "gradient_norms").items()}
