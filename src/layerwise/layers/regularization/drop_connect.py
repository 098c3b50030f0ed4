"""DropConnect: a Dense layer that drops individual weights in training (Wan et al. 2013)."""

import numpy as np

from layerwise.layers.core.dense import Dense
from layerwise.ops.dense import dense_backward, dense_forward
from layerwise.ops.drop_connect import (masked_kernel, moment_matching_backward, moment_matching_forward,
                                        per_sample_dense_backward, per_sample_dense_forward, scaled_kernel)
from layerwise.layers.regularization._stochastic import SeededGenerator, check_rate
from layerwise.utils._arguments import check_integer

_INFERENCE = ("weight_scaling", "gaussian")


class DropConnect(SeededGenerator, Dense):
    """Fully connected layer whose weights, not units, are dropped at random in training.

    Training: each weight W_ij is kept with probability p = 1 - rate. With a mask M_ij ~ Bernoulli(p),
    drawn afresh for every mini-batch and shared by its samples (the paper's efficient form),
        z = x (M * W) + b,    y = phi(z)                                   (Wan et al., eq. 1-2)
    and the backward pass reuses the same M:
        dJ/dW = M * (x^T dJ/dz),   dJ/db = sum_n dJ/dz,   dJ/dx = dJ/dz (M * W)^T.
    With ``per_sample=True`` every sample n gets its own mask M_n (the paper's exact model):
    z_n = x_n (M_n * W) + b and dJ/dW = sum_n M_n * (x_n^T dJ/dz_n); this holds N masks of W's size.
    No 1/p rescaling is applied in training (as in the paper); the bias is never dropped.

    Inference, ``inference="weight_scaling"``: the mean network, y = phi(x E[M * W] + b) = phi(x (p W) + b).
    ``inference="gaussian"``: the paper's moment matching (section 3.1, Algorithm 2). Each
    pre-activation is approximated by a Gaussian with the mask's moments,
        u ~ N(mu, sigma^2),  mu = x (p W) + b,  sigma^2 = p (1 - p) (x * x)(W * W),
    and y = (1 / Z) sum_{z=1..Z} phi(u_z) averages Z = ``inference_samples`` draws
    u_z = mu + sigma * eps_z, eps_z ~ N(0, 1) from the layer's generator. This inference is stochastic:
    two calls give slightly different outputs unless the generator is reseeded. Its backward pass
    differentiates through the draws: dJ/dmu = sum_z dJ/du_z, dJ/dsigma = sum_z eps_z dJ/du_z.

    Args:
        units: n_out, the number of output units.
        rate: the probability 1 - p of dropping a weight, in [0, 1).
        activation: phi (None: linear).
        per_sample: draw one mask per sample instead of one per mini-batch (memory N n_in n_out).
        inference: "weight_scaling" or "gaussian".
        inference_samples: Z, the number of Gaussian draws per unit for ``inference="gaussian"``.
        seed: seed of the layer's own generator (None: the library's generator).
        **kwargs: `Dense` arguments (use_bias, kernel_initializer, bias_initializer) and `Layer` ones.

    Input shape:
        (batch, ..., n_in).

    Output shape:
        (batch, ..., units).

    Example:
        >>> import numpy as np
        >>> layer = DropConnect(3, rate=0.5, activation="relu", seed=0, input_dim=4)
        >>> y = layer(np.ones((2, 4)), training=True)
        >>> layer.mask.shape, layer.mask.dtype
        ((4, 3), dtype('bool'))
        >>> np.allclose(y, np.maximum(np.ones((2, 4)) @ (layer.mask * layer.kernel.value), 0))
        True

    References:
        L. Wan, M. Zeiler, S. Zhang, Y. LeCun, R. Fergus, "Regularization of Neural Networks using
        DropConnect", ICML 2013. Lecture 002 (approaches to regularization: DropConnect).
    """

    def __init__(self, units, rate=0.5, activation=None, per_sample=False, inference="weight_scaling",
                 inference_samples=100, seed=None, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        if inference not in _INFERENCE:
            raise ValueError(f"DropConnect: inference must be one of {_INFERENCE}, received {inference!r}")
        check_integer(inference_samples, "inference_samples", "DropConnect")
        self.rate, self.per_sample = check_rate("DropConnect", rate), bool(per_sample)
        self.inference, self.inference_samples = inference, inference_samples
        self.init_generator(seed)

    @property
    def keep(self) -> float:
        """p, the probability of keeping a weight."""
        return 1.0 - self.rate

    def forward(self, x, training=False):
        self.x, self.mode = x, "training" if training else self.inference
        bias = self.bias.value if self.use_bias else None
        if training:
            mask_shape = ((x.shape[0],) if self.per_sample else ()) + self.kernel.shape
            self.mask = self.generator().random(mask_shape, dtype=self.dtype) < self.keep
            if self.per_sample:
                z, self.sample_kernels = per_sample_dense_forward(x, self.kernel.value, self.mask, bias)
                return self._activate(z)
            self.effective_kernel, self.kernel_scale = masked_kernel(self.kernel.value, self.mask)
        elif self.inference == "gaussian":
            return self._gaussian_forward(x)
        else:
            self.effective_kernel, self.kernel_scale = scaled_kernel(self.kernel.value, self.keep)
        return self._activate(dense_forward(x, self.effective_kernel, bias))

    def _gaussian_forward(self, x):
        mean, self.std, self.moment_views = moment_matching_forward(
            x, self.kernel.value, self.bias.value if self.use_bias else None, self.keep)
        self.noise = self.generator().standard_normal((self.inference_samples,) + mean.shape, dtype=self.dtype)
        u = self.noise * self.std
        u += mean
        self.u = u if self.activation.reads == "input" else None
        self.draws = self.activation.forward(u, out=None if self.activation.reads == "input" else u)
        return self.draws.mean(axis=0)

    def backward(self, dy):
        if self.mode != "gaussian":
            return super().backward(dy)
        dy_draws = np.broadcast_to(dy / self.inference_samples, self.draws.shape)
        du = self.activation.backward(dy_draws, self.u, self.draws)
        return moment_matching_backward(du.sum(axis=0), np.sum(du * self.noise, axis=0), self.x, self.std,
                                        self.moment_views, self.kernel.grad, self.bias.grad if self.use_bias else None,
                                        self.needs_input_gradient)

    def backward_preactivation(self, dz):
        if self.mode == "gaussian":
            raise ValueError(
                f"Layer '{self.name}' (DropConnect): Gaussian inference averages phi over draws, so it has "
                "no single pre-activation to backpropagate from; call backward(dy) instead")
        bias_grad = self.bias.grad if self.use_bias else None
        if self.per_sample and self.mode == "training":
            return per_sample_dense_backward(dz, self.x, self.sample_kernels, self.mask, self.kernel.grad, bias_grad,
                                             self.needs_input_gradient)
        kernel_grad, overwrite = self.kernel.grad_buffer()
        return dense_backward(dz, self.x, self.effective_kernel, kernel_grad, bias_grad, self.needs_input_gradient,
                              overwrite, grad_scale=self.kernel_scale)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "per_sample": self.per_sample,
                "inference": self.inference, "inference_samples": self.inference_samples, "seed": self.seed}
