"""ONNX exporters of the activation functions (`layerwise.activations`), by name."""

import math

from layerwise.activations import _GELU_CUBIC, _SELU_ALPHA, _SELU_SCALE, _SQRT_2_OVER_PI, ALIASES
from layerwise.export.registry import activation_exporter, find_activation_exporter


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


_simple("celu", "Celu")


@activation_exporter("log_softmax")
def _log_softmax(graph, x, hint, axis=-1):
    return graph.node("LogSoftmax", x, hint=hint, axis=int(axis))


def _clip(graph, x, low, high, hint):
    return graph.node("Clip", [x, graph.constant(low), graph.constant(high)], hint=hint)


@activation_exporter("relu6")
def _relu6(graph, x, hint):
    return _clip(graph, x, 0.0, 6.0, hint)


@activation_exporter("hard_tanh")
def _hard_tanh(graph, x, hint):
    return _clip(graph, x, -1.0, 1.0, hint)


@activation_exporter("sparse_sigmoid")
def _sparse_sigmoid(graph, x, hint):
    half = graph.constant(0.5)
    return _clip(graph, graph.node("Add", [graph.node("Mul", [x, half]), half]), 0.0, 1.0, hint)


@activation_exporter("hard_silu")
def _hard_silu(graph, x, hint):
    return graph.node("Mul", [x, graph.node("HardSigmoid", x, alpha=1.0 / 6.0, beta=0.5)], hint=hint)


@activation_exporter("gelu")
def _gelu(graph, x, hint, approximate=False):
    if approximate:
        cube = graph.node("Mul", [graph.node("Mul", [x, x]), x])
        inner = graph.node("Add", [x, graph.node("Mul", [cube, graph.constant(_GELU_CUBIC)])])
        gate = graph.node("Tanh", graph.node("Mul", [inner, graph.constant(_SQRT_2_OVER_PI)]))
    else:
        gate = graph.node("Erf", graph.node("Mul", [x, graph.constant(math.sqrt(0.5))]))
    half_x = graph.node("Mul", [x, graph.constant(0.5)])
    return graph.node("Mul", [half_x, graph.node("Add", [gate, graph.constant(1.0)])], hint=hint)


@activation_exporter("mish")
def _mish(graph, x, hint):
    return graph.node("Mul", [x, graph.node("Tanh", graph.node("Softplus", x))], hint=hint)


@activation_exporter("log_sigmoid")
def _log_sigmoid(graph, x, hint):
    return graph.node("Neg", graph.node("Softplus", graph.node("Neg", x)), hint=hint)


@activation_exporter("tanh_shrink")
def _tanh_shrink(graph, x, hint):
    return graph.node("Sub", [x, graph.node("Tanh", x)], hint=hint)


@activation_exporter("hard_shrink")
def _hard_shrink(graph, x, hint, threshold=0.5):
    return graph.node("Shrink", x, hint=hint, bias=0.0, lambd=float(threshold))


@activation_exporter("soft_shrink")
def _soft_shrink(graph, x, hint, threshold=0.5):
    return graph.node("Shrink", x, hint=hint, bias=float(threshold), lambd=float(threshold))


@activation_exporter("threshold")
def _threshold(graph, x, hint, threshold=0.0, default_value=0.0):
    above = graph.node("Greater", [x, graph.constant(threshold)])
    return graph.node("Where", [above, x, graph.constant(default_value)], hint=hint)


@activation_exporter("sparse_plus")
def _sparse_plus(graph, x, hint):
    inside = graph.node("Add", [_clip(graph, x, -1.0, 1.0, None), graph.constant(1.0)])
    quadratic = graph.node("Mul", [graph.node("Mul", [inside, inside]), graph.constant(0.25)])
    return graph.node("Where", [graph.node("GreaterOrEqual", [x, graph.constant(1.0)]), x, quadratic], hint=hint)


@activation_exporter("squareplus")
def _squareplus(graph, x, hint, b=4.0):
    root = graph.node("Sqrt", graph.node("Add", [graph.node("Mul", [x, x]), graph.constant(b)]))
    return graph.node("Mul", [graph.node("Add", [x, root]), graph.constant(0.5)], hint=hint)


@activation_exporter("sparsemax")
def _sparsemax(graph, x, hint, axis=-1):
    # Sort descending along the axis (TopK of the whole axis), find the support size k(z) from the running sums,
    # then τ = (sum of the support - 1) / k(z) and y = max(x - τ, 0).
    axis = int(axis)
    size = graph.node("Gather", [graph.node("Shape", x), graph.constant([axis], dtype="int64")])
    ranked, _ = graph.node("TopK", [x, size], outputs=2, axis=axis, largest=1, sorted=1)
    cumulative = graph.node("CumSum", [ranked, graph.constant(axis, dtype="int64")])
    ones = graph.node("Add", [graph.node("Mul", [ranked, graph.constant(0.0)]), graph.constant(1.0)])
    k = graph.node("CumSum", [ones, graph.constant(axis, dtype="int64")])
    in_support = graph.node("Cast", graph.node("Greater", [
        graph.node("Add", [graph.constant(1.0), graph.node("Mul", [k, ranked])]), cumulative]), to=graph.tensor_dtype)
    count = graph.reduce("ReduceSum", in_support, [axis], keepdims=True)
    total = graph.reduce("ReduceSum", graph.node("Mul", [ranked, in_support]), [axis], keepdims=True)
    tau = graph.node("Div", [graph.node("Sub", [total, graph.constant(1.0)]), count])
    return graph.node("Relu", graph.node("Sub", [x, tau]), hint=hint)


@activation_exporter("glu")
def _glu(graph, x, hint, axis=-1):
    # Split without sizes halves the axis (opset 13's rule), then a * sigmoid(b).
    a, b = graph.node("Split", x, outputs=2, axis=int(axis))
    return graph.node("Mul", [a, graph.node("Sigmoid", b)], hint=hint)


# Keras's alias names export as the functions they name.
for _alias, _name in ALIASES.items():
    activation_exporter(_alias)(find_activation_exporter(_name))


@activation_exporter("step")
def _step(graph, x, hint):
    return graph.node("Cast", graph.node("GreaterOrEqual", [x, graph.constant(0.0)]), hint=hint,
                      to=graph.tensor_dtype)
