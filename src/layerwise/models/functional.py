"""Model: the functional API, a directed acyclic graph of layer calls (Keras's ``Model(inputs, outputs)``).

Forward runs the call nodes in topological order; backward runs them in reverse, summing the gradients of a
tensor that feeds several nodes (lecture 001's modular backpropagation on a graph: dJ/dx = sum over the
consumers c of x of dJ/dx through c).

Shared layers. A layer keeps what its backward pass needs in named attributes set by `forward`, so a layer
called at k > 1 nodes would see them overwritten by its last call. The model therefore snapshots the
layer's attribute dict after each of its calls and restores that node's snapshot before the node's
backward step. Snapshots are shallow (references to the arrays forward created), which holds because
layers allocate fresh arrays in forward rather than reusing buffers across calls.
"""

import numpy as np

from layerwise.layers import serialization
from layerwise.layers.base import format_shape, unique_name
from layerwise.layers.core.input_layer import InputLayer
from layerwise.layers.symbolic import SymbolicTensor
from layerwise.models._container import LayerContainer, layer_title
from layerwise.models._multi_io import OutputLosses, SampleArrays
from layerwise.models.trainer import Trainer, _check_finite
from layerwise.ops._lanes import on_all_cores


def _as_list(tensors, what):
    items = list(tensors) if isinstance(tensors, (list, tuple)) else [tensors]
    if not items or not all(isinstance(t, SymbolicTensor) for t in items):
        raise TypeError(f"Model: {what} must be symbolic tensors (from layerwise.Input and layer calls), "
                        f"received {tensors!r}")
    return items


def _topological_nodes(outputs):
    """Every tensor the outputs depend on, each after its inputs (depth-first, without recursion)."""
    order, done, stack = [], set(), [(t, False) for t in reversed(outputs)]
    while stack:
        tensor, expanded = stack.pop()
        if tensor in done:
            continue
        if expanded:
            done.add(tensor)
            order.append(tensor)
            continue
        stack.append((tensor, True))
        stack.extend((t, False) for t in reversed(tensor.inputs) if t not in done)
    return order


class Model(LayerContainer, Trainer):
    """A model from symbolic inputs to symbolic outputs: any graph of layer calls (branches, merges, reuse).

    Forward: x_t = f_t(x_{in(t)}) for each call node t in topological order. Backward, in reverse order:
    dJ/dx_s = sum_{t: s in in(t)} dJ/dx_s through f_t, so a tensor used twice (a residual shortcut) gets the
    sum of both paths; a layer used at several nodes accumulates dJ/dtheta from all of them (shared weights).

    Several inputs are passed (to `call`, `fit`, `predict` ...) as a list of arrays, one per input; with
    several outputs `call` and `predict` return a list, `backward` takes one dJ/dy per output, targets are a
    list, and the training loss is the sum of one loss per output (see `compile`).

    Args:
        inputs: a symbolic tensor from `layerwise.Input`, or a list of them.
        outputs: a symbolic tensor from layer calls on those inputs, or a list of them.
        name: the model's name.

    Example:
        >>> import layerwise
        >>> from layerwise.layers import Add, Dense
        >>> x = layerwise.Input(shape=(4,))
        >>> h = Dense(4, activation="relu")(x)
        >>> y = Dense(2, activation="softmax")(Add()([x, h]))
        >>> model = layerwise.Model(x, y)
        >>> model.compute_output_shape((None, 4))
        (None, 2)
        >>> model.count_params()
        30

    References:
        Keras functional API (``keras.Model(inputs, outputs)``); lecture 001 (back propagation, residual
        connections); He et al., "Deep Residual Learning for Image Recognition", CVPR 2016.
    """

    def __init__(self, inputs, outputs, name=None):
        self.name = name or unique_name("functional")
        self.single_input = not isinstance(inputs, (list, tuple))
        self.single_output = not isinstance(outputs, (list, tuple))
        self.inputs = _as_list(inputs, "inputs")
        self.outputs = _as_list(outputs, "outputs")
        for tensor in self.inputs:
            if not isinstance(tensor.layer, InputLayer):
                raise ValueError(f"Model '{self.name}': inputs must come from layerwise.Input, received {tensor!r}")
        order = _topological_nodes(self.outputs)
        for tensor in order:
            if isinstance(tensor.layer, InputLayer) and tensor not in self.inputs:
                raise ValueError(f"Model '{self.name}': the outputs depend on input '{tensor.layer.name}', which "
                                 "is not among the model's inputs")
        self.nodes = [t for t in order if t not in self.inputs]
        self.layers = [t.layer for t in self.inputs]
        for node in self.nodes:
            if node.layer not in self.layers:
                self.layers.append(node.layer)
        calls = {}
        for node in self.nodes:
            calls.setdefault(node.layer, []).append(node)
        self.node_index = {node: i for nodes in calls.values() for i, node in enumerate(nodes)}
        self.shared_layers = {layer for layer, nodes in calls.items() if len(nodes) > 1}
        self.consumers = {t: 0 for t in order}
        for node in self.nodes:
            for tensor in node.inputs:
                self.consumers[tensor] += 1
        self.node_states = {}

    # ---- the Trainer interface -----------------------------------------------------------------
    @property
    def input_shape(self):
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if self.single_input else shapes

    @property
    def output_layer(self):
        return self.outputs[0].layer

    @property
    def built(self):
        return True

    @property
    def fuses_loss_gradient(self) -> bool:
        """The fused loss gradient applies only when the single output feeds no other node."""
        return len(self.outputs) == 1 and self.consumers[self.outputs[0]] == 0 and super().fuses_loss_gradient

    def build(self, input_shape):
        """Check that data of ``input_shape`` fits the model's inputs (the graph is built by its calls)."""
        shapes = [input_shape] if self.single_input else list(input_shape)
        expected = [t.shape for t in self.inputs]
        if len(shapes) != len(expected) or any(tuple(s[1:]) != tuple(e[1:]) for s, e in zip(shapes, expected)):
            raise ValueError(f"Model '{self.name}' expected input of shape "
                             f"{', '.join(format_shape(e) for e in expected)}, received "
                             f"{', '.join(format_shape((None,) + tuple(s[1:])) for s in shapes)}")

    def compute_output_shape(self, input_shape):
        self.build(input_shape)
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if self.single_output else shapes

    @on_all_cores
    def call(self, x, training=False):
        """Run every call node in topological order; return the output (or the list of outputs)."""
        arrays = [x] if self.single_input else list(x)
        if len(arrays) != len(self.inputs):
            raise ValueError(f"Model '{self.name}' expects {len(self.inputs)} input arrays, received {len(arrays)}")
        values = {t: t.layer(a) for t, a in zip(self.inputs, arrays)}
        self.input_batch_shapes = [values[t].shape for t in self.inputs]
        self.node_states = {}
        self.node_penalties = []
        for node in self.nodes:
            arguments = [values[t] for t in node.inputs]
            values[node] = node.layer(arguments if node.list_call else arguments[0], training=training)
            self.node_penalties.append(node.layer.activity_penalty)
            if node.layer in self.shared_layers:
                self.node_states[node] = dict(vars(node.layer))
        outputs = [values[t] for t in self.outputs]
        return outputs[0] if self.single_output else outputs

    __call__ = call

    @property
    def activity_penalty(self) -> float:
        """The activity penalties of the last forward pass, one per call node (a shared layer's count per call)."""
        return sum(getattr(self, "node_penalties", ()))

    def backward(self, dy, input_gradient=True):
        """dJ/dy of the output (a list: one per output) in, dJ/dx of the input (list: per input) out.

        With ``input_gradient=False`` (training) nodes with no trainable weights at or before them are
        skipped, nodes fed only by such nodes skip computing dJ/dx, and None is returned.
        """
        return self._backward([dy] if self.single_output else list(dy), False, input_gradient)

    def backward_preactivation(self, dz, input_gradient=True):
        """Backward from the gradient before the output layer's activation (fused losses, one output)."""
        return self._backward([dz], True, input_gradient)

    def _trainable_upstream(self):
        """Per tensor: whether a trainable weight lies at or before it (its gradient is needed to train)."""
        upstream = {t: False for t in self.inputs}
        for node in self.nodes:
            upstream[node] = bool(node.layer.trainable_weights) or any(upstream[t] for t in node.inputs)
        return upstream

    @on_all_cores
    def _backward(self, gradients, fused_output, input_gradient):
        if len(gradients) != len(self.outputs):
            raise ValueError(f"Model '{self.name}' has {len(self.outputs)} outputs, received {len(gradients)} "
                             "output gradients")
        pending = {}

        def accumulate(tensor, gradient):
            # A gradient array may be shared (Add hands the same dy to every branch): add into it only
            # once this model owns it.
            if tensor not in pending:
                pending[tensor] = [gradient, False]
            elif pending[tensor][1]:
                pending[tensor][0] += gradient
            else:
                pending[tensor] = [pending[tensor][0] + gradient, True]

        for tensor, gradient in zip(self.outputs, gradients):
            accumulate(tensor, gradient)
        upstream = None if input_gradient else self._trainable_upstream()
        for node in reversed(self.nodes):
            if upstream is not None and not upstream[node]:
                continue
            gradient = pending.pop(node)[0]
            if node in self.node_states:
                vars(node.layer).update(self.node_states[node])
            if fused_output and node is self.outputs[0]:
                backward = node.layer.backward_preactivation
            else:
                backward, gradient = node.layer.backward, node.layer.activity_backward(gradient)
            if upstream is not None and not any(upstream[t] for t in node.inputs):
                node.layer.needs_input_gradient = False
                try:
                    backward(gradient)
                finally:
                    node.layer.needs_input_gradient = True
                continue
            dx = backward(gradient)
            for tensor, dx_tensor in zip(node.inputs, dx if node.list_call else [dx]):
                accumulate(tensor, dx_tensor)
        if not input_gradient:
            return None
        dxs = [pending[t][0] if t in pending else np.zeros(shape, t.dtype)
               for t, shape in zip(self.inputs, self.input_batch_shapes)]
        return dxs[0] if self.single_input else dxs

    # ---- training with several inputs or outputs -----------------------------------------------
    @property
    def multi_io(self):
        return not (self.single_input and self.single_output)

    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Configure training; with several outputs the loss is the sum of one loss per output.

        Args:
            optimizer: a name or an Optimizer.
            loss: a loss, or with several outputs a list of one loss per output (one loss alone is
                applied to every output); the training loss is J = sum_k J_k(y_k, p_k).
            metrics: a list of metrics (models of one output only).
        """
        if len(self.outputs) > 1:
            if metrics:
                raise ValueError(f"{self.name}.compile: metrics need a model of one output, this one has "
                                 f"{len(self.outputs)}")
            losses = list(loss) if isinstance(loss, (list, tuple)) else [loss] * len(self.outputs)
            if len(losses) != len(self.outputs) or any(item is None for item in losses):
                raise ValueError(f"{self.name}.compile: give one loss per output ({len(self.outputs)}), "
                                 f"received {loss!r}")
            loss = OutputLosses(losses)
        super().compile(optimizer, loss, metrics)

    def _sample_arrays(self, data, single, what, where):
        return SampleArrays([data] if single else data, what, where)

    def _prepare(self, x, y, where, targets=True):
        if not self.multi_io:
            return super()._prepare(x, y, where, targets)
        x = self._sample_arrays(x, self.single_input, "x", where)
        shapes = [(None,) + a.shape[1:] for a in x]
        self.build(shapes[0] if self.single_input else shapes)
        for array in x:
            _check_finite(array, "x", where)
        x = x.arrays[0] if self.single_input else x
        if not targets:
            return x, None
        if y is None:
            raise ValueError(f"{where}: targets y are required")
        y = self._sample_arrays(y, self.single_output, "y", where)
        if len(x) != len(y):
            raise ValueError(f"{where}: x has {len(x)} samples but y has {len(y)}; they must match")
        losses = [self.loss] if self.single_output else self.loss.losses
        targets = [self._prepare_targets(t, loss, o.shape, where) for t, loss, o in zip(y, losses, self.outputs)]
        if self._metrics is None:
            self._metrics = []
        return x, (targets[0] if self.single_output else SampleArrays(targets, "y", where))

    def _cast(self, batch):
        return batch.astype(self.dtype, copy=False) if isinstance(batch, SampleArrays) else super()._cast(batch)

    def predict(self, x, batch_size=None, verbose="auto", callbacks=None, steps=None, mc_samples=None):
        """The outputs for every sample in inference mode (a list with several outputs); see `Trainer.predict`."""
        if not self.multi_io:
            return super().predict(x, batch_size, verbose, callbacks, steps, mc_samples)
        if mc_samples is not None:
            raise ValueError(f"{self.name}.predict: mc_samples needs a model of one input and one output")
        source, convert = self._batches(x, None, batch_size, False, steps, "predict", targets=False)
        callback_list, _ = self._callbacks(callbacks, 0)
        callback_list.on_predict_begin()
        batches = []
        for step, (x_batch, _) in enumerate(source.epoch()):
            callback_list.on_predict_batch_begin(step)
            batches.append(self.call(convert(x_batch, None)[0], training=False))
            callback_list.on_predict_batch_end(step)
        callback_list.on_predict_end()
        if self.single_output:
            return np.concatenate(batches)
        return [np.concatenate([batch[k] for batch in batches]) for k in range(len(self.outputs))]

    # ---- inspection and serialization ----------------------------------------------------------
    def _reference(self, tensor):
        return [tensor.layer.name, self.node_index.get(tensor, 0), 0]

    def summary(self, print_fn=print):
        """Print the layer table with Keras's "Connected to" column (``layer[node][tensor]`` per input)."""
        rows = []
        for layer in self.layers:
            nodes = [t for t in self.inputs if t.layer is layer] + [n for n in self.nodes if n.layer is layer]
            sources = ", ".join(f"{name}[{node}][{index}]" for n in nodes for name, node, index in
                                map(self._reference, n.inputs))
            rows.append((layer_title(layer), format_shape(nodes[0].shape), f"{layer.count_params():,}", sources))
        self.print_summary(rows, print_fn, connected=True)

    def get_config(self):
        """Layers with their call nodes (``[layer_name, node_index, 0]`` per input) and the model's ends."""
        layers = []
        for layer in self.layers:
            nodes = [n for n in self.nodes if n.layer is layer]
            layers.append({**serialization.serialize(layer), "name": layer.name, "inbound_nodes": [
                {"args": [self._reference(t) for t in n.inputs], "list": n.list_call} for n in nodes]})
        return {"name": self.name, "layers": layers,
                "input_layers": [self._reference(t) for t in self.inputs],
                "output_layers": [self._reference(t) for t in self.outputs],
                "single_input": self.single_input, "single_output": self.single_output}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild the graph: create each layer, then replay its calls once their inputs exist."""
        layers, tensors, waiting = {}, {}, []
        for entry in config["layers"]:
            layer = serialization.deserialize(entry, custom_objects)
            layers[entry["name"]] = layer
            if isinstance(layer, InputLayer):
                tensors[(layer.name, 0)] = layer.output
            waiting += [(entry["name"], index, node) for index, node in enumerate(entry["inbound_nodes"])]
        while waiting:
            ready = [w for w in waiting if all((name, node) in tensors for name, node, _ in w[2]["args"])
                     and (w[1] == 0 or (w[0], w[1] - 1) in tensors)]
            if not ready:
                raise ValueError(f"Model config '{config['name']}': the call nodes of "
                                 f"{sorted({w[0] for w in waiting})} have inputs that never appear")
            for name, index, node in ready:
                arguments = [tensors[(source, at)] for source, at, _ in node["args"]]
                tensors[(name, index)] = layers[name](arguments if node["list"] else arguments[0])
                waiting.remove((name, index, node))
        inputs = [tensors[(name, node)] for name, node, _ in config["input_layers"]]
        outputs = [tensors[(name, node)] for name, node, _ in config["output_layers"]]
        return cls(inputs[0] if config["single_input"] else inputs,
                   outputs[0] if config["single_output"] else outputs, name=config["name"])
