"""ONNX exporters of the core layers, activation layers, activation functions and Sequential.

LeakyReLU, ELU and Softmax are `Activation` subclasses, so the Activation exporter serves them.
"""

import numpy as np

from layerwise.activations import _SELU_ALPHA, _SELU_SCALE
from layerwise.export.registry import activation_exporter, onnx_exporter


@activation_exporter("linear")
def _linear(graph, x, hint):
    return x


def _simple(name, op_type, **fixed):
    """An activation that is one ONNX operator; its keyword arguments map to attributes."""
    renames = fixed.pop("renames", {})

    @activation_exporter(name)
    def export(graph, x, hint, **kwargs):
        attributes = {renames.get(k, k): float(v) for k, v in kwargs.items()}
        return graph.node(op_type, x, hint=hint, **fixed, **attributes)
    return export


for _name, _op in [("sigmoid", "Sigmoid"), ("tanh", "Tanh"), ("relu", "Relu"), ("softplus", "Softplus"),
                   ("softsign", "Softsign"), ("exponential", "Exp"), ("sign", "Sign")]:
    _simple(_name, _op)
_simple("leaky_relu", "LeakyRelu", renames={"negative_slope": "alpha"})
_simple("elu", "Elu")
_simple("selu", "Selu", alpha=_SELU_ALPHA, gamma=_SELU_SCALE)
_simple("hard_sigmoid", "HardSigmoid", alpha=1.0 / 6.0, beta=0.5)


@activation_exporter("softmax")
def _softmax(graph, x, hint, axis=-1):
    return graph.node("Softmax", x, hint=hint, axis=int(axis))


@activation_exporter("silu")
def _silu(graph, x, hint):
    return graph.node("Mul", [x, graph.node("Sigmoid", x)], hint=hint)


@activation_exporter("step")
def _step(graph, x, hint):
    return graph.node("Cast", graph.node("GreaterOrEqual", [x, graph.constant(0.0)]), hint=hint,
                      to=graph.tensor_dtype)


def affine(layer, graph, x, kernel):
    """phi(x V + b) for a Dense-like ``layer`` whose inference multiplies by ``kernel`` = V."""
    z = graph.node("MatMul", [x, graph.constant(kernel, f"{layer.name}/kernel")])
    if layer.use_bias:
        z = graph.node("Add", [z, graph.constant(layer.bias.value, f"{layer.name}/bias")])
    return graph.activation(layer.activation, z, hint=layer.name)


@onnx_exporter("Dense")
def _dense(layer, graph, x):
    return affine(layer, graph, x, layer.kernel.value)


@onnx_exporter("Activation")
def _activation(layer, graph, x):
    return graph.activation(layer.activation, x, hint=layer.name)


@onnx_exporter("Flatten")
def _flatten(layer, graph, x):
    return graph.node("Flatten", x, hint=layer.name, axis=1)


@onnx_exporter("Reshape")
def _reshape(layer, graph, x):
    # 0 copies the batch size from the input (allowzero=0, the default).
    shape = graph.constant([0, *layer.target_shape], f"{layer.name}/shape", dtype="int64")
    return graph.node("Reshape", [x, shape], hint=layer.name)


@onnx_exporter("ReLU")
def _relu(layer, graph, x):
    if layer.threshold == 0:
        y = (graph.node("Relu", x) if layer.negative_slope == 0
             else graph.node("LeakyRelu", x, alpha=layer.negative_slope))
    else:
        threshold = graph.constant(layer.threshold)
        below = graph.node("Less", [x, threshold])
        leak = graph.node("Mul", [graph.node("Sub", [x, threshold]), graph.constant(layer.negative_slope)])
        y = graph.node("Where", [below, leak, x])
    if layer.max_value is not None:
        y = graph.node("Min", [y, graph.constant(layer.max_value)])
    return graph.node("Identity", y, hint=layer.name)


@onnx_exporter("PReLU")
def _prelu(layer, graph, x):
    return graph.node("PRelu", [x, graph.constant(layer.alpha.value, f"{layer.name}/alpha")], hint=layer.name)


@onnx_exporter("BatchNormalization")
def _batch_normalization(layer, graph, x):
    # Inference: y = x * gamma / sqrt(moving_variance + eps) + (beta - moving_mean * gamma / sqrt(...)).
    scale = 1.0 / np.sqrt(layer.moving_variance.value + layer.epsilon)
    if layer.scale:
        scale *= layer.gamma.value
    shift = -layer.moving_mean.value * scale
    if layer.center:
        shift += layer.beta.value
    shape = layer.broadcast_shape
    y = graph.node("Mul", [x, graph.constant(scale.reshape(shape), f"{layer.name}/scale")])
    return graph.node("Add", [y, graph.constant(shift.reshape(shape), f"{layer.name}/shift")], hint=layer.name)


def _affine(layer, graph, x_hat):
    """gamma * x_hat + beta of a normalization layer, broadcast along its parameter axes."""
    if layer.scale:
        x_hat = graph.node("Mul", [x_hat, graph.constant(layer.gamma.value.reshape(layer.broadcast_shape))])
    if layer.center:
        x_hat = graph.node("Add", [x_hat, graph.constant(layer.beta.value.reshape(layer.broadcast_shape))])
    return graph.node("Identity", x_hat, hint=layer.name)


@onnx_exporter("LayerNormalization")
def _layer_normalization(layer, graph, x):
    return _affine(layer, graph, _standardize(graph, x, list(layer.param_axes), layer.epsilon))


@onnx_exporter("GroupNormalization")
def _group_normalization(layer, graph, x):
    # Channels moved last and split as (..., G, C/G); statistics over every axis but batch and group.
    rank, axis = len(layer.broadcast_shape), layer.param_axes[0]
    order = [a for a in range(rank) if a != axis] + [axis]
    last = x if axis == rank - 1 else graph.node("Transpose", x, perm=order)
    channels = layer.broadcast_shape[axis]
    grouped_shape = graph.constant([0, -1, layer.group_count, channels // layer.group_count], dtype="int64")
    x_hat = _standardize(graph, graph.node("Reshape", [last, grouped_shape]), [1, 3], layer.epsilon)
    x_hat = graph.node("Reshape", [x_hat, graph.node("Shape", last)])
    if axis != rank - 1:
        x_hat = graph.node("Transpose", x_hat, perm=[order.index(a) for a in range(rank)])
    return _affine(layer, graph, x_hat)


def _standardize(graph, x, axes, epsilon):
    """(x - mean) / sqrt(variance + eps) over ``axes`` (ReduceMean takes axes as an attribute below opset 18)."""
    centered = graph.node("Sub", [x, graph.node("ReduceMean", x, axes=axes)])
    variance = graph.node("ReduceMean", graph.node("Mul", [centered, centered]), axes=axes)
    return graph.node("Div", [centered, graph.node("Sqrt", graph.node("Add", [variance, graph.constant(epsilon)]))])


@onnx_exporter("Rescaling")
def _rescaling(layer, graph, x):
    y = graph.node("Mul", [x, graph.constant(layer.scale)])
    return graph.node("Add", [y, graph.constant(layer.offset)], hint=layer.name)

