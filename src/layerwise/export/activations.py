"""ONNX exporters of the activation functions (`layerwise.activations`), by name."""

from layerwise.activations import _SELU_ALPHA, _SELU_SCALE
from layerwise.export.registry import activation_exporter


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
