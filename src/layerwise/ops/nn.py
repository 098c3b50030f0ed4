"""Differentiable activation functions, as ``keras.ops`` names them: each is `layerwise.activations`' function
and its backward rule (the ``fn/grad`` pairs of lecture 001's non-linear layer) recorded as one op.
"""

# The module, not its names: layerwise.activations may be half-imported here (it imports layerwise.ops' kernels).
from layerwise import activations


def _activation(name, keras_defaults=None):
    def op(x, **kwargs):
        return activations.recorded(name, x, **{**(keras_defaults or {}), **kwargs})
    op.__name__ = op.__qualname__ = name
    defaults = f" (Keras ops defaults: {keras_defaults})" if keras_defaults else ""
    op.__doc__ = (f"The {name} activation, ``keras.ops.{name}`` (`layerwise.activations.{name}` and its gradient)"
                  f"; keyword arguments as the activation's{defaults}.\n\n"
                  f"    Example:\n        >>> import numpy as np\n        >>> from layerwise import ops\n"
                  f"        >>> ops.{name}(np.zeros((2, 3))).shape\n        (2, 3)\n    ")
    return op


sigmoid = _activation("sigmoid")
relu = _activation("relu")
relu6 = _activation("relu6")
leaky_relu = _activation("leaky_relu")
elu = _activation("elu")
selu = _activation("selu")
celu = _activation("celu")
# keras.ops.gelu approximates by default, unlike keras.activations.gelu.
gelu = _activation("gelu", {"approximate": True})
silu = _activation("silu")
swish = _activation("swish")
softplus = _activation("softplus")
softsign = _activation("softsign")
hard_sigmoid = _activation("hard_sigmoid")
hard_silu = _activation("hard_silu")
hard_swish = _activation("hard_swish")
hard_tanh = _activation("hard_tanh")
log_sigmoid = _activation("log_sigmoid")
mish = _activation("mish")
tanh_shrink = _activation("tanh_shrink")
soft_shrink = _activation("soft_shrink")
hard_shrink = _activation("hard_shrink")
squareplus = _activation("squareplus")
sparse_plus = _activation("sparse_plus")
sparse_sigmoid = _activation("sparse_sigmoid")
softmax = _activation("softmax")
log_softmax = _activation("log_softmax")
sparsemax = _activation("sparsemax")
