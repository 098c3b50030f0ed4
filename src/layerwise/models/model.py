"""Model: Keras's model class, trained with compile / fit / evaluate / predict.

``Model(inputs, outputs)`` builds a `Functional` model (a graph of layer calls). A subclass written the Keras
way, with layers made in ``__init__`` and composed in ``call``, is a model too: its backward pass is derived
from the record of each call (see `layerwise.layers.Layer`: the layers it calls bring their own backward, the
`layerwise.ops` functions theirs), and it trains, evaluates, predicts, summarizes and saves like any other.
"""

from layerwise.layers.base import Layer
from layerwise.models._summary import print_summary
from layerwise.models.trainer import Trainer


class Model(Layer, Trainer):
    """Keras's ``Model``: ``Model(inputs, outputs)`` for the functional API, or a subclass with ``call``.

    A subclass creates its layers in ``__init__`` (they are tracked as attributes, as in Keras) and composes
    them in ``call(inputs, training=None)`` with `layerwise.ops`; ``self.add_loss`` adds a term to the
    training loss. It is built by its first call (or `build`, or the first batch of `fit`), and is held to the
    input shape of that call. It saves through `save_weights` / `load_weights` (weights keyed by the path of
    attributes that reaches them, so a new instance loads them), or whole through `save` when its class is
    registered (`layerwise.saving.register_keras_serializable`) and its `get_config` gives the arguments of
    ``__init__``.

    Example:
        >>> import numpy as np
        >>> import layerwise
        >>> from layerwise.layers import Dense
        >>> class TwoLayers(layerwise.Model):
        ...     def __init__(self, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.hidden = Dense(8, activation="relu")
        ...         self.out = Dense(1)
        ...     def call(self, inputs):
        ...         return self.out(self.hidden(inputs))
        >>> model = TwoLayers()
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(np.ones((8, 3)), np.zeros((8, 1)), epochs=2, verbose=0)
        >>> model.predict(np.ones((2, 3)), verbose=0).shape
        (2, 1)
        >>> model.count_params()
        41

    References:
        Keras, "Making new layers and models via subclassing" (keras.io guides); lecture 001 (modular
        back propagation).
    """

    #: Whether the model takes one array and returns one (a subclass learns both at its first call).
    single_input = single_output = True
    #: The class ``Model(inputs, outputs)`` builds: `Functional`, which sets it here when it is defined (it
    #: subclasses Model, so this module cannot import it).
    functional_class = None

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            return Model.functional_class.__new__(Model.functional_class)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(f"{type(self).__name__}: a subclass of layerwise.Model is built by its call; to subclass "
                            "a model of inputs and outputs, subclass layerwise.models.Functional")
        super().__init__(**kwargs)

    @property
    def layers(self):
        """The layers the model holds as attributes, in the order they were set."""
        return self.sublayers()

    def build(self, input_shape):
        """Build the model for inputs of ``input_shape`` by calling it once on zeros (Keras's ``Model.build``)."""
        if self.derives_backward and not self.built:
            self.compute_output_shape(input_shape)

    # The first call builds by running; it must not call back into `build`, which would call again.
    build.builds_by_calling = True

    def summary(self, print_fn=print, expand_nested=False):
        """Print the layer table: each layer the model holds, with its output shape at the model's last call."""
        print_summary(self, print_fn, expand_nested)

    def summary_rows(self):
        return [(layer, getattr(layer, "last_output_shape", None), None) for layer in self.layers]

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if cls is Model and "layers" in config:
            return Model.functional_class.from_config(config, custom_objects)
        return cls(**config)

