"""Autoencoder: a model made of an encoder and a decoder, trained to reconstruct its input."""

import numpy as np

from layerwise import regularizers
from layerwise.data.adapter import is_batch_source
from layerwise.layers import serialization
from layerwise.layers.base import unique_name
from layerwise.layers.core.activity_regularization import ActivityRegularization
from layerwise.layers.core.input_layer import Input
from layerwise.layers.regularization.gaussian_noise import GaussianNoise
from layerwise.layers.regularization.masking_noise import MaskingNoise
from layerwise.models.functional import Functional
from layerwise.pretraining._data import outputs_in_slices, reconstruction_pair

_CORRUPTIONS = {"masking": MaskingNoise, "gaussian": GaussianNoise}


class Autoencoder(Functional):
    """x -> encoder -> y -> decoder -> z, fitted so that z reconstructs x (lecture 002).

    Lecture 002's autoencoder has the encoder y = f_θ(x) = s(Wx + b) and the decoder
    z = g_θ'(y) = s(W'y + b'); any layers or models serve as either (`Dense`, `Conv2D` ... and a
    `DenseTranspose` decoder for tied weights W' = Wᵀ). Training minimizes the reconstruction loss
    L(x, z) chosen at `compile`: squared error (``"mse"``) or cross-entropy (``"binary_crossentropy"``,
    for x in [0, 1]), averaged over the batch.

    - Denoising (Vincent et al. 2008): in training the encoder sees a corrupted x̃ ~ q(x̃ | x), masking
      noise (a fraction ν of the inputs set to 0) or additive Gaussian noise N(0, ν²), while the loss
      compares z with the clean x: L(x, g(f(x̃))). Inference and `encoder.predict` see x itself.
    - Sparse: a penalty on the code y, added to the loss in training: the KL penalty
      β Σ_j KL(ρ ‖ ρ̂_j) on the mean activations ρ̂_j (`layerwise.regularizers.KLSparsity`) or an L1
      penalty λ Σ |y| (``"l1"`` or `layerwise.regularizers.L1`).

    It is an ordinary `Model`: ``fit`` (with ``y`` defaulting to ``x``), ``evaluate``, ``predict`` (the
    reconstructions), ``summary``, callbacks, ``save`` / ``load_model``; `encode` gives the codes. ``encoder``
    and ``decoder`` stay usable on their own.

    Args:
        encoder: a layer or model mapping x to the code y.
        decoder: a layer or model mapping y back to the shape of x.
        corruption: None, "masking" or "gaussian": the denoising corruption of the input.
        corruption_level: ν, the masking probability or the Gaussian noise's standard deviation.
        sparsity: None, or an activity regularizer on the code (a `KLSparsity`, ``"l1"``, an `L1` ...).
        input_shape: the shape of one sample, when the encoder does not know it.
        seed: seed of the corruption's own generator (default: the library's generator).
        name: the model's name.

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Dense, DenseTranspose
        >>> hidden = Dense(8, activation="sigmoid")
        >>> autoencoder = Autoencoder(hidden, DenseTranspose(hidden, activation="sigmoid"),
        ...                           corruption="masking", corruption_level=0.3, input_shape=(16,))
        >>> autoencoder.compile(optimizer="sgd", loss="binary_crossentropy")
        >>> history = autoencoder.fit(np.random.rand(64, 16), epochs=2, verbose=0)
        >>> len(history.history["loss"]), autoencoder.predict(np.ones((2, 16)), verbose=0).shape
        (2, (2, 16))

    References:
        Bengio et al., "Greedy Layer-Wise Training of Deep Networks", NIPS 2006; Vincent et al.,
        "Stacked Denoising Autoencoders", JMLR 2010; Ng, "Sparse autoencoder", CS294A notes, 2011;
        lecture 002 (autoencoders; stacked, denoising and sparse autoencoders); lecture 004
        (unsupervised layer-wise pre-training).
    """

    def __init__(self, encoder, decoder, corruption=None, corruption_level=0.0, sparsity=None, input_shape=None,
                 seed=None, name=None):
        if corruption is not None and corruption not in _CORRUPTIONS:
            raise ValueError(f"Autoencoder: corruption must be None or one of {sorted(_CORRUPTIONS)}, "
                             f"received {corruption!r}")
        if input_shape is not None:
            shape = tuple(input_shape)
        elif getattr(encoder, "input_shape", None) is not None:  # a model's, with the batch axis
            shape = tuple(encoder.input_shape[1:])
        elif encoder.input_shape_hint is not None:  # a layer's, without it
            shape = tuple(encoder.input_shape_hint)
        else:
            raise ValueError("Autoencoder: the encoder does not know its input shape; pass input_shape=(...)")
        self.encoder, self.decoder = encoder, decoder
        self.corruption, self.corruption_level, self.seed = corruption, float(corruption_level), seed
        self.sparsity = regularizers.get(sparsity)
        # The parts' names derive from the model's, so that a loaded model's generator states find them.
        name = name or unique_name("autoencoder")
        x = inputs = Input(shape=shape, dtype=encoder.dtype, name=f"{name}_input")
        if corruption is not None:
            x = _CORRUPTIONS[corruption](self.corruption_level, seed=seed, name=f"{name}_corruption")(x)
        code = encoder(x)
        if self.sparsity is not None:
            code = ActivityRegularization(activity_regularizer=self.sparsity, name=f"{name}_sparsity")(code)
        super().__init__(inputs, decoder(code), name=name)

    def fit(self, x=None, y=None, *args, validation_data=None, **kwargs):
        """`Model.fit` with the targets defaulting to the inputs (and array ``validation_data`` to
        ``(x_val, x_val)``); a batch source yields (x, x) batches itself."""
        # A Dataset, Sequence or generator yields its own (x, y) batches.
        y = x if y is None and not is_batch_source(x) else y
        return super().fit(x, y, *args, validation_data=reconstruction_pair(validation_data), **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """`Model.evaluate` with the targets defaulting to the inputs."""
        return super().evaluate(x, x if y is None and not is_batch_source(x) else y, *args, **kwargs)

    def encode(self, x):
        """The codes y = f(x) of clean inputs x (inference mode)."""
        return outputs_in_slices(self.encoder, np.asarray(x))

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "input_shape": list(self.input_shape[1:]),
                "encoder": serialization.serialize(self.encoder), "decoder": serialization.serialize(self.decoder),
                "corruption": self.corruption, "corruption_level": self.corruption_level,
                "sparsity": regularizers.serialize(self.sparsity) if self.sparsity is not None else None,
                "seed": self.seed}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        trainable = config.pop("trainable", True)
        # The encoder first: a tied decoder finds its encoder's layers by name.
        with serialization.loading_scope():
            encoder = serialization.deserialize(config.pop("encoder"), custom_objects)
            decoder = serialization.deserialize(config.pop("decoder"), custom_objects)
        model = cls(encoder, decoder, **config)
        model._trainable = trainable
        return model
