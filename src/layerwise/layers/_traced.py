"""Keras-style layers written with ``call``: the backward pass derived from the record of each call.

A layer whose class defines ``call`` (and not ``forward``) runs it on `Tensor` inputs; every
`layerwise.ops` function it uses records its rule (`layerwise.ops._autodiff`), and a layer of the modular
protocol it calls (Dense, Conv2D, a functional Model ...) enters the record as one node whose rule is that
call's own `backward`. A ``call`` that calls other ``call`` layers records into the same trace, so the
record of a top-level call spans the whole composition; its `backward` runs it in reverse and returns dJ/dx,
having added dJ/dθ into every parameter on the way.

The trace of the running top-level call (its mode, the losses of ``add_loss``) is a context variable, so
two calls made at once never meet.
"""

import contextvars
import functools
import inspect

import numpy as np

from layerwise.ops._autodiff import Tensor, backpropagate, value_of
from layerwise.layers.input_spec import InputSpec
from layerwise.layers.symbolic import format_shape

_TRACE = contextvars.ContextVar("layerwise_trace", default=None)


class _Trace:
    """What one top-level call collects: its mode, the terms of ``add_loss``, the penalties and added losses of
    its nodes."""

    def __init__(self, training):
        self.training = training
        self.losses = []
        self.penalty = 0.0
        self.added = 0.0
        self.nodes = []


class CallRecord:
    """What `backward` needs from one top-level call: its input leaves, its outputs, its added losses, and the
    calls of its protocol layers (``nodes``). ``loss_scale`` is the factor a scaled training step puts on every
    term of the loss (`layerwise.optimizers.LossScaleOptimizer`): the added losses' seeds take it too."""

    loss_scale = 1.0

    def __init__(self, inputs, structure, outputs, losses, nodes):
        self.inputs, self.structure, self.outputs, self.losses, self.nodes = inputs, structure, outputs, losses, nodes


def _flatten(value, is_leaf=lambda value: False):
    """The leaves of a structure of lists, tuples and dicts (``is_leaf`` stops at a node, e.g. a shape)."""
    if is_leaf(value):
        return [value]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _flatten(item, is_leaf)]
    if isinstance(value, dict):
        return [leaf for key in value for leaf in _flatten(value[key], is_leaf)]
    return [value]


def _map(function, value, is_leaf=lambda value: False):
    """The structure with ``function`` applied to each leaf."""
    if is_leaf(value):
        return function(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_map(function, item, is_leaf) for item in value)
    if isinstance(value, dict):
        return {key: _map(function, item, is_leaf) for key, item in value.items()}
    return function(value)


def holds_tensors(value) -> bool:
    return any(isinstance(leaf, Tensor) for leaf in _flatten(value))


@functools.lru_cache(maxsize=None)
def _accepts(call, argument) -> bool:
    parameters = inspect.signature(call).parameters
    return argument in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def _sample_shapes(value):
    # A list, so that the shapes of structured inputs are told from the shape of one input (a tuple).
    return _map(lambda leaf: list(np.shape(value_of(leaf)))[1:], value)


def _specs(layer):
    """The layer's own `InputSpec` (or list of them, one per input), as Keras's ``self.input_spec``; else None."""
    spec = layer.input_spec
    if isinstance(spec, InputSpec):
        return [spec]
    if isinstance(spec, list) and spec and all(isinstance(item, InputSpec) for item in spec):
        return spec
    return None


def building(build):
    """A ``call`` layer's own ``build``, made to mark the layer built and to run once (as Keras wraps it), so a
    model built before its first call (``model.build(shape)``, or by `fit`) is not built again by that call."""
    @functools.wraps(build)
    def build_once(layer, input_shape):
        if not layer.built:
            build(layer, input_shape)
            layer.built = True
    return build_once


def _build(layer, inputs):
    """Keras's lazy build: ``build`` receives the input shape (batch axis None), a structure of them for
    structured inputs. The inputs are held to the layer's `InputSpec` if it set one, else to the per-sample
    shapes of its first call."""
    leaves, specs = _flatten(inputs), _specs(layer)
    if specs is not None:
        if len(specs) != len(leaves):
            raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) expects {len(specs)} input(s) by its "
                             f"input_spec, received {len(leaves)}")
        for index, (spec, leaf) in enumerate(zip(specs, leaves)):
            spec.check(leaf, layer, index)
    if not layer.built:
        if not getattr(type(layer).build, "builds_by_calling", False):
            layer.build(_map(lambda leaf: (None,) + tuple(np.shape(value_of(leaf)))[1:], inputs))
        layer.built = True
    shapes = _sample_shapes(inputs)
    if getattr(layer, "sample_shapes", None) is None:
        layer.sample_shapes, layer.single_input = shapes, not isinstance(inputs, (list, tuple, dict))
    elif specs is None and shapes != layer.sample_shapes:
        received = _map(lambda leaf: tuple(np.shape(value_of(leaf))), inputs)
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) expected input of shape "
                         f"{_describe(layer.sample_shapes)}, received {received}")


def _describe(shapes):
    if isinstance(shapes, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in shapes.items()) + "}"
    if isinstance(shapes, tuple) or shapes and isinstance(shapes[0], list):
        return "[" + ", ".join(_describe(shape) for shape in shapes) + "]"
    return format_shape((None,) + tuple(shapes))


def _run(layer, inputs, training, mask, arguments):
    call = type(layer).call
    if _accepts(call, "training"):
        arguments["training"] = training
    if mask is not None:
        arguments["mask"] = mask
    return layer.call(inputs, **arguments)


def call(layer, inputs, training, mask, input_gradient, arguments):
    """Run ``layer.call``: inside an enclosing call's trace, recording into it and returning Tensors; else as
    a top-level call that keeps its record on ``layer`` (the call object) and returns arrays."""
    trace = _TRACE.get()
    if trace is not None:
        _build(layer, inputs)
        outputs = _run(layer, inputs, trace.training if training is None else layer.resolve_training(training),
                       mask, arguments)
        _remember_shape(layer, outputs)
        return outputs
    training = layer.resolve_training(training)
    layer.needs_input_gradient = input_gradient
    for argument in ("trained", "previous"):  # a model's executor options, which a ``call`` does not take
        arguments.pop(argument, None)

    def leaf(value):
        value = np.asarray(value_of(value))
        if value.dtype.kind == "f" and value.dtype != layer.dtype:
            value = value.astype(layer.dtype)
        return Tensor(value, requires_grad=input_gradient and value.dtype.kind == "f")
    leaves = _map(leaf, inputs)
    _build(layer, leaves)
    trace = _Trace(training)
    token = _TRACE.set(trace)
    try:
        outputs = _run(layer, leaves, training, mask, arguments)
    finally:
        _TRACE.reset(token)
    layer.call_record = CallRecord(_flatten(leaves), leaves, _flatten(outputs), trace.losses, trace.nodes)
    layer.losses = [np.asarray(value_of(loss)) for loss in trace.losses]
    layer.added_loss = trace.added + float(sum(float(np.sum(loss)) for loss in layer.losses))
    layer.activity_penalty = trace.penalty + layer.added_loss
    arrays = _map(lambda value: np.asarray(value_of(value)), outputs)
    layer.activity_gradient = None
    if training and layer.activity_regularizer is not None and isinstance(arrays, np.ndarray):
        # R(y) of the layer's own output, whose gradient the enclosing model adds (`Layer.activity_backward`).
        layer.activity_penalty += layer.activity_regularizer(arrays)
        layer.activity_gradient = layer.activity_regularizer.gradient(arrays)
    return arrays


def _remember_shape(layer, outputs):
    """The output shape (a list of them for several outputs) of the layer's last call inside a model's call,
    batch axis None, for the model's summary."""
    shapes = [(None,) + tuple(np.shape(value_of(leaf)))[1:] for leaf in _flatten(outputs)]
    layer.last_output_shape = shapes[0] if len(shapes) == 1 else shapes


def add_loss(layer, loss):
    """Keras's ``add_loss`` inside ``call``: the scalar (a Tensor of the record, or a constant) is added to the
    training loss, and its gradient flows back with the outputs'."""
    trace = _TRACE.get()
    if trace is None:
        raise RuntimeError(f"Layer '{layer.name}': add_loss is called inside the layer's call, where the loss "
                           "can depend on the call's inputs and weights")
    trace.losses.append(loss)


def backward(layer, dy):
    """dJ/dx of the last top-level call from dJ/dy of its outputs (a list for several), the added losses
    seeded with dJ/dloss = 1; dJ/dθ is added into every parameter the call used."""
    record = getattr(layer, "call_record", None)
    if record is None:
        raise RuntimeError(f"Layer '{layer.name}': backward needs a call first")
    gradients = [dy] if len(record.outputs) == 1 else list(dy)
    if len(gradients) != len(record.outputs):
        raise ValueError(f"Layer '{layer.name}': backward expected {len(record.outputs)} gradients, one per output, "
                         f"received {len(gradients)}")
    seeds = list(zip(record.outputs, gradients))
    seeds += [(loss, np.full_like(loss.value, record.loss_scale)) for loss in record.losses if isinstance(loss, Tensor)]
    found = backpropagate(seeds, wanted=record.inputs)
    if not layer.needs_input_gradient:
        return None
    dxs = iter([np.zeros_like(leaf.value) if g is None else g for leaf, g in zip(record.inputs, found)])
    return _map(lambda leaf: next(dxs), record.structure)


def node(layer, inputs, training, mask, arguments):
    """A layer of the modular protocol called on Tensors inside a trace: one node whose rule is its call's
    ``backward`` (its activity penalty's gradient included)."""
    trace = _TRACE.get()
    leaves = _flatten(inputs)
    parents = tuple(leaf for leaf in leaves if isinstance(leaf, Tensor))
    wanted = any(parent.requires_grad for parent in parents)
    arrays = _map(lambda value: np.asarray(value_of(value)), inputs)
    if not layer.built:
        layer.prepare_input(arrays)  # builds the layer itself, not only this call's copy
    record = layer.new_call()
    if mask is not None:
        arguments["mask"] = mask
    # The call runs outside the trace: a `call` layer inside it (a functional model's node) is a top-level
    # call of its own, with its own record, which this node's backward reaches through the call's backward.
    token = _TRACE.set(None)
    try:
        y = record(arrays, training=trace.training if training is None else training, input_gradient=wanted, **arguments)
    finally:
        _TRACE.reset(token)
    trace.penalty += record.activity_penalty - record.added_loss
    trace.added += record.added_loss
    trace.nodes.append(record)
    _remember_shape(layer, y)
    if not (wanted or any(p.trainable for p in layer.trainable_weights)):
        return _map(Tensor, y)
    positions = [i for i, leaf in enumerate(leaves) if isinstance(leaf, Tensor)]

    def rule(dy):
        if isinstance(y, (list, tuple)):
            dy = [np.zeros_like(v) if g is None else g for g, v in zip(dy, y)]
            dx = record.backward(dy)
        else:
            dx = record.backward(record.activity_backward(dy))
        if dx is None:
            return (None,) * len(parents)
        dxs = dx if isinstance(dx, (list, tuple)) else [dx]
        return tuple(dxs[i] for i in positions)
    if not isinstance(y, (list, tuple)):
        return Tensor(y, parents, rule, True)
    bundle = Tensor(None, parents, rule, True)
    outputs = [Tensor(value, (bundle,), lambda g, i=i: ([g if j == i else None for j in range(len(y))],), True)
               for i, value in enumerate(y)]
    return type(y)(outputs)


def _held(layer):
    """(attribute path, layer) for each layer held in an attribute, alone or in a list, tuple or dict."""
    for attribute, value in vars(layer).items():
        if isinstance(value, dict):
            items = [(f"{attribute}/{key}", item) for key, item in value.items()]
        elif isinstance(value, (list, tuple)):
            items = [(f"{attribute}/{index}", item) for index, item in enumerate(value)]
        else:
            items = [(attribute, value)]
        for path, item in items:
            # A call's copy of the layer (a model keeps its last training call) shares its name.
            # A layer, told by its protocol (this module is imported by the one that defines Layer).
            if hasattr(type(item), "derives_backward") and item.name != layer.name:
                yield path, item


def sublayers(layer) -> list:
    """The layers a ``call`` layer holds as attributes (alone, or in lists, tuples and dicts), as Keras tracks
    them, in the order they were set."""
    found = []
    for _, item in _held(layer):
        if all(item is not f for f in found):
            found.append(item)
    return found


def weight_paths(layer, prefix="") -> dict:
    """{path: parameter} of a ``call`` layer's weights, each keyed by the attributes that lead to it
    ("encoder/dense_mean/kernel"), so that another instance of the class finds its weights under the same
    keys whatever names its layers were given."""
    found = {}

    def keep(key, parameter):
        if key in found and found[key] is not parameter:
            raise ValueError(f"Layer '{layer.name}': the weights {found[key].name!r} and {parameter.name!r} would both "
                             f"be saved as {key!r}; give them different names (add_weight(name=...))")
        found[key] = parameter
    for p in layer._parameters:
        keep(prefix + p.name.rsplit("/", 1)[-1], p)
    for path, item in _held(layer):
        if item.derives_backward:
            for key, p in weight_paths(item, f"{prefix}{path}/").items():
                keep(key, p)
            continue
        for index, p in enumerate(item.weights):
            own = p.name.startswith(item.name + "/") and "/" not in p.name[len(item.name) + 1:]
            keep(f"{prefix}{path}/" + (p.name[len(item.name) + 1:] if own else f"{index}_{p.name.rsplit('/', 1)[-1]}"),
                 p)
    return found


def _is_shape(value):
    """Whether a structure of shapes is one shape (its entries sizes or None) rather than a list of them."""
    return isinstance(value, (list, tuple)) and all(d is None or isinstance(d, (int, np.integer)) for d in value)


def output_shape(layer, input_shape):
    """The output shape of a ``call`` layer for ``input_shape``: its call in inference mode on one sample of
    zeros, the batch axis put back (Keras traces ``call`` symbolically to the same end)."""
    sample = _map(lambda shape: np.zeros((1,) + tuple(shape[1:]), dtype=layer.dtype), input_shape, _is_shape)
    batch = _flatten(input_shape, _is_shape)[0][0]
    # Unbuilt, the layer itself runs, so that the weights its build creates are its own, not a call's copy's.
    runner = layer.new_call() if layer.built else layer
    token = _TRACE.set(None)
    try:
        output = runner(sample, training=False, input_gradient=False)
    finally:
        _TRACE.reset(token)
    layer.single_output = not isinstance(output, (list, tuple, dict))
    return _map(lambda value: (batch,) + np.shape(value)[1:], output)
