"""OnnxGraph: the small builder every exporter writes nodes into (imported only when exporting)."""

import inspect

import numpy as np
import onnx
from onnx import helper, numpy_helper

from layerwise.errors import ExportError
from layerwise.export.registry import find_activation_exporter, find_exporter


class OnnxGraph:
    """Collects nodes and initializers, and hands out unique tensor names.

    Args:
        dtype: the model's float dtype; constants made with `constant` are cast to it.
        opset: the ONNX opset the graph targets (exporters may branch on it).
    """

    def __init__(self, dtype, opset):
        self.dtype, self.opset = np.dtype(dtype), opset
        self.nodes, self.initializers, self._counts, self._used = [], [], {}, set()
        # The name of a layer whose output carries a step mask (Masking, Embedding(mask_zero=True)),
        # set by its exporter so that exporters of mask consumers can refuse what they cannot honour.
        self.mask_source = None

    @property
    def tensor_dtype(self) -> int:
        """The ONNX element type of the model's float dtype (for Cast nodes)."""
        return helper.np_dtype_to_tensor_dtype(self.dtype)

    def subgraph(self) -> "OnnxGraph":
        """A builder for the body of a control-flow node (Scan, Loop): its tensor names stay unique within
        this graph, and its constants become this graph's initializers (outer-scope values it may read)."""
        body = OnnxGraph(self.dtype, self.opset)
        body._counts, body._used, body.initializers = self._counts, self._used, self.initializers
        return body

    def fresh(self, hint) -> str:
        """A tensor name not used before, based on ``hint``."""
        # A layer named "add_1" and the second unnamed Add node would both be "add_1": skip used names.
        count = self._counts.get(hint, 0)
        name = hint if count == 0 else f"{hint}_{count}"
        while name in self._used:
            count += 1
            name = f"{hint}_{count}"
        self._counts[hint] = count + 1
        self._used.add(name)
        return name

    def constant(self, value, hint="const", dtype=None) -> str:
        """Add an initializer holding ``value`` (cast to the model's dtype unless ``dtype`` is given)."""
        name = self.fresh(hint)
        array = np.asarray(value, dtype=dtype or self.dtype)
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op_type, inputs, hint=None, outputs=1, **attributes):
        """Add one node and return the name of its output (a list of ``outputs`` names when it has several,
        as TopK's values and indices)."""
        names = [self.fresh(hint or op_type.lower()) for _ in range(outputs)]
        inputs = [inputs] if isinstance(inputs, str) else list(inputs)
        self.nodes.append(helper.make_node(op_type, inputs, names, **attributes))
        return names[0] if outputs == 1 else names

    def reduce(self, op_type, x, axes, keepdims=False, hint=None) -> str:
        """A Reduce* node over ``axes``: opset 18 moved every reduction's axes from attribute to input
        (ReduceSum already at 13)."""
        keepdims = int(keepdims)
        if op_type == "ReduceSum" or self.opset >= 18:
            axes = self.constant(list(axes), "axes", dtype="int64")
            return self.node(op_type, [x, axes], hint=hint, keepdims=keepdims)
        return self.node(op_type, x, hint=hint, axes=list(axes), keepdims=keepdims)

    def channels_first(self, op_type, x, extra_inputs=(), spatial_rank=2, hint=None, **attributes) -> str:
        """Run an NCHW operator (Conv, MaxPool ...) on channels-last ``x`` (N, *spatial, C), returning
        channels-last: ONNX's spatial operators want the channels before the spatial axes."""
        first = self.node("Transpose", x, perm=[0, spatial_rank + 1, *range(1, spatial_rank + 1)])
        y = self.node(op_type, [first, *extra_inputs], **attributes)
        return self.node("Transpose", y, hint=hint, perm=[0, *range(2, spatial_rank + 2), 1])

    def activation(self, activation, x, hint="act") -> str:
        """Apply a `layerwise.activations.ActivationFunction` to tensor ``x``."""
        exporter = find_activation_exporter(activation.name)
        if exporter is None:
            raise ExportError(
                f"to_onnx: the activation {activation.name!r} has no ONNX exporter; register one with "
                "@layerwise.export.activation_exporter")
        # Pass the function's own defaults explicitly: ONNX operators have different ones
        # (LeakyRelu's alpha is 0.01, layerwise's leaky_relu slope 0.2).
        parameters = inspect.signature(activation._function.func).parameters.values()
        defaults = {p.name: p.default for p in parameters
                    if p.default is not inspect.Parameter.empty and p.name != "out"}
        return exporter(self, x, hint=hint, **{**defaults, **activation.kwargs})

    def layer(self, layer, x, **arguments) -> str:
        """Export one layer (or nested model) through its registered exporter, with the call arguments its
        node fixed (`Layer.symbolic_call_arguments`), if any."""
        exporter = find_exporter(type(layer))
        if exporter is None:
            raise ExportError(
                f"to_onnx: layer '{getattr(layer, 'name', layer)}' ({type(layer).__name__}) has no ONNX "
                f"exporter; register one with @layerwise.export.onnx_exporter({type(layer).__name__})")
        return exporter(layer, self, x, **arguments)

    def model_proto(self, inputs, outputs, name) -> onnx.ModelProto:
        """``inputs``/``outputs``: lists of (name, shape with None for free axes)."""
        def value_info(tensor, shape):
            return helper.make_tensor_value_info(tensor, self.tensor_dtype, ["N" if d is None else d for d in shape])

        graph = helper.make_graph(self.nodes, name, [value_info(*i) for i in inputs],
                                  [value_info(*o) for o in outputs], self.initializers)
        opsets = [helper.make_opsetid("", self.opset)]
        # The oldest IR version that carries this opset, so older runtimes can load the file.
        model = helper.make_model(graph, opset_imports=opsets, producer_name="layerwise",
                                  ir_version=helper.find_min_ir_version_for(opsets))
        onnx.checker.check_model(model, full_check=True)
        return model
