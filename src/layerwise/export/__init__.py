"""Export to ONNX: ``layerwise.export.to_onnx(model, path, opset=17)`` (needs the ``onnx`` extra).

The exported graph has one input, ``input``, of shape ``(N, *model.input_shape[1:])`` with a
symbolic batch axis ``N``, and one output, ``output``, in the model's float dtype; it computes
`predict` (inference mode). The default opset is 17 (ONNX 1.12, onnxruntime >= 1.12); any opset
from 13 (the first with single-axis Softmax) to the installed onnx's newest may be asked for.
A float64 model exports in float64; the file is valid ONNX, but onnxruntime's CPU kernels lack
double precision for a few operators (Elu, for one), so export float32 models for onnxruntime.

Every exporter lives in this package, registered by class, one per class (a second registration
for the same class raises a ValueError): `layerwise.export.activations` for the activation
functions, `layerwise.export.layers` with one module per layer family (``layers/core.py``,
``layers/convolutional.py`` ...) and `layerwise.export.models` for Sequential and the functional
Model. `to_onnx` imports them on its first call, so importing layerwise imports no ONNX.

Extension point (for your own layers and models): register an exporter for the class; registering
imports no ONNX, so it costs nothing at import time::

    from layerwise.export import onnx_exporter

    @onnx_exporter(MyConv2D)
    def _export_my_conv2d(layer, graph, x):
        w = graph.constant(layer.kernel.value.transpose(3, 2, 0, 1), f"{layer.name}/kernel")
        y = graph.node("Conv", [x, w], strides=list(layer.strides))
        return graph.activation(layer.activation, y, hint=layer.name)

- ``layer`` is the built layer; ``x`` is the name of its input tensor (a list of names for layers
  with several inputs, e.g. merges); the function returns the name of its output tensor. A layer
  with `symbolic_call_arguments` also receives, as keywords, those its graph node fixed.
- ``graph`` (`layerwise.export.onnx_graph.OnnxGraph`) offers ``node(op_type, inputs, hint=None,
  **attributes) -> name``, ``constant(array, hint, dtype=None) -> name`` (an initializer in the
  model's dtype), ``activation(activation_function, x, hint)`` for ``activation=`` arguments,
  ``layer(sublayer, x)`` to export a nested layer or model, ``fresh(hint)``, ``dtype``, ``opset``
  and ``tensor_dtype``.
- A subclass uses its nearest registered base class's exporter unless it registers its own.
- A model class registers the same way: its exporter walks its layers with ``graph.layer`` (see
  the Sequential exporter in `layerwise.export.models`); a functional model walks its graph.
- Activation functions register with ``@activation_exporter("name")``:
  ``function(graph, x, hint, **kwargs) -> name``.

- ``graph.reduce(op_type, x, axes, keepdims=False)`` writes a Reduce* node in the form the opset
  wants (axes as attribute or as input).
- ``graph.channels_first(op_type, x, extra_inputs, spatial_rank, hint, **attributes)`` runs an
  NCHW operator (Conv, MaxPool ...) on a channels-last tensor; `layerwise.export.spatial` turns a
  layer's `ConvGeometry` into explicit ``strides``/``pads``/``dilations``.
- ``graph.mask_source``: the name of the layer whose step mask flows (set by the Masking and
  Embedding(mask_zero=True) exporters); a mask consumer that cannot honour it refuses.
- A layer whose inference cannot be expressed deterministically (DropConnect's Gaussian moment
  matching, which averages random draws) raises `layerwise.errors.ExportError` from its exporter,
  naming the layer and the reason.

Every layer type exported is checked against onnxruntime in tests/export/test_onnx.py (one row per
layer in its table; rows whose export must be refused are listed there with the expected reason).
A layer or activation without an exporter raises `layerwise.errors.ExportError` (a
NotImplementedError) naming it.
"""

import os

from layerwise.export.registry import activation_exporter, onnx_exporter

DEFAULT_OPSET = 17
MIN_OPSET = 13


def to_onnx(model, path=None, opset=DEFAULT_OPSET):
    """Export a built model to ONNX, writing ``path`` atomically when given; returns the ModelProto.

    Args:
        model: a built model (it must know its input shape).
        path: where to write the ``.onnx`` file, or None to only return the model.
        opset: the ONNX opset version (default 17; 13 up to the installed onnx's newest).

    Raises:
        ImportError: onnx is not installed (``pip install layerwise[onnx]``).
        layerwise.errors.ExportError: (a NotImplementedError) a layer or activation has no exporter,
            or its inference cannot be exported; the message names it and says why.
        ValueError: the model is not built, or the opset is unsupported.

    Example:
        relu(x I + 1) of x = [1, -2] is [2, 0], in layerwise and in the exported file:

        >>> import os, tempfile
        >>> import numpy as np
        >>> import onnx
        >>> import layerwise
        >>> from onnx.reference import ReferenceEvaluator
        >>> dense = layerwise.layers.Dense(2, activation="relu", kernel_initializer="identity",
        ...                                bias_initializer="ones")
        >>> model = layerwise.Sequential([layerwise.Input((2,)), dense])
        >>> x = np.array([[1.0, -2.0]], "float32")
        >>> model.predict(x, verbose=0).tolist()
        [[2.0, 0.0]]
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     path = os.path.join(directory, "model.onnx")
        ...     _ = to_onnx(model, path)
        ...     proto = onnx.load(path)
        >>> [node.op_type for node in proto.graph.node], proto.opset_import[0].version
        (['MatMul', 'Add', 'Relu', 'Identity'], 17)
        >>> ReferenceEvaluator(proto).run(None, {"input": x})[0].tolist()
        [[2.0, 0.0]]
    """
    try:
        import onnx
    except ImportError as error:
        raise ImportError("to_onnx needs the onnx package: pip install 'layerwise[onnx]'") from error
    from layerwise.export import activations, layers, models  # noqa: F401  (registers the exporters)
    from layerwise.export.onnx_graph import OnnxGraph
    from layerwise.saving.atomic import atomic_write

    newest = onnx.defs.onnx_opset_version()
    if not isinstance(opset, int) or not MIN_OPSET <= opset <= newest:
        raise ValueError(f"to_onnx: opset must be an integer from {MIN_OPSET} to {newest}, received {opset!r}")
    input_shape = getattr(model, "input_shape", None)
    if input_shape is None or not model.built:
        raise ValueError(f"to_onnx: model '{model.name}' is not built; give it an Input or call it on data")
    graph = OnnxGraph(model.dtype, opset)
    output = graph.node("Identity", graph.layer(model, graph.fresh("input")), hint="output")
    proto = graph.model_proto([("input", input_shape)], [(output, model.compute_output_shape(input_shape))],
                              model.name)
    if path is not None:
        with atomic_write(os.fspath(path)) as file:
            file.write(proto.SerializeToString())
    return proto


__all__ = ["DEFAULT_OPSET", "activation_exporter", "onnx_exporter", "to_onnx"]
