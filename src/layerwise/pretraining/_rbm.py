"""The restricted Boltzmann machine's shared machinery: Gibbs sampling, CD-k and PCD, free energy, monitors.

A concrete RBM (`BernoulliRBM`, `GaussianBernoulliRBM`) says how its visible units behave: their mean
given the hidden units, how to sample them, and their term of the free energy.
"""

import numpy as np

from layerwise import losses as losses_module
from layerwise import optimizers as optimizers_module
from layerwise import initializers, regularizers
from layerwise.activations import sigmoid, softplus
from layerwise.callbacks import Callback
from layerwise.callbacks.progbar_logger import format_logs
from layerwise.layers.base import Layer, format_shape
from layerwise.layers.regularization._stochastic import SeededGenerator
from layerwise.models._divergence import Divergence, DivergenceWatch
from layerwise.models._summary import print_summary
from layerwise.models.trainer import Trainer, verbose_level
from layerwise.ops.dense import dense_backward, dense_forward
from layerwise.pretraining._data import reconstruction_pair
from layerwise.utils._arguments import check_integer

#: Training samples the free energy and pseudo-log-likelihood are measured on after each epoch.
MONITOR_SAMPLES = 1000


class RestrictedBoltzmannMachine(SeededGenerator, Trainer, Layer):
    """Energy E(v, h) = V(v) - cᵀh - vᵀWh over visible units v (n_visible) and binary hidden units h (units).

    As a layer it is the up-pass of a deep belief network: y = p(h = 1 | v) = σ(vW + c), with the backward
    pass of a sigmoid `Dense` layer, so it can be fine-tuned inside a model. As a model it trains by
    contrastive divergence: `fit` follows the gradient of the free-energy difference
    J = mean F(v⁰) - mean F(vᵏ), F(v) = V(v) - Σ_j softplus(c_j + (vW)_j), with vᵏ held fixed, which is
    the CD-k estimate of the negative log-likelihood's gradient (Hinton 2002):

        dJ/dW = -(v⁰ᵀ p(h | v⁰) - vᵏᵀ p(h | vᵏ)) / N,  dJ/dc = -mean(p(h | v⁰) - p(h | vᵏ)),
        dJ/db = mean(∂V/∂b at v⁰) - mean(∂V/∂b at vᵏ).

    vᵏ comes from k steps of block Gibbs sampling h ~ p(h | v), v ~ p(v | h) started at the data (CD-k)
    or at the persistent fantasy particles of the previous step (PCD, Tieleman 2008). The optimizer's
    momentum and a kernel regularizer give Hinton's momentum and weight decay.
    """

    #: Whether the visible units' pseudo-log-likelihood is defined (binary units).
    has_pseudo_likelihood = False
    single_input = single_output = True

    def __init__(self, units, k=1, persistent=False, kernel_initializer=None, kernel_regularizer=None, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.units = check_integer(units, "units", type(self).__name__)
        self.k = check_integer(k, "k (Gibbs steps per update)", type(self).__name__)
        self.persistent = bool(persistent)
        # Hinton's guide: small random weights from N(0, 0.01²).
        self.kernel_initializer = initializers.get(kernel_initializer or initializers.RandomNormal(stddev=0.01))
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.init_generator(seed)
        self.fantasy = None
        if self.input_shape_hint is not None:  # a loaded model has its weights before they are assigned
            self.build((None,) + self.input_shape_hint)

    # ---- the layer: v -> p(h | v) ---------------------------------------------------------------
    def build(self, input_shape):
        if self.built:
            if tuple(input_shape[1:]) != self.input_spec:
                raise ValueError(f"{type(self).__name__} '{self.name}' expected input of shape "
                                 f"{format_shape((None,) + self.input_spec)}, received {format_shape(input_shape)}")
            return
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs inputs of shape (batch, visible units), "
                             f"received {format_shape(input_shape)}")
        visible = input_shape[-1]
        self.kernel = self.add_weight("kernel", (visible, self.units), self.kernel_initializer, self.kernel_regularizer)
        self.hidden_bias = self.add_weight("hidden_bias", (self.units,), "zeros")
        self.visible_bias = self.add_weight("visible_bias", (visible,), "zeros")
        self.input_spec = self.input_shape_hint = (visible,)
        self.built = True

    def forward(self, v, training=False):
        self.v = v
        self.h = self.hidden_probabilities(v)
        return self.h

    def backward(self, dh):
        kernel_grad, overwrite = self.kernel.grad_buffer()
        return dense_backward(dh * self.h * (1 - self.h), self.v, self.kernel.value, kernel_grad,
                              self.hidden_bias.grad, self.needs_input_gradient, overwrite)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    # ---- the probabilistic model ----------------------------------------------------------------
    def hidden_probabilities(self, v):
        """p(h_j = 1 | v) = σ(c_j + (vW)_j)."""
        z = dense_forward(v, self.kernel.value, self.hidden_bias.value)
        return sigmoid(z, out=z)

    def transform(self, x):
        """The hidden units' probabilities p(h = 1 | x): the features a deep belief network passes up."""
        x = self.prepare_input(x)
        return self.hidden_probabilities(x)

    def prepare_input(self, x):
        x = super().prepare_input(x)
        self.check_visible(x)
        return x

    def check_visible(self, x):
        """Raise a ValueError if x holds values the visible units cannot take."""

    def _sample_binary(self, p):
        return np.less(self.generator().random(p.shape, dtype=p.dtype), p).astype(p.dtype)

    def visible_mean(self, h):
        """E[v | h]."""
        raise NotImplementedError

    def sample_visible(self, mean):
        """A draw of v given E[v | h] = ``mean``."""
        raise NotImplementedError

    def visible_energy(self, v):
        """V(v), the visible units' own term of the energy, per sample."""
        raise NotImplementedError

    def visible_energy_gradient(self, v):
        """Σ_n dV(v_n)/db, the visible bias's part of the free energy's gradient over a batch."""
        raise NotImplementedError

    def free_energy(self, v):
        """F(v) = -log Σ_h exp(-E(v, h)) = V(v) - Σ_j softplus(c_j + (vW)_j), per sample."""
        v = self.prepare_input(v)
        return self.visible_energy(v) - softplus(dense_forward(v, self.kernel.value, self.hidden_bias.value)).sum(1)

    def gibbs(self, v, steps=1):
        """``steps`` steps of block Gibbs sampling from v: h ~ p(h | v), then v ~ p(v | h); returns v."""
        v = self.prepare_input(v)
        for _ in range(steps):
            v = self.sample_visible(self.visible_mean(self._sample_binary(self.hidden_probabilities(v))))
        return v

    def sample(self, count, steps=1000, start=None):
        """``count`` fantasy particles: Gibbs chains of ``steps`` steps from ``start`` (default: random
        visible states drawn from the visible biases' distribution)."""
        if not self.built:
            raise ValueError(f"{type(self).__name__} '{self.name}' has no weights yet: fit it first")
        if start is None:
            start = self.sample_visible(self.visible_mean(np.zeros((count, self.units), self.dtype)))
        return self.gibbs(start, steps)

    # ---- training -------------------------------------------------------------------------------
    def compile(self, optimizer="sgd", loss="mse", metrics=None):
        """Configure contrastive-divergence training.

        Args:
            optimizer: applies the CD-k gradient (e.g. ``SGD(0.1, momentum=0.5)`` as Hinton's guide).
            loss: the reconstruction error reported as ``loss``: ``"mse"`` or ``"binary_crossentropy"``
                between v and the mean of its one-step reconstruction p(v | h).
            metrics: not supported (the monitors are the free energy and the pseudo-log-likelihood).
        """
        if metrics:
            raise ValueError(f"{self.name}.compile: an RBM reports its own monitors (free energy, pseudo-log-"
                             f"likelihood); metrics are not supported, received {metrics!r}")
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = losses_module.get(loss)
        self._metric_identifiers, self._metrics = [], None
        self._compiled_trainable = {self: self.trainable}

    def _prepare_targets(self, y, loss, output_shape, where):
        # The targets of an RBM are its inputs: reconstructions are compared with them.
        return y.astype(self.dtype, copy=False)

    def _train_step(self, x, y, watch=None, position=(None, None), sample_weight=None):
        """One CD-k (or PCD) update; returns (reconstruction error, None, a `Divergence` report or None), as
        `Trainer._train_step` does. Contrastive divergence has no per-sample loss to weigh: sample weights are
        refused."""
        if sample_weight is not None:
            raise ValueError(f"{self.name}: contrastive divergence takes no sample_weight or class_weight")
        parameters = self._trained_parameters()
        # A diverging step overflows everywhere; the report below names it once.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss_value = self._contrastive_divergence(x, parameters)
        if not (np.isfinite(loss_value) and np.isfinite(self.kernel.grad).all()):
            epoch, batch = position
            where = "" if epoch is None else f" at epoch {epoch + 1}, batch {batch + 1}"
            return loss_value, None, Divergence(
                epoch, batch, "loss", self.name, "", loss_value, False,
                f"{self.name}: contrastive divergence diverged{where} (reconstruction error {loss_value}); lower the "
                "learning rate or standardize the data")
        scale = self.optimizer.scale_loss(1.0)  # `LossScaleOptimizer`: it unscales what it is given
        if scale != 1.0:
            for parameter in parameters:
                parameter.grad *= scale
        self.optimizer.apply(parameters)
        return loss_value, None, (watch or DivergenceWatch(self)).after_update(loss_value, parameters,
                                                                               self.optimizer, position)

    def _contrastive_divergence(self, x, parameters):
        """Put the CD-k (or PCD) gradient into the parameters' grads; return the reconstruction error."""
        h0 = self.hidden_probabilities(x)
        chain = x if not self.persistent or self.fantasy is None else self.fantasy[:len(x)]
        if len(chain) < len(x):  # a batch larger than the chains so far: new chains start at its data
            chain = np.concatenate([chain, x[len(chain):]])
        h = h0 if chain is x else self.hidden_probabilities(chain)
        for _ in range(self.k):
            chain = self.sample_visible(self.visible_mean(self._sample_binary(h)))
            h = self.hidden_probabilities(chain)
        if self.persistent:
            kept = [] if self.fantasy is None else [self.fantasy[len(chain):]]
            self.fantasy = np.concatenate([chain, *kept])
        count = len(x)
        for parameter in self.weights:  # a frozen one's too, so that nothing accumulates across steps
            parameter.zero_grad()
        # dJ/dW as one product over both phases' batches stacked: one pass over W's gradient, not two
        # (at batch 10 the step is bound by passes over W: 155-173 steps/s against 131-153 for 1000x1000).
        signs = np.repeat(np.array([-1.0, 1.0], dtype=x.dtype) / count, count)[:, None]
        self.kernel.accumulate_matmul(np.concatenate([x, chain]).T, np.concatenate([h0, h]) * signs)
        self.hidden_bias.grad += (h.sum(axis=0) - h0.sum(axis=0)) / count
        self.visible_bias.grad += (self.visible_energy_gradient(x) - self.visible_energy_gradient(chain)) / count
        self._add_regularization(parameters)
        return float(self.loss(x, self.visible_mean(h0)))

    def fit(self, x=None, y=None, *args, callbacks=None, validation_data=None, **kwargs):
        """Train by CD-k (or PCD) on x; ``y`` is ignored (the targets of an RBM are its inputs).

        ``loss`` is the reconstruction error L(v, E[v | h = p(h | v)]) of each batch before its update.
        Besides it, the History and the progress bar show at each
        epoch's end the mean ``free_energy`` of up to 1000 training samples and, for binary visible
        units, their ``pseudo_log_likelihood`` (and ``val_...`` of both with ``validation_data``).
        Comparing the free energy of training and validation data shows overfitting (Hinton's guide).
        """
        x = np.asarray(x)
        self.check_visible(x)
        monitors = _Monitors(x[:MONITOR_SAMPLES])
        return super().fit(x, x, *args, callbacks=[monitors, *(callbacks or [])],
                           validation_data=reconstruction_pair(validation_data), **kwargs)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", return_dict=False, **kwargs):
        """The reconstruction error of x through h = p(h | v), the mean free energy and (binary visible units)
        the pseudo-log-likelihood; a list, or a dict with ``return_dict=True``."""
        self._require_compiled("evaluate")
        x = self.prepare_input(np.asarray(x))
        logs = {"loss": float(self.loss(x, self.visible_mean(self.hidden_probabilities(x)))), **self.monitors(x)}
        if verbose_level(verbose, "evaluate"):
            print(format_logs(logs))
        return logs if return_dict else list(logs.values())

    def monitors(self, x) -> dict:
        """The mean free energy of x and, where defined, its mean pseudo-log-likelihood."""
        logs = {"free_energy": float(self.free_energy(x).mean())}
        if self.has_pseudo_likelihood:
            logs["pseudo_log_likelihood"] = float(self.pseudo_log_likelihood(x).mean())
        return logs

    def summary(self, print_fn=print, expand_nested=False):
        """Keras's summary table, of one row: the RBM and its parameters."""
        print_summary(self, print_fn)

    def summary_rows(self):
        return [(self, (None, self.units), None)]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "k": self.k, "persistent": self.persistent,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer)
                if self.kernel_regularizer is not None else None, "seed": self.seed}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


class _Monitors(Callback):
    """Adds the RBM's monitors on a fixed sample of the training data to each epoch's logs."""

    writes_weights = False

    def __init__(self, sample):
        super().__init__()
        self.sample = sample

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs.update(self.model.monitors(self.sample))
