"""SpectralNormalization: a wrapper that divides a layer's kernel by its largest singular value."""

from layerwise import initializers
from layerwise.layers.base import Parameter
from layerwise.layers.core.wrapper import Wrapper
from layerwise.ops.spectral_norm import power_iteration, spectral_normalize_backward
from layerwise.utils._arguments import check_integer


class SpectralNormalization(Wrapper):
    """Run the wrapped layer with its kernel W (viewed as a matrix (m, k), k its last axis) divided by sigma(W),
    the largest singular value estimated by power iteration (`layerwise.ops.spectral_norm`):

        v = u Wᵀ / ||u Wᵀ||,  u = v W / ||v W||  (``power_iterations`` times, in training only),
        v = u Wᵀ / ||u Wᵀ||,  sigma = v W uᵀ = ||u Wᵀ||,
        f(x) = g(x; W / sigma, θ)  with g the wrapped layer and θ its other weights (the bias).

    The non-trainable ``vector_u`` (1, k) keeps u from call to call: a training call runs the iterations from it
    and stores the new u; an inference call leaves it alone (PyTorch's rule; sigma's v follows the last u, as in
    PyTorch, where Keras uses the v before it, half an iteration behind).
    Backward: the wrapped layer's backward gives dJ/dx, dJ/dθ and G = dJ/dW̄; with u and v constants (as in Keras
    and PyTorch), dJ/dW = (G - <G, W̄> vᵀ u) / sigma is added to the kernel's grad. An all-zero kernel is used as it
    is (sigma would be 0), as in Keras.

    Unlike Keras, the wrapped layer's kernel keeps W (PyTorch's parametrization): Keras overwrites it with W̄ in
    each training call and runs inference with the last W̄; here every call divides by the current sigma.

    Args:
        layer: a layer with a ``kernel`` (Dense, Conv2D ...) or ``embeddings`` (Embedding) weight.
        power_iterations: the number of power iterations per training call (an integer >= 1, default 1).
        **kwargs: `Layer` arguments.

    Input shape:
        The wrapped layer's.

    Output shape:
        The wrapped layer's.

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Dense
        >>> layer = SpectralNormalization(Dense(3, use_bias=False), power_iterations=50)
        >>> x = np.random.default_rng(0).normal(size=(4, 5))
        >>> y = layer(x, training=True)
        >>> W = layer.layer.kernel.value
        >>> bool(np.allclose(y, x @ (W / np.linalg.norm(W, 2)), atol=1e-5))
        True

    References:
        Miyato, Kataoka, Koyama, Yoshida, "Spectral Normalization for Generative Adversarial Networks", ICLR
        2018. Keras ``keras.layers.SpectralNormalization``; PyTorch
        ``torch.nn.utils.parametrizations.spectral_norm``.
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        self.power_iterations = check_integer(power_iterations, "power_iterations", "SpectralNormalization")

    def build(self, input_shape):
        self.build_wrapped(input_shape)
        self.weight_name = next((name for name in ("kernel", "embeddings") if hasattr(self.layer, name)), None)
        if self.weight_name is None:
            raise ValueError(f"SpectralNormalization '{self.name}': the wrapped layer '{self.layer.name}' "
                             f"({type(self.layer).__name__}) has no 'kernel' nor 'embeddings' weight")
        kernel = getattr(self.layer, self.weight_name)
        self.vector_u = self.add_weight("vector_u", (1, kernel.shape[-1]),
                                        initializers.TruncatedNormal(stddev=0.02), trainable=False)

    def normalized_call(self, training=False):
        """A call of the wrapped layer whose kernel is W̄ = W / sigma, a new `Parameter` whose grad gathers G;
        a training call advances ``vector_u``."""
        kernel = getattr(self.layer, self.weight_name)
        self.matrix = kernel.value.reshape(-1, kernel.shape[-1])
        self.is_zero = not self.matrix.any()
        iterations = self.power_iterations if training and not self.is_zero else 0
        self.u, self.v, self.sigma = power_iteration(self.matrix, self.vector_u.value, iterations)
        if iterations:
            self.vector_u.value[...] = self.u
        self.normalized = Parameter(kernel.value if self.is_zero else kernel.value / self.sigma, kernel.name,
                                    kernel.trainable)
        call = self.layer.new_call()
        setattr(call, self.weight_name, self.normalized)
        return call

    def forward(self, x, training=False):
        self.inner_call = self.normalized_call(training)
        return self.inner_call(x, training=training, input_gradient=self.needs_input_gradient)

    def backward(self, dy):
        dx = self.inner_call.backward(dy)
        kernel = getattr(self.layer, self.weight_name)
        grad = self.normalized.grad.reshape(self.matrix.shape)
        if not self.is_zero:
            grad = spectral_normalize_backward(grad, self.normalized.value.reshape(self.matrix.shape), self.u,
                                               self.v, self.sigma)
        kernel.grad += grad.reshape(kernel.shape)
        return dx

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}
