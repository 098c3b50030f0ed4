"""BernoulliRBM: binary visible and binary hidden units."""

import numpy as np

from layerwise.activations import sigmoid
from layerwise.ops.dense import dense_forward
from layerwise.pretraining._data import in_unit_range
from layerwise.pretraining._rbm import RestrictedBoltzmannMachine


class BernoulliRBM(RestrictedBoltzmannMachine):
    """A restricted Boltzmann machine of binary visible units v and binary hidden units h.

    E(v, h) = -bᵀv - cᵀh - vᵀWh;  p(h_j = 1 | v) = σ(c_j + (vW)_j);  p(v_i = 1 | h) = σ(b_i + (Wh)_i);
    F(v) = -bᵀv - Σ_j softplus(c_j + (vW)_j). Inputs are probabilities in [0, 1] (grey levels scaled to
    [0, 1] are read as the probability of the pixel being on, as in Hinton's MNIST experiments).

    Trained by CD-k or PCD with `fit` (see `RestrictedBoltzmannMachine`); monitored by the reconstruction
    error, the free energy and the pseudo-log-likelihood
    PL(v) = Σ_i log p(v_i | v_-i) ≈ n · log σ(F(ṽ) - F(v)), ṽ being v with one randomly chosen unit
    flipped (the stochastic estimate scikit-learn's `BernoulliRBM.score_samples` uses).

    Args:
        units: the number of hidden units.
        k: Gibbs steps per update (CD-k).
        persistent: whether the negative phase continues persistent chains (PCD) instead of restarting at
            the data (CD). PCD needs a small learning rate (the chains must keep up with the weights);
            its chains are not saved with the model and restart at the data after loading.
        kernel_initializer: initializer of W (default N(0, 0.01²), Hinton's guide).
        kernel_regularizer: weight decay on W, e.g. ``L2(0.0001 / 2)`` for the guide's weight-cost 0.0001.
        seed: seed of the RBM's own generator for Gibbs sampling (default: the library's generator).
        **kwargs: `Layer` arguments (name, dtype, input_shape ...).

    Input shape:
        (batch, n_visible), values in [0, 1].

    Output shape:
        (batch, units): p(h = 1 | v).

    Example:
        >>> import numpy as np
        >>> x = (np.random.default_rng(0).random((100, 6)) < 0.3).astype("float32")
        >>> rbm = BernoulliRBM(4, seed=0)
        >>> rbm.compile(optimizer="sgd")
        >>> history = rbm.fit(x, epochs=2, batch_size=10, verbose=0)
        >>> sorted(history.history)
        ['free_energy', 'loss', 'pseudo_log_likelihood']
        >>> rbm.transform(x[:2]).shape
        (2, 4)

    References:
        Hinton, "Training Products of Experts by Minimizing Contrastive Divergence", Neural Computation
        2002; Tieleman, "Training Restricted Boltzmann Machines using Approximations to the Likelihood
        Gradient", ICML 2008; Hinton, "A Practical Guide to Training Restricted Boltzmann Machines", 2010;
        lecture 002 (deep belief networks); lecture 004 (unsupervised layer-wise pre-training).
    """

    has_pseudo_likelihood = True

    def check_visible(self, x):
        if not in_unit_range(x):
            raise ValueError(f"BernoulliRBM '{self.name}': visible units are probabilities in [0, 1], received "
                             f"values in [{x.min():g}, {x.max():g}]; scale the data (or use GaussianBernoulliRBM)")

    def visible_mean(self, h):
        """p(v = 1 | h) = σ(b + hWᵀ)."""
        z = dense_forward(h, self.kernel.value.T, self.visible_bias.value)
        return sigmoid(z, out=z)

    def sample_visible(self, mean):
        return self._sample_binary(mean)

    def visible_energy(self, v):
        return -(v @ self.visible_bias.value)

    def visible_energy_gradient(self, v):
        return -v.sum(axis=0)

    def pseudo_log_likelihood(self, x, seed=0):
        """The stochastic pseudo-log-likelihood n · log σ(F(ṽ) - F(v)) of each sample (one unit flipped).

        The flipped units are drawn from a generator of their own (``seed``), so measuring never moves the
        Gibbs sampler's random stream, and successive measurements flip the same units. It is meant for
        binary data: on grey levels the "flip" v_i -> 1 - v_i is not a state of a binary unit.
        """
        v = self.prepare_input(x)
        flipped = v.copy()
        rows = np.arange(len(v))
        columns = np.random.default_rng(seed).integers(0, v.shape[1], len(v))
        flipped[rows, columns] = 1 - flipped[rows, columns]
        margin = self.free_energy(flipped) - self.free_energy(v)
        return -v.shape[1] * np.logaddexp(0, -margin)
