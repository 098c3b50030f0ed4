"""DeepBeliefNetwork: a stack of RBMs trained greedily, then unrolled into a network for fine-tuning."""

import numpy as np

from layerwise.layers.base import unique_name
from layerwise.layers.core.dense import Dense
from layerwise.layers.core.input_layer import Input, InputLayer
from layerwise.layers.symbolic import SymbolicTensor
from layerwise.models.sequential import Sequential
from layerwise.pretraining._rbm import RestrictedBoltzmannMachine
from layerwise.pretraining.bernoulli_rbm import BernoulliRBM
from layerwise.pretraining.gaussian_bernoulli_rbm import GaussianBernoulliRBM
from layerwise.pretraining.greedy import fresh_optimizer
from layerwise.pretraining.layer_report import LayerReport

_VISIBLE = {"bernoulli": BernoulliRBM, "gaussian": GaussianBernoulliRBM}


class DeepBeliefNetwork(Sequential):
    """RBMs stacked so that each one's hidden units are the next one's visible units (Hinton et al. 2006).

    `fit` trains them greedily, bottom up: RBM l learns the distribution of h_{l-1} = p(h | h_{l-2}) (the
    data for l = 1), by CD-k or PCD, with the others fixed. As a model, its output is the up-pass
    p(h_L | ... p(h_1 | x)); `to_sequential` unrolls it into a sigmoid network with a new output layer,
    which ordinary `fit` then fine-tunes with backpropagation (lectures 002 and 004). `sample` draws
    from the generative model: Gibbs sampling in the top RBM, then the mean down-pass.

    Args:
        layers: the RBMs, or hidden unit counts (each a `BernoulliRBM`, the first of ``visible`` units).
        input_shape: the shape of one sample, (n_visible,).
        k: Gibbs steps per update of RBMs made from unit counts.
        persistent: PCD instead of CD for RBMs made from unit counts.
        visible: "bernoulli" (data in [0, 1]) or "gaussian" (standardized real data) for the first RBM.
        seed: RBM l made from a unit count samples with seed ``seed + l``.
        name: the model's name.

    Example:
        >>> import numpy as np
        >>> x = (np.random.default_rng(0).random((200, 16)) < 0.3).astype("float32")
        >>> dbn = DeepBeliefNetwork([8, 4], input_shape=(16,), seed=0)
        >>> dbn.compile(optimizer="sgd")
        >>> reports = dbn.fit(x, epochs=2, batch_size=10, verbose=0)
        >>> [len(report.history["pseudo_log_likelihood"]) for report in reports]
        [2, 2]
        >>> network = dbn.to_sequential(3)
        >>> network.predict(x[:2], verbose=0).shape
        (2, 3)

    References:
        Hinton, Osindero and Teh, "A Fast Learning Algorithm for Deep Belief Nets", Neural Computation
        2006; Bengio et al., "Greedy Layer-Wise Training of Deep Networks", NIPS 2006; lecture 002 (deep
        belief networks, greedy layer-wise training); lecture 004 (unsupervised layer-wise pre-training).
    """

    def __init__(self, layers=None, input_shape=None, k=1, persistent=False, visible="bernoulli", seed=None,
                 name=None, trainable=True):
        if visible not in _VISIBLE:
            raise ValueError(f"DeepBeliefNetwork: visible must be one of {sorted(_VISIBLE)}, received {visible!r}")
        stack = [] if input_shape is None else [Input(shape=tuple(input_shape))]
        for index, item in enumerate(layers or []):
            if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
                kind = _VISIBLE[visible] if index == 0 else BernoulliRBM
                item = kind(int(item), k=k, persistent=persistent, seed=None if seed is None else seed + index)
            stack.append(item)
        super().__init__(stack, name=name or unique_name("deep_belief_network"), trainable=trainable)

    def add(self, layer):
        """Append an RBM (or an `Input` first)."""
        inner = layer.layer if isinstance(layer, SymbolicTensor) else layer
        if not isinstance(inner, (RestrictedBoltzmannMachine, InputLayer)):
            raise TypeError(f"{self.name}: a deep belief network stacks RBMs, received {type(inner).__name__}")
        super().add(layer)

    @property
    def rbms(self):
        return self.layers

    def compile(self, optimizer="sgd", loss="mse", metrics=None):
        """Compile every RBM with its own copy of ``optimizer`` (see `RestrictedBoltzmannMachine.compile`)."""
        for rbm in self.rbms:
            rbm.compile(fresh_optimizer(optimizer), loss, metrics)
        self.optimizer, self.loss = fresh_optimizer(optimizer), self.rbms[0].loss
        self._metric_identifiers, self._metrics = [], None
        self._compiled_trainable = {layer: layer.trainable for layer in self.flatten_layers()}

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_data=None,
            **kwargs):
        """Train the RBMs greedily, each for ``epochs`` epochs on the up-pass of the ones below.

        Args:
            x: the data; ``y`` is ignored (pre-training is unsupervised).
            batch_size, verbose, callbacks: as `fit`'s, for each RBM.
            epochs: epochs per RBM.
            validation_data: data whose up-pass each RBM reports ``val_`` monitors on.
            **kwargs: further arguments of each RBM's `fit` (shuffle ...).

        Returns:
            One `LayerReport` (a `History`) per RBM, bottom up, rather than one History: each RBM has its
            own epochs and monitors.
        """
        self._require_compiled("fit")
        h, h_val, reports = np.asarray(x), validation_data, []
        for rbm in self.rbms:
            report = LayerReport(rbm.name, "rbm")
            rbm.fit(h, batch_size=batch_size, epochs=epochs, verbose=verbose, validation_data=h_val,
                    callbacks=[report, *(callbacks or [])], **kwargs)
            reports.append(report)
            h = rbm.transform(h)
            h_val = None if h_val is None else rbm.transform(h_val)
        return reports

    def to_sequential(self, output_units, output_activation="softmax", name=None):
        """A new `Sequential`: one sigmoid `Dense` layer per RBM holding copies of its W and c, then a new
        ``Dense(output_units, output_activation)``, ready to compile and fine-tune."""
        if not self.built:
            raise ValueError(f"{self.name}.to_sequential: the network has no weights yet; fit it first")
        network = Sequential([Input(shape=self.input_shape[1:])], name=name)
        for rbm in self.rbms:
            dense = Dense(rbm.units, activation="sigmoid", name=f"{rbm.name}_dense")
            network.add(dense)
            dense.set_weights([rbm.kernel.value, rbm.hidden_bias.value])
        network.add(Dense(output_units, activation=output_activation))
        return network

    def sample(self, count, steps=1000):
        """``count`` visible samples: ``steps`` Gibbs steps in the top RBM, then p(v | h) down the stack."""
        top = self.rbms[-1]
        v = top.sample(count, steps)
        for rbm in reversed(self.rbms[:-1]):
            v = rbm.visible_mean(v)
        return v
