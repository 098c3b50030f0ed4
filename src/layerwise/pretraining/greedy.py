"""pretrain: greedy layer-wise pre-training of a model's layers, bottom up (lectures 002 and 004)."""

import numpy as np

from layerwise import optimizers, regularizers
from layerwise.layers.convolutional.conv2d import Conv2D
from layerwise.layers.convolutional.conv2d_transpose import Conv2DTranspose
from layerwise.layers.core.dense import Dense
from layerwise.layers.core.dense_transpose import DenseTranspose
from layerwise.layers.core.input_layer import Input, InputLayer
from layerwise.models.functional import Functional
from layerwise.models.sequential import Sequential
from layerwise.models.trainer import verbose_level
from layerwise.pretraining._data import in_unit_range, outputs_in_slices
from layerwise.pretraining.autoencoder import Autoencoder
from layerwise.pretraining.bernoulli_rbm import BernoulliRBM
from layerwise.pretraining.gaussian_bernoulli_rbm import GaussianBernoulliRBM
from layerwise.pretraining.layer_report import LayerReport

METHODS = ("autoencoder", "denoising", "sparse", "rbm", "supervised")
_AUTOENCODERS = ("autoencoder", "denoising", "sparse")


def pretrain(model, x, method="autoencoder", y=None, epochs_per_layer=10, batch_size=32, optimizer="sgd",
             loss="auto", corruption="masking", corruption_level=0.3, sparsity=None, tied=True, k=1,
             persistent=False, verbose="auto", callbacks=None, seed=None):
    """Pre-train the hidden layers of ``model`` one at a time, bottom up; return one report per layer.

    Walking the model's layers in order, each trainable hidden `Dense` layer (and, for the autoencoder
    methods, each trainable `Conv2D`) is trained on h, the output of the layers below it on x (the
    layers already pre-trained included, applied in inference mode); its learned weights are then copied
    into the model, and h is carried up through it. The output layer (the model's last layer with
    weights) is left as it is. Fine-tune the whole model afterwards with ordinary `compile` and `fit`.

    - "autoencoder": the layer is the encoder y = s(Wh + b) of an `Autoencoder` whose decoder
      z = s(W'y + b') (W' = Wᵀ with ``tied``) reconstructs h (lecture 002).
    - "denoising": the same, reconstructing h from a corrupted h̃ (``corruption``, ``corruption_level``).
    - "sparse": the same, with a sparsity penalty on y (``sparsity``; default: KL with ρ = 0.05, β = 3 for
      sigmoid units, L1 with λ = 1e-4 for others, whose mean activation is no probability).
    - "rbm": the layer's W and b are those of a `BernoulliRBM` (`GaussianBernoulliRBM` for a first layer
      whose inputs leave [0, 1]) trained by CD-k or PCD on h: a deep belief network. The layers must
      be sigmoid units, which an RBM's hidden units are.
    - "supervised": lecture 004's supervised version: "train each layer of the DNN as if it was the
      hidden layer in a depth-two NN. As input, use the output of the last of the previously trained
      layers. As output, use the original classification or regression function": a new copy of the
      model's output layer (and of any layers after it, an Activation say), trained with the model's
      loss (or ``loss``) on (h, y).

    Args:
        model: a `Sequential`, or a functional `Model` whose layers form one chain; built from x if needed.
        x: the training inputs (no labels are used except by "supervised").
        method: one of "autoencoder", "denoising", "sparse", "rbm", "supervised".
        y: the targets, for "supervised" only.
        epochs_per_layer: epochs of each layer's training.
        batch_size: mini-batch size of each layer's training.
        optimizer: a name, config or Optimizer; each layer trains with its own fresh copy.
        loss: the reconstruction loss of the autoencoders ("auto": cross-entropy for inputs in [0, 1],
            with a sigmoid decoder, else squared error with a linear one), or the supervised loss
            (default: the model's compiled loss).
        corruption: "masking" or "gaussian" ("denoising").
        corruption_level: ν, one value or one per pre-trained layer (the SdA tutorial uses 0.1, 0.2, 0.3).
        sparsity: the code's activity regularizer ("sparse").
        tied: whether a Dense layer's decoder uses the transposed kernel.
        k: Gibbs steps of CD-k ("rbm").
        persistent: PCD instead of CD ("rbm").
        verbose: as `fit`'s, for each layer's training (a header line names the layer).
        callbacks: callbacks added to each layer's `fit`.
        seed: corruption and Gibbs sampling of layer l use ``seed + l`` (default: the library's generator).

    Returns:
        A list of `LayerReport`, one per pre-trained layer: a `History` of that layer's training
        (reconstruction ``loss``; for "rbm" also ``free_energy`` and ``pseudo_log_likelihood``).

    Example:
        >>> import numpy as np
        >>> import layerwise
        >>> from layerwise.layers import Dense
        >>> model = layerwise.Sequential([layerwise.Input(shape=(20,)),
        ...                               Dense(8, activation="sigmoid", name="hidden_1"),
        ...                               Dense(4, activation="sigmoid", name="hidden_2"),
        ...                               Dense(2, activation="softmax")])
        >>> reports = pretrain(model, np.random.rand(100, 20), method="denoising", epochs_per_layer=2,
        ...                    verbose=0)
        >>> [(report.layer_name, len(report.history["loss"])) for report in reports]
        [('hidden_1', 2), ('hidden_2', 2)]

    References:
        Bengio et al., "Greedy Layer-Wise Training of Deep Networks", NIPS 2006; Hinton et al., "A Fast
        Learning Algorithm for Deep Belief Nets", 2006; Vincent et al., "Stacked Denoising Autoencoders",
        JMLR 2010; lecture 002 (greedy layer-wise training); lecture 004 (layer-wise pre-training).
    """
    if method not in METHODS:
        raise ValueError(f"pretrain: method must be one of {METHODS}, received {method!r}")
    if (y is not None) != (method == "supervised"):
        raise ValueError("pretrain: y (the targets) is used by method='supervised' only"
                         if y is not None else "pretrain: method='supervised' needs the targets y")
    x = np.asarray(x)
    if not model.built:
        model.build((None,) + x.shape[1:])
    chain = _chain(model)
    output = _output_index(chain)
    targets = _targets(chain[:output], method)
    levels = list(corruption_level) if isinstance(corruption_level, (list, tuple)) else \
        [corruption_level] * len(targets)
    if len(levels) != len(targets):
        raise ValueError(f"pretrain: {len(targets)} layers are pre-trained but {len(levels)} corruption levels "
                         f"were given ({corruption_level!r})")
    if method == "supervised":
        loss = model.loss if loss == "auto" and model.loss is not None else loss
        if loss == "auto":
            raise ValueError("pretrain: method='supervised' needs a loss: compile the model or pass loss=...")
    verbose = verbose_level(verbose, "pretrain")
    h, reports = x.astype(model.dtype, copy=False), []
    for layer in chain[:chain.index(targets[-1]) + 1] if targets else []:
        if layer in targets:
            index = targets.index(layer)
            if verbose:
                print(f"Pre-training layer {index + 1}/{len(targets)} '{layer.name}' ({type(layer).__name__}) "
                      f"as {method}")
            report = LayerReport(layer.name, method)
            fit = dict(epochs=epochs_per_layer, batch_size=batch_size, verbose=verbose,
                       callbacks=[report, *(callbacks or [])])
            layer_seed = None if seed is None else seed + index
            if method == "rbm":
                _train_rbm(layer, h, optimizer, k, persistent, layer_seed, fit)
            elif method == "supervised":
                _train_supervised(layer, chain[output:], h, y, optimizer, loss, fit)
            else:
                _train_autoencoder(layer, h, method, optimizer, loss, corruption, levels[index], sparsity, tied,
                                   layer_seed, fit)
            reports.append(report)
        h = outputs_in_slices(layer, h)
    return reports


def fresh_optimizer(optimizer):
    """A new optimizer of ``optimizer``'s configuration, so no layer inherits another's moments or steps."""
    return optimizers.get(optimizers.serialize(optimizers.get(optimizer)))


def _chain(model):
    """The model's layers in call order, nested Sequentials and chain-shaped models opened up."""
    if isinstance(model, Sequential):
        layers = model.layers
    elif isinstance(model, Functional):
        previous = model.inputs[0]
        layers = []
        for node in model.nodes:
            if len(model.inputs) != 1 or node.inputs != [previous] or not node.single_output:
                raise ValueError(f"pretrain: model '{model.name}' is not a chain of layers (layer "
                                 f"'{node.layer.name}' does not take the previous layer's one output); "
                                 "pre-train the chain-shaped part, e.g. a Sequential inside it")
            layers.append(node.layer)
            previous = node.outputs[0]
    else:
        return [model]
    return [inner for layer in layers if not isinstance(layer, InputLayer) for inner in _chain(layer)]


def _output_index(chain):
    """Where the output layer is: the last layer with weights (an Activation or Dropout may follow it)."""
    weighted = [index for index, layer in enumerate(chain) if layer.weights]
    if not weighted:
        raise ValueError("pretrain: the model has no layer with weights")
    return weighted[-1]


def _targets(hidden, method):
    """The trainable Dense (and, for autoencoders, Conv2D) layers among the hidden layers."""
    kinds = (Dense, Conv2D) if method in _AUTOENCODERS else (Dense,)
    targets = [layer for layer in hidden if isinstance(layer, kinds) and layer.trainable]
    if method == "rbm":
        for layer in targets:
            if layer.activation.name != "sigmoid":
                raise ValueError(f"pretrain: method='rbm' gives sigmoid units (an RBM's p(h | v)), but layer "
                                 f"'{layer.name}' has activation '{layer.activation.name}'")
    return targets


def _copy(layer, suffix):
    """A new layer of ``layer``'s configuration (not its weights), named ``<layer>_<suffix>``."""
    config = {**layer.get_config(), "name": f"{layer.name}_{suffix}"}
    config.pop("input_shape", None)
    return type(layer).from_config(config)


def _reconstruction(h, loss):
    """(decoder activation, loss) for reconstructing h: cross-entropy for values in [0, 1], else squared error."""
    unit_range = in_unit_range(h)
    activation = "sigmoid" if unit_range else None
    return activation, (("binary_crossentropy" if unit_range else "mse") if loss == "auto" else loss)


def _default_sparsity(layer):
    """The KL penalty on mean activations for sigmoid units (its ρ̂ needs values in (0, 1)), else L1."""
    if getattr(layer, "activation", None) is not None and layer.activation.name == "sigmoid":
        return regularizers.KLSparsity(rho=0.05, beta=3.0)
    return regularizers.L1(1e-4)


def _train_autoencoder(layer, h, method, optimizer, loss, corruption, level, sparsity, tied, seed, fit):
    encoder = _copy(layer, "encoder")
    activation, loss = _reconstruction(h, loss)
    common = dict(activation=activation, name=f"{layer.name}_decoder", dtype=layer.dtype)
    if isinstance(layer, Conv2D):
        decoder = Conv2DTranspose(h.shape[-1], layer.kernel_size, strides=layer.strides, padding=layer.padding,
                                  dilation_rate=layer.dilation_rate, **common)
    elif tied:
        decoder = DenseTranspose(encoder, **common)
    else:
        decoder = Dense(h.shape[-1], **common)
    autoencoder = Autoencoder(
        encoder, decoder, input_shape=h.shape[1:], seed=seed, name=f"{layer.name}_autoencoder",
        corruption=corruption if method == "denoising" else None, corruption_level=level,
        sparsity=(sparsity or _default_sparsity(layer)) if method == "sparse" else None)
    encoder.set_weights(layer.get_weights())
    reconstructed = autoencoder.compute_output_shape((None,) + h.shape[1:])
    if tuple(reconstructed[1:]) != h.shape[1:]:
        raise ValueError(f"pretrain: layer '{layer.name}' maps inputs of shape {h.shape[1:]} to a decoder output of "
                         f"shape {tuple(reconstructed[1:])}; use padding='same' and sizes divisible by the strides")
    autoencoder.compile(optimizer=fresh_optimizer(optimizer), loss=loss)
    autoencoder.fit(h, **fit)
    layer.set_weights(encoder.get_weights())


def _train_rbm(layer, h, optimizer, k, persistent, seed, fit):
    kind = BernoulliRBM if in_unit_range(h) else GaussianBernoulliRBM
    rbm = kind(layer.units, k=k, persistent=persistent, seed=seed, dtype=layer.dtype, name=f"{layer.name}_rbm")
    rbm.compile(optimizer=fresh_optimizer(optimizer))
    rbm.fit(h, **fit)
    layer.kernel.assign(rbm.kernel.value)
    if layer.use_bias:
        layer.bias.assign(rbm.hidden_bias.value)


def _train_supervised(layer, output_layers, h, y, optimizer, loss, fit):
    hidden = _copy(layer, "hidden")
    head = [_copy(output, f"{layer.name}_head") for output in output_layers]
    network = Sequential([Input(shape=h.shape[1:], dtype=layer.dtype), hidden, *head], name=f"{layer.name}_depth_two")
    hidden.set_weights(layer.get_weights())
    network.compile(optimizer=fresh_optimizer(optimizer), loss=loss)
    network.fit(h, y, **fit)
    layer.set_weights(hidden.get_weights())
