"""The layer protocol of lecture 001's modular backpropagation.

A layer l computes x_l = f_l(x_{l-1}, theta_l) in `Layer.forward` and, in `Layer.backward`, receives
dJ/dx_l and returns dJ/dx_{l-1} = dJ/dx_l * df_l/dx_{l-1}, adding dJ/dtheta_l = dJ/dx_l * df_l/dtheta_l
into each `Parameter.grad`. Optimizers then update theta_l from those gradients; layers never own one.
"""

import math
import re

import numpy as np

from layerwise import constraints, initializers, regularizers
from layerwise.config import standardize_dtype
from layerwise.layers import _traced, serialization
from layerwise.layers.input_spec import InputSpec
from layerwise.layers.symbolic import call_symbolic, format_shape, is_symbolic
from layerwise.ops import Tensor
from layerwise.ops._autodiff import value_of
from layerwise.ops._memory import aligned_copy, aligned_zeros_like
from layerwise.ops.dense import add_product, product_norm_bound
from layerwise.utils._arguments import check_integer, check_sample_shape

_NAME_COUNTS: dict = {}


def get_uid(prefix: str = "") -> int:
    """Return 1, 2, 3 ... on successive calls with one ``prefix``, as `keras.backend.get_uid` (layer names count
    with it, and `clear_session` restarts it).

    Example:
        >>> clear_session()
        >>> get_uid("dense"), get_uid("dense")
        (1, 2)
    """
    _NAME_COUNTS[prefix] = _NAME_COUNTS.get(prefix, 0) + 1
    return _NAME_COUNTS[prefix]


def unique_name(prefix: str) -> str:
    """Return ``prefix``, then ``prefix_1``, ``prefix_2`` ... as Keras names layers."""
    count = get_uid(prefix) - 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session() -> None:
    """Reset the automatic layer names (``dense``, ``dense_1`` ...), as `keras.backend.clear_session`.

    Example:
        >>> from layerwise.layers import Dense
        >>> clear_session()
        >>> Dense(2).name, Dense(2).name
        ('dense', 'dense_1')
        >>> clear_session()
        >>> Dense(2).name
        'dense'
    """
    _NAME_COUNTS.clear()


def _snake_case(name: str) -> str:
    # Keras's names: "Dense" -> "dense", "MaxPooling2D" -> "max_pooling2d", "Conv2DTranspose" -> "conv2d_transpose".
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z0-9])(?=[A-Z][a-z])", "_", name).lower()


def _option_family(name):
    """The module that resolves a weight option: `regularizers` for ``*_regularizer``, else `constraints`."""
    return regularizers if name.endswith("_regularizer") else constraints


class _Shape:
    """A shape where `InputSpec.check` reads a tensor's (before there is one: `Layer.build_for`)."""

    def __init__(self, shape):
        self.shape = tuple(shape)


class Parameter:
    """A weight tensor theta and its gradient dJ/dtheta.

    Attributes:
        value: the weights, an array that is updated in place.
        grad: dJ/dtheta accumulated by the owning layer's backward pass (same shape and dtype).
        name: "layer_name/weight_name", e.g. "dense/kernel".
        trainable: whether optimizers update it.
        regularizer: a penalty callable on ``value``, or None.
        constraint: a projection applied to ``value`` after each update, or None.

    Example:
        >>> import numpy as np
        >>> bias = Parameter(np.zeros(2), "dense/bias")
        >>> bias.assign([1.0, 2.0])
        >>> bias.assign_add(np.ones(2))
        >>> bias.value.tolist(), bias.shape
        ([2.0, 3.0], (2,))
        >>> bias.grad += np.array([0.5, -0.5])  # what a backward pass does
        >>> bias.grad.tolist()
        [0.5, -0.5]
        >>> bias.zero_grad()
        >>> bias.grad.tolist()
        [0.0, 0.0]
    """

    __slots__ = ("value", "_grad", "_grad_is_zero", "_grad_bound", "_grad_factors", "name", "trainable", "regularizer",
                 "constraint")

    def __init__(self, value, name, trainable=True, regularizer=None, constraint=None):
        self.value = value
        self._grad = aligned_zeros_like(value)
        self._grad_is_zero = False
        self._grad_bound = None
        self._grad_factors = None
        self.name = name
        self.trainable = trainable
        self.regularizer = regularizer
        self.constraint = constraint

    @property
    def grad(self):
        """dJ/dθ; after `zero_grad` the zeros are written only when first read, and a product kept as its factors
        (`grad_factors`) is formed then. Reading it forgets `grad_norm_bound`, as the reader may write into it."""
        self._form_product()
        if self._grad_is_zero:
            self._grad.fill(0)
            self._grad_is_zero = False
        self._grad_bound = None
        return self._grad

    @grad.setter
    def grad(self, value):
        self._grad = value
        self._grad_is_zero = False
        self._grad_bound = None
        self._grad_factors = None

    @property
    def grad_norm_bound(self):
        """An upper bound on ||dJ/dθ|| (the Frobenius norm) vouched for by every kernel that wrote the gradient since
        `zero_grad` (through `grad_buffer`), or None where anything else may have written it. The step's check of a
        non-finite gradient takes a bound small enough instead of reading the gradient (`layerwise.models._divergence`):
        a dense layer's x^T dJ/dz is bounded by its factors' norms (`layerwise.ops.dense.product_norm_bound`), which
        read a batch's inputs and output gradients instead of the whole weight gradient."""
        return self._grad_bound

    @property
    def grad_factors(self):
        """(a, b) where dJ/dθ is the matrix product a @ b, kept as its factors because nothing has read it since
        the backward pass (`accumulate_matmul` with ``deferred``), else None. Plain gradient descent then adds -α a @ b
        straight into θ, in one pass over θ, where the gradient would have been written, read back and added: an
        MLP's two large weight matrices (784x1024 and 1024x1024, batch 128) took 2.90 ms for their products and
        steps this way against 3.57 ms on the Intel Xeon VM (MKL, in one process, alternating)."""
        return self._grad_factors

    def _form_product(self):
        if self._grad_factors is not None:
            a, b = self._grad_factors
            self._grad_factors = None
            add_product(self._grad, a, b, overwrite=True)

    def zero_grad(self) -> None:
        """Reset dJ/dθ to zero before a new backward pass."""
        self._grad_is_zero = True
        self._grad_bound = 0.0
        self._grad_factors = None

    def grad_buffer(self, bound=None):
        """(grad, overwrite) for a kernel that writes dJ/dθ straight into ``grad``: ``overwrite`` when it holds
        stale values (after `zero_grad`), so that the kernel writes rather than adds; either way the parameter
        holds a gradient afterwards. ``bound``: an upper bound on the norm of what the kernel writes or adds, which
        `grad_norm_bound` sums (None: unknown)."""
        self._form_product()
        overwrite, self._grad_is_zero = self._grad_is_zero, False
        known = 0.0 if overwrite else self._grad_bound
        self._grad_bound = None if bound is None or known is None else known + bound
        return self._grad, overwrite

    def accumulate_matmul(self, a, b, deferred=False) -> None:
        """grad += a @ b, the product written straight into grad when grad is zero (`ops.dense.add_product`).

        ``deferred``: the caller keeps a and b unchanged until the next `zero_grad` (a layer's input and dJ/dz of
        this pass), so a first product since `zero_grad` is kept as its factors (`grad_factors`) and formed only
        when the gradient is read."""
        bound = product_norm_bound(a, b)
        if deferred and self._grad_is_zero:
            self._grad_factors, self._grad_is_zero, self._grad_bound = (a, b), False, bound
            return
        grad, overwrite = self.grad_buffer(bound)
        add_product(grad, a, b, overwrite=overwrite)

    @property
    def shape(self):
        return self.value.shape

    @property
    def dtype(self):
        return self.value.dtype

    def as_tensor(self):
        """The parameter as a leaf of a ``call``'s record (`layerwise.ops.Tensor`): its value, and a rule that
        adds the gradient reaching it into ``grad``."""
        def accumulate(gradient):
            self.grad += gradient
            return ()
        return Tensor(self.value, (), accumulate if self.trainable else None, self.trainable)

    def assign(self, value) -> None:
        """Overwrite the weights in place, checking the shape (Keras's ``variable.assign``; a Tensor's value)."""
        value = np.asarray(value_of(value))
        if value.shape != self.value.shape:
            raise ValueError(
                f"Weight '{self.name}' has shape {self.value.shape}, received a value of shape "
                f"{value.shape}")
        self.value[...] = value

    def assign_add(self, delta) -> None:
        """value += delta (Keras's ``variable.assign_add``), e.g. a running total kept by a ``call``."""
        self.assign(self.value + value_of(delta))

    def assign_sub(self, delta) -> None:
        """value -= delta (Keras's ``variable.assign_sub``)."""
        self.assign(self.value - value_of(delta))

    def numpy(self):
        """The weights, as Keras's ``variable.numpy()``."""
        return self.value

    def __repr__(self):
        return f"<Parameter {self.name} shape={self.value.shape} dtype={self.value.dtype}>"


# In a ``call``, a parameter computes as its leaf Tensor does: ``x @ self.w + self.b``, ``2 * self.scale``.
for _operator in ("add", "sub", "mul", "truediv", "pow", "matmul", "radd", "rsub", "rmul", "rtruediv", "rpow",
                  "rmatmul", "neg", "getitem", "lt", "le", "gt", "ge"):
    setattr(Parameter, f"__{_operator}__",
            lambda self, *other, _name=f"__{_operator}__": getattr(self.as_tensor(), _name)(*other))
Parameter.T = property(lambda self: self.as_tensor().T)


class Layer:
    """Base class of every layer: lazy build, input checks, weights and config.

    Subclasses implement `forward` and `backward`, and `build` when they have weights. Inputs are checked
    against ``input_spec``: an `InputSpec` the subclass sets (in ``__init__`` or ``build``), or else the sample
    shape of the first input, which `build_for` records.

    Args:
        name: unique name; defaults to the snake-case class name with a counter.
        dtype: float type of weights and computation; defaults to `layerwise.config.floatx()`.
        trainable: whether the layer's weights are updated by training.
        input_shape: shape of one sample (no batch axis), as Keras accepts on a first layer.
        input_dim: shorthand for ``input_shape=(input_dim,)`` (lecture 003: ``Dense(500, input_dim=784)``).
        activity_regularizer: a penalty R(y) on the layer's output (a `layerwise.regularizers` name,
            config or object). In a training forward pass the layer keeps R(y) in ``activity_penalty``
            and dR/dy in ``activity_gradient``; the model adds the penalty to the loss and, through
            `activity_backward`, the gradient to dJ/dy before this layer's backward. As in Keras 3, R is
            applied to the whole batch's output (not divided by the batch size).

    Example:
        y = x * s with one learned scale per unit: dJ/ds = sum over the batch of dJ/dy * x, and
        dJ/dx = dJ/dy * s.

        >>> import numpy as np
        >>> class ScaleUnits(Layer):
        ...     def build(self, input_shape):
        ...         self.scale = self.add_weight("scale", (input_shape[-1],), initializer="ones")
        ...     def forward(self, x, training=False):
        ...         self.x = x
        ...         return x * self.scale.value
        ...     def backward(self, dy):
        ...         self.scale.grad += (dy * self.x).sum(axis=0)
        ...         return dy * self.scale.value
        >>> layer = ScaleUnits(name="scale")
        >>> layer(np.array([[1.0, -2.0]])).tolist()
        [[1.0, -2.0]]
        >>> layer.backward(np.array([[3.0, 3.0]])).tolist(), layer.scale.grad.tolist()
        ([[3.0, 3.0]], [3.0, -6.0])
        >>> [weight.name for weight in layer.weights], layer.count_params()
        (['scale/scale'], 2)
    """

    #: An activation applied last, which a loss may fuse with (see `backward_preactivation`).
    output_activation = None
    #: Whether this call's `backward` must return dJ/dx: the ``input_gradient`` argument of the call (False
    #: for the first trainable layer in training, whose input gradient nobody reads); layers may then skip
    #: computing dJ/dx and return None.
    needs_input_gradient = True
    #: Whether the layer draws random numbers in training mode (dropout, noise); such layers alone run
    #: in training mode when a model is called with ``training="stochastic"`` (Monte Carlo dropout).
    stochastic = False
    #: Whether the layer is written with Keras's ``call`` (and no ``forward``): its backward is then derived
    #: from the record of each call (`layerwise.layers._traced`).
    derives_backward = False
    #: Call arguments that a symbolic call may fix for every run of its node (Keras's call keyword arguments
    #: of the functional API, e.g. ``use_causal_mask``): plain values, kept in the node and in the model's
    #: config; `compute_output_shape` receives them too.
    symbolic_call_arguments = ()
    #: The sum of the ``add_loss`` terms of the last call, in both modes (Keras trains and evaluates on them); the
    #: activity penalties, which count in training only, are apart.
    added_loss = 0.0
    #: Whether the layer's work is mostly memory-bound passes (copies, sums, broadcasts) rather than large
    #: matrix products: convolution, pooling, batch normalization say so. What a model does with it (how its
    #: passes use the cores) is the executor's choice, measured per machine (`layerwise.config.calibrate`).
    memory_bound = False

    @property
    def independent_batches(self):
        """Whether this layer's inference on one batch is independent of its inference on any other: it carries
        no state from one call to the next and draws no random numbers in inference mode. Then the executor may
        run several batches' inference at once (`Model.predict` and `Model.evaluate` do, where that pays on this
        machine). Every layer of layerwise is, but for a stateful recurrent layer and `Lambda` (whose function is
        the user's); a layer class defined elsewhere may keep state or draw random numbers in inference, so it is
        not, unless it says so (``independent_batches = True``)."""
        return (type(self).__module__.partition(".")[0] == "layerwise"
                and all(layer.independent_batches for layer in self.sublayers()))

    def __init_subclass__(cls, **kwargs):
        # Every layer class of layerwise is found by name when a saved model is loaded.
        super().__init_subclass__(**kwargs)
        serialization.register_builtin(cls)
        # A class written the Keras way (``call``, no ``forward``) gets its backward from each call's record.
        cls.derives_backward = callable(getattr(cls, "call", None)) and cls.forward is Layer.forward
        if cls.derives_backward and "build" in cls.__dict__:
            cls.build = _traced.building(cls.__dict__["build"])

    def __init__(self, name=None, dtype=None, trainable=True, input_shape=None, input_dim=None,
                 activity_regularizer=None):
        if input_dim is not None:
            if input_shape is not None:
                raise ValueError(f"{type(self).__name__}: give input_shape or input_dim, not both")
            input_shape = (check_integer(input_dim, "input_dim", type(self).__name__),)
        self.name = name or unique_name(_snake_case(type(self).__name__))
        self.dtype = standardize_dtype(dtype)
        # Not through the setter: a model given trainable=True leaves its layers' own settings alone.
        self._trainable = bool(trainable)
        self.input_shape_hint = (None if input_shape is None
                                 else check_sample_shape(input_shape, "input_shape", type(self).__name__))
        self.input_spec = None
        self.built = False
        self._parameters = []
        self.inbound_nodes = []
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.activity_penalty, self.activity_gradient = 0.0, None
        self.losses = []

    @property
    def trainable(self) -> bool:
        """Whether training updates the layer's weights; set on a model, it sets every layer inside it.

        A model compiled before the change keeps training what was trainable at its `compile` (Keras's
        rule): call `compile` again for the change to take effect. A frozen `BatchNormalization` runs
        in inference mode, as in Keras.
        """
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in self.sublayers():
            layer.trainable = value

    def sublayers(self) -> list:
        """The layers this layer holds and calls (a model's layers, a wrapper's wrapped layer; for a layer
        written with ``call``, the layers it holds as attributes, as Keras tracks them)."""
        return _traced.sublayers(self) if self.derives_backward else []

    def flatten_layers(self) -> list:
        """This layer and every layer inside it, at any depth, each once (Keras's ``_flatten_layers``)."""
        found, stack = {}, [self]
        while stack:
            layer = stack.pop()
            if id(layer) not in found:
                found[id(layer)] = layer
                stack.extend(reversed(layer.sublayers()))
        return list(found.values())

    def new_call(self):
        """This layer as one call sees it: a copy that shares the weights, the configuration and every other
        attribute, and keeps what that call's `forward` saves for `backward` to itself.

        Models run each node through its own call, so a layer called at several nodes, inside nested
        models, or by two callers at once never overwrites another call's state.
        """
        call = object.__new__(type(self))
        call.__dict__.update(self.__dict__)
        return call

    def add_weight(self, name=None, shape=None, initializer=None, regularizer=None, constraint=None,
                   trainable=True) -> Parameter:
        """Create a `Parameter` named "layer/name" with values from ``initializer``, as Keras's ``add_weight``.

        Args:
            name: the weight's name in the layer; Keras's "variable", "variable_1" ... when None.
            shape: the weight's shape.
            initializer: an initializer; Keras's default, "glorot_uniform", when None.
            regularizer: a penalty R(θ) added to the training loss (its gradient to θ's).
            constraint: a projection applied to θ after each update.
            trainable: whether training updates it (False: state kept by the layer, as a moving mean).
        """
        if shape is None:
            raise ValueError(f"Layer '{self.name}': add_weight needs a shape")
        if name is None:
            taken = {p.name for p in self._parameters}
            name = next(f"variable{f'_{k}' if k else ''}" for k in range(len(taken) + 1)
                        if f"{self.name}/variable{f'_{k}' if k else ''}" not in taken)
        shape = (shape,) if isinstance(shape, int) else shape
        initializer = "glorot_uniform" if initializer is None else initializer
        serialization.charge_weight(f"{self.name}/{name}", shape)
        value = aligned_copy(initializers.get(initializer)(tuple(shape), dtype=self.dtype))
        parameter = Parameter(value, f"{self.name}/{name}", trainable, regularizer, constraint)
        self._parameters.append(parameter)
        return parameter

    def build(self, input_shape) -> None:
        """Create the weights for inputs of ``input_shape`` (batch axis first, may be None)."""

    def build_for(self, input_shape) -> None:
        """Build once for ``input_shape`` and remember it as the shape every later input must have."""
        input_shape = tuple(input_shape)
        if self.input_shape_hint is not None and tuple(input_shape[1:]) != self.input_shape_hint:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) was declared with input shape "
                f"{format_shape((None,) + self.input_shape_hint)}, received "
                f"{format_shape((None,) + tuple(input_shape[1:]))}")
        if isinstance(self.input_spec, InputSpec):
            self.input_spec.check(_Shape(input_shape), self)
        self.build((None,) + tuple(input_shape[1:]))
        if not isinstance(self.input_spec, InputSpec):
            self.input_spec = tuple(input_shape[1:])
        self.built = True

    def check_input(self, x) -> None:
        """Raise a ValueError naming the layer unless x satisfies ``input_spec``: the layer's `InputSpec` if it set
        one (in ``__init__`` or ``build``), else the sample shape it was built for (both shapes named)."""
        expected = self.input_spec
        if isinstance(expected, InputSpec):
            expected.check(x, self)
            return
        if x.ndim != len(expected) + 1 or any(e is not None and e != r for e, r in zip(expected, x.shape[1:])):
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expected input of shape "
                f"{format_shape((None,) + expected)}, received {tuple(x.shape)}")

    def __call__(self, x, training=None, mask=None, input_gradient=True, **call_arguments):
        """Build on first use, cast to the layer's dtype, check the shape, and run `forward`.

        Args:
            x: the input batch (a list of them for a layer of several inputs), or symbolic tensors.
            training: True, False (or None, inference), or "stochastic": training mode for `stochastic`
                layers only (Monte Carlo dropout keeps batch normalization and the like in inference
                mode). On symbolic tensors, a given value fixes the mode of this call whatever mode
                the model later runs in (Keras's ``base_model(inputs, training=False)``).
            mask: a (batch, time) boolean mask of valid steps, for layers that support masking.
            input_gradient: whether `backward` must return dJ/dx; with False (the bottom of a network
                in training) the layer may skip computing it and return None.
            **call_arguments: further arguments of `forward`, unchanged.

        On a `SymbolicTensor` (the output of `Input` or of another layer's call), record the call as a
        `Node` and return its symbolic output instead (the functional API).
        """
        if is_symbolic(x):
            fixed = {name: value for name, value in call_arguments.items() if value is not None}
            given = sorted(name for name in fixed if name not in self.symbolic_call_arguments)
            if given or mask is not None:
                raise ValueError(f"Layer '{self.name}': {given + ['mask'] * (mask is not None)} cannot be "
                                 "passed on symbolic calls of the functional API (masks flow along the graph)")
            return call_symbolic(self, x, training, fixed)
        if self.derives_backward:
            return _traced.call(self, x, training, mask, input_gradient, call_arguments)
        if _traced.holds_tensors(x):
            return _traced.node(self, x, training, mask, call_arguments)
        x = self.prepare_input(x)
        training = self.resolve_training(training)
        self.needs_input_gradient = input_gradient
        if mask is not None:
            call_arguments["mask"] = mask
        self.activity_penalty, self.activity_gradient = 0.0, None
        y = self.forward(x, training=training, **call_arguments)
        if training and self.activity_regularizer is not None:
            self.activity_penalty = self.activity_penalty + self.activity_regularizer(y)
            self.activity_gradient = self.activity_regularizer.gradient(y)
        return y

    def resolve_training(self, training) -> bool:
        """The mode this layer runs in for a call's ``training`` argument ("stochastic": `stochastic`)."""
        if isinstance(training, str):
            if training != "stochastic":
                raise ValueError(f"Layer '{self.name}': training must be True, False or 'stochastic', "
                                 f"received {training!r}")
            return self.stochastic
        return bool(training)

    def prepare_input(self, x):
        """Build on first use, check x as it is passed (its shape, and its dtype for an `InputSpec` that names
        one), and cast it to the layer's dtype."""
        x = np.asarray(x)
        if not self.built:
            self.build_for(x.shape)
        self.check_input(x)
        return x if x.dtype == self.dtype else x.astype(self.dtype)

    def activity_backward(self, dy):
        """dJ/dy plus the activity penalty's gradient dR/dy of this call's training forward pass, if any."""
        return dy if self.activity_gradient is None else dy + self.activity_gradient

    def forward(self, x, training=False, **call_arguments):
        """Compute f(x); keep what `backward` needs in named attributes (for a layer written with ``call``: run
        it, keeping the record of the call)."""
        if self.derives_backward:
            return _traced.call(self, x, training, None, self.needs_input_gradient, call_arguments)
        raise NotImplementedError(f"{type(self).__name__} does not implement forward")

    def backward(self, dy):
        """Return dJ/dx from dJ/dy, adding dJ/dtheta into each parameter's grad (derived from the call's record
        for a layer written with ``call``)."""
        if self.derives_backward:
            return _traced.backward(self, dy)
        raise NotImplementedError(f"{type(self).__name__} does not implement backward")

    def add_loss(self, loss) -> None:
        """Inside ``call``: add the scalar ``loss`` (computed with `layerwise.ops`) to the training loss, as
        Keras's ``add_loss``; its gradient flows back with the outputs'. The values of the last call are in
        ``losses``."""
        _traced.add_loss(self, loss)

    def backward_preactivation(self, dz):
        """Backward from dJ/dz, the gradient before `output_activation` (for fused loss gradients)."""
        raise NotImplementedError(f"{type(self).__name__} has no output activation to skip")

    def compute_output_shape(self, input_shape):
        """Output shape for ``input_shape`` (batch axis first); the identity unless overridden (for a layer
        written with ``call``, found by calling it on one sample of zeros)."""
        if self.derives_backward:
            return _traced.output_shape(self, input_shape)
        return tuple(input_shape)

    @property
    def weights(self):
        """All parameters, trainable first, as Keras lists them."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def trainable_weights(self):
        return self.trainable_weights_where(lambda layer: layer.trainable)

    def trainable_weights_where(self, is_trainable):
        """The trainable parameters when ``is_trainable(layer)`` says which layers are trainable (a model
        asks it of itself and of every layer inside; training asks it of the flags at `compile`)."""
        if not self.derives_backward:
            return [p for p in self._parameters if p.trainable and is_trainable(self)]
        if not is_trainable(self):
            return []
        found = [p for p in self._parameters if p.trainable]
        for layer in self.sublayers():
            found += [p for p in layer.trainable_weights_where(is_trainable) if all(p is not q for q in found)]
        return found

    @property
    def non_trainable_weights(self):
        own = [p for p in self._parameters if not (p.trainable and self.trainable)]
        if not self.derives_backward:
            return own
        trainable = {id(p) for p in self.trainable_weights}
        inner = [p for layer in self.sublayers() for p in layer.weights if id(p) not in trainable]
        return own + [p for k, p in enumerate(inner) if all(p is not q for q in inner[:k])]

    @property
    def used_weights(self):
        """The parameters a call reads and whose grads its backward adds to: its own, plus any it borrows
        (a tied decoder's encoder kernel), so a model runs its backward whenever one of them is trained."""
        return self.weights

    # ---- symbolic access (Keras's layer.input / layer.output) ------------------------------------
    def _node(self, index, what):
        if not self.inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called on symbolic tensors, so it has no "
                                 f"{what}; call it on the output of layerwise.Input first")
        if index is None:
            if len(self.inbound_nodes) > 1:
                raise AttributeError(f"Layer '{self.name}' has been called {len(self.inbound_nodes)} times, so "
                                     f"its {what} is ambiguous; use get_{what}_at(node_index)")
            index = 0
        if not -len(self.inbound_nodes) <= index < len(self.inbound_nodes):
            raise ValueError(f"Layer '{self.name}': node_index {index} is out of range; the layer has "
                             f"{len(self.inbound_nodes)} nodes")
        return self.inbound_nodes[index]

    def get_input_at(self, node_index):
        """The symbolic input(s) of the layer's call number ``node_index``."""
        node = self._node(node_index, "input")
        return node.inputs if node.list_call else node.inputs[0]

    def get_output_at(self, node_index):
        """The symbolic output(s) of the layer's call number ``node_index``."""
        return self._node(node_index, "output").result

    @property
    def input(self):
        """The symbolic input of the layer's only call (Keras's ``layer.input``)."""
        node = self._node(None, "input")
        return node.inputs if node.list_call else node.inputs[0]

    @property
    def output(self):
        """The symbolic output of the layer's only call (Keras's ``layer.output``)."""
        return self._node(None, "output").result

    def get_weights(self):
        """Copies of the weight arrays, in the order of `weights`."""
        return [p.value.copy() for p in self.weights]

    def set_weights(self, weights) -> None:
        """Load weight arrays in the order of `weights`, checking count and shapes."""
        parameters = self.weights
        if len(weights) != len(parameters):
            raise ValueError(
                f"Layer '{self.name}' expects {len(parameters)} weight arrays "
                f"({[p.name for p in parameters]}), received {len(weights)}")
        for parameter, value in zip(parameters, weights):
            parameter.assign(value)

    def count_params(self) -> int:
        return int(sum(math.prod(p.shape) for p in self.weights))

    def set_weight_options(self, **options):
        """Set ``<weight>_regularizer`` and ``<weight>_constraint`` attributes from Keras identifiers."""
        for name, identifier in options.items():
            setattr(self, name, _option_family(name).get(identifier))

    def weight_options_config(self, *names):
        """The named ``<weight>_regularizer`` / ``<weight>_constraint`` attributes, serialized for get_config."""
        return {name: _option_family(name).serialize(getattr(self, name)) for name in names}

    def get_config(self) -> dict:
        """The constructor arguments, so that ``type(layer).from_config(layer.get_config())`` rebuilds it."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype.name}
        if self.input_shape_hint is not None:
            config["input_shape"] = list(self.input_shape_hint)
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"

