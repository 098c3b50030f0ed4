"""GaussianBernoulliRBM: real-valued visible units of unit variance, binary hidden units."""

from layerwise.ops.dense import dense_forward
from layerwise.pretraining._rbm import RestrictedBoltzmannMachine


class GaussianBernoulliRBM(RestrictedBoltzmannMachine):
    """A restricted Boltzmann machine of real-valued visible units v with unit variance and binary hidden units.

    E(v, h) = ½‖v - b‖² - cᵀh - vᵀWh;  p(h_j = 1 | v) = σ(c_j + (vW)_j);  v | h ~ N(b + hWᵀ, I);
    F(v) = ½‖v - b‖² - Σ_j softplus(c_j + (vW)_j).

    Unit variance is Hinton's guide's recommendation: standardize each input to zero mean and unit
    variance first (e.g. with `layerwise.layers.Normalization`'s statistics) and use a learning rate one
    or two orders smaller than for binary units. The pseudo-log-likelihood is not defined for continuous
    units, so the monitors are the reconstruction error and the free energy.

    Args:
        units: the number of hidden units.
        k: Gibbs steps per update (CD-k).
        persistent: PCD instead of CD.
        kernel_initializer: initializer of W (default N(0, 0.01²)).
        kernel_regularizer: weight decay on W.
        seed: seed of the RBM's own generator (default: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, n_visible), standardized real values.

    Output shape:
        (batch, units): p(h = 1 | v).

    Example:
        >>> import numpy as np
        >>> rbm = GaussianBernoulliRBM(3, seed=0)
        >>> rbm.compile(optimizer="sgd")
        >>> history = rbm.fit(np.random.default_rng(0).normal(size=(50, 4)), epochs=1, verbose=0)
        >>> sorted(history.history)
        ['free_energy', 'loss']

    References:
        Hinton and Salakhutdinov, "Reducing the Dimensionality of Data with Neural Networks", Science 2006;
        Hinton, "A Practical Guide to Training Restricted Boltzmann Machines", 2010 (section 13.2);
        lecture 002 (deep belief networks).
    """

    def visible_mean(self, h):
        """E[v | h] = b + hWᵀ."""
        return dense_forward(h, self.kernel.value.T, self.visible_bias.value)

    def sample_visible(self, mean):
        noise = self.generator().standard_normal(mean.shape, dtype=mean.dtype)
        noise += mean
        return noise

    def visible_energy(self, v):
        centred = v - self.visible_bias.value
        return 0.5 * (centred * centred).sum(axis=1)

    def visible_energy_gradient(self, v):
        return -(v - self.visible_bias.value).sum(axis=0)
