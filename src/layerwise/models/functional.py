"""Model: the one graph engine, a directed acyclic graph of layer calls (Keras's ``Model(inputs, outputs)``).

A model is a layer: it can be called on arrays or on symbolic tensors, placed in another model to any depth
(sharing its weights with every other place it is used), frozen, saved and exported like any layer.
`Sequential` is a linear graph of this same engine.

Forward runs the call nodes in topological order, each through its own `Layer.new_call`, whose record
keeps what that node's backward needs; backward runs the records in reverse, summing the gradients of a
tensor that feeds several nodes (lecture 001's modular backpropagation on a graph: dJ/dx = sum over the
consumers c of x of dJ/dx through c). Masks flow along the graph's edges, from a layer's ``output_mask``
to the layers that `supports_masking`.
"""

import collections

import numpy as np

from layerwise.layers import serialization
from layerwise.layers.base import unique_name
from layerwise.layers.core.input_layer import InputLayer
from layerwise.layers.symbolic import SymbolicTensor, format_shape
from layerwise.models._summary import print_summary
from layerwise.models.model import Model
from layerwise.ops._lanes import on_all_cores
from layerwise.ops._workspace import Workspace, with_workspace


def _as_list(tensors, what):
    items = list(tensors) if isinstance(tensors, (list, tuple)) else [tensors]
    if not items or not all(isinstance(t, SymbolicTensor) for t in items):
        raise TypeError(f"Model: {what} must be symbolic tensors (from layerwise.Input and layer calls), "
                        f"received {tensors!r}")
    return items


def _topological_nodes(outputs):
    """Every call node the outputs depend on, each after the nodes that feed it (depth-first, no recursion)."""
    order, done, stack = [], set(), [(t.node, False) for t in reversed(outputs)]
    while stack:
        node, expanded = stack.pop()
        if node in done:
            continue
        if expanded:
            done.add(node)
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((t.node, False) for t in reversed(node.inputs) if t.node not in done)
    return order


def _unique(items):
    return list({id(item): item for item in items}.values())


class _GradientPlan:
    """Which nodes of a training pass run backward, and which of them must return dJ/dx.

    A node runs backward when its layer owns a trained parameter or one of its inputs depends on one
    (is "upstream"); it needs dJ/dx only in the second case. Layers below the lowest trained one
    (preprocessing, augmentation, a frozen base) are skipped.
    """

    def __init__(self, model, trained):
        upstream = {t: False for t in model.inputs}
        self.runs, self.input_gradient = {}, {}
        for node in model.nodes:
            feeds = any(upstream[t] for t in node.inputs)
            owns = any(p in trained for p in node.layer.used_weights)
            self.runs[node], self.input_gradient[node] = feeds or owns, feeds
            for tensor in node.outputs:
                upstream[tensor] = feeds or owns


class Functional(Model):
    """A model from symbolic inputs to symbolic outputs: any graph of layer calls (branches, merges, reuse,
    models inside models).

    Forward: x_t = f_t(x_{in(t)}) for each call node t in topological order. Backward, in reverse order:
    dJ/dx_s = sum_{t: s in in(t)} dJ/dx_s through f_t, so a tensor used twice (a residual shortcut) gets the
    sum of both paths; a layer used at several nodes accumulates dJ/dtheta from all of them (shared weights).

    Several inputs are passed (to calls, `fit`, `predict` ...) as a list of arrays, one per input; with
    several outputs a call and `predict` return a list, `backward` takes one dJ/dy per output (None for
    none), targets are a list, and the training loss is the sum of one loss per output (see `compile`).

    Args:
        inputs: a symbolic tensor from `layerwise.Input`, or a list of them.
        outputs: a symbolic tensor from layer calls on those inputs, or a list of them.
        name: the model's name.
        trainable: False freezes every layer of the model (see `Layer.trainable`).

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
        >>> features = layerwise.Model(model.input, h)   # a feature extractor sharing the weights
        >>> features.count_params()
        20

    References:
        Keras functional API (``keras.Model(inputs, outputs)``); lecture 001 (back propagation, residual
        connections); He et al., "Deep Residual Learning for Image Recognition", CVPR 2016.
    """

    def __init__(self, inputs, outputs, name=None, trainable=True):
        super().__init__(name=name or unique_name("functional"), trainable=trainable)
        self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs):
        self.single_input = not isinstance(inputs, (list, tuple))
        self.single_output = not isinstance(outputs, (list, tuple))
        self.inputs = _as_list(inputs, "inputs")
        self.outputs = _as_list(outputs, "outputs")
        for tensor in self.inputs:
            if not isinstance(tensor.layer, InputLayer):
                raise ValueError(f"Model '{self.name}': inputs must come from layerwise.Input, received {tensor!r}")
        order = _topological_nodes(self.outputs)
        input_nodes = {t.node for t in self.inputs}
        for node in order:
            if isinstance(node.layer, InputLayer) and node not in input_nodes:
                raise ValueError(f"Model '{self.name}': the outputs depend on input '{node.layer.name}', which "
                                 "is not among the model's inputs")
        self.nodes = [node for node in order if node not in input_nodes]
        self._layers = _unique([t.layer for t in self.inputs] + [node.layer for node in self.nodes])
        calls = {}
        for node in self.nodes:
            calls.setdefault(node.layer, []).append(node)
        self.node_index = {node: i for nodes in calls.values() for i, node in enumerate(nodes)}
        self.consumers = {t: 0 for node in order for t in node.outputs}
        for node in self.nodes:
            for tensor in node.inputs:
                self.consumers[tensor] += 1
        self.dtype = self.outputs[0].dtype
        self.input_spec = [t.shape[1:] for t in self.inputs]
        self.input_shape_hint = tuple(self.inputs[0].shape[1:]) if self.single_input else None
        self.built = True
        self._plans = {}
        #: The scratch buffers of this model's passes (and of the models nested in it), shared by its calls.
        self.workspace = Workspace()

    # ---- the model as a layer --------------------------------------------------------------------
    @property
    def layers(self):
        """The model's layers, each once (a nested model is one entry), in the order of their first call."""
        return list(self._layers)

    def sublayers(self):
        return self.layers

    @property
    def input_shape(self):
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if self.single_input else shapes

    @property
    def input(self):
        """The model's symbolic input (a list with several inputs), for building models from its tensors."""
        return self.inputs[0] if self.single_input else list(self.inputs)

    @property
    def output(self):
        """The model's symbolic output (a list with several outputs)."""
        return self.outputs[0] if self.single_output else list(self.outputs)

    def get_layer(self, name=None, index=None):
        """The layer called ``name``, or the one at position ``index`` of `layers` (Keras's get_layer)."""
        if (name is None) == (index is None):
            raise ValueError(f"{self.name}.get_layer: give exactly one of name and index, received "
                             f"name={name!r}, index={index!r}")
        layers = self.layers
        if index is not None:
            if not isinstance(index, int) or not -len(layers) <= index < len(layers):
                raise ValueError(f"{self.name}.get_layer: index {index!r} is out of range; the model has "
                                 f"{len(layers)} layers")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"{self.name}: no layer named {name!r}; layers are {[l.name for l in layers]}")

    @property
    def memory_bound(self):
        """Whether the model's passes run on all cores: when any of its layers prefers it (see `Layer`)."""
        return any(layer.memory_bound for layer in self.layers)

    @property
    def independent_batches(self):
        return super().independent_batches and all(layer.independent_batches for layer in self.layers)

    @property
    def weights(self):
        return _unique(p for layer in self.layers for p in layer.weights)

    def trainable_weights_where(self, is_trainable):
        if not is_trainable(self):
            return []
        return _unique(p for layer in self.layers for p in layer.trainable_weights_where(is_trainable))

    @property
    def non_trainable_weights(self):
        trainable = {id(p) for p in self.trainable_weights}
        return [p for p in self.weights if id(p) not in trainable]

    def count_params(self):
        return int(sum(p.value.size for p in self.weights))

    def set_weights(self, weights):
        """Load weight arrays in the order of `weights`, checking count and shapes."""
        weights, parameters = list(weights), self.weights
        if len(weights) != len(parameters):
            raise ValueError(f"{self.name}.set_weights: expected {len(parameters)} arrays, received {len(weights)}")
        for parameter, value in zip(parameters, weights):
            parameter.assign(value)

    def resolve_training(self, training):
        # A model hands "stochastic" on to its layers, which each decide what it means for them.
        if training == "stochastic":
            return training
        return super().resolve_training(training)

    def prepare_input(self, x):
        """Cast each input array to its input's dtype, build on first use, and check the shapes."""
        arrays = [x] if self.single_input else x
        if not isinstance(arrays, (list, tuple)) or len(arrays) != len(self.inputs):
            raise ValueError(f"Model '{self.name}' expects {len(self.inputs)} input arrays, received "
                             f"{len(arrays) if isinstance(arrays, (list, tuple)) else type(x).__name__}")
        arrays = [np.asarray(a) for a in arrays]
        arrays = [a if a.dtype == t.dtype else a.astype(t.dtype) for a, t in zip(arrays, self.inputs)]
        self.check_input(arrays[0] if self.single_input else arrays)
        return arrays[0] if self.single_input else arrays

    def build_for(self, input_shape):
        self.check_input(_ShapeOnly.wrap(input_shape, self.single_input))

    def build(self, input_shape):
        """Check that data of ``input_shape`` fits the model's inputs (the graph is built by its calls)."""
        self.build_for(input_shape)

    def check_input(self, x):
        """Raise a ValueError naming the model and both shapes unless x fits the model's inputs."""
        received = [x] if self.single_input else x
        expected = [t.shape for t in self.inputs]
        if not isinstance(received, (list, tuple)) or len(received) != len(expected) or any(
                r.ndim != len(e) or any(a is not None and a != b for a, b in zip(e[1:], r.shape[1:]))
                for r, e in zip(received, expected)):
            shapes = [tuple(r.shape) for r in received] if isinstance(received, (list, tuple)) else received
            raise ValueError(f"Model '{self.name}' expected input of shape "
                             f"{', '.join(format_shape(e) for e in expected)}, received "
                             f"{', '.join(format_shape(s) for s in shapes) if isinstance(shapes, list) else shapes}")

    def compute_output_shape(self, input_shape):
        self.build_for(input_shape)
        batch = (input_shape if self.single_input else input_shape[0])[0]
        shapes = [(batch,) + tuple(t.shape[1:]) for t in self.outputs]
        return shapes[0] if self.single_output else shapes

    # ---- the executor ----------------------------------------------------------------------------
    def _plan(self, trained):
        trained = frozenset(self.trainable_weights if trained is None else trained)
        plan = self._plans.get(trained)
        if plan is None:
            plan = self._plans[trained] = _GradientPlan(self, trained)
        return plan

    @on_all_cores
    @with_workspace
    def forward(self, inputs, training=False, mask=None, trained=None, previous=None):
        """Run every call node in topological order; return the output (or the list of outputs).

        Args:
            inputs: the input array, or the list of them.
            training: the mode of the layers (a node called with a fixed ``training`` keeps its own).
            mask: a mask of the (single) input's valid steps.
            trained: the parameters a training step will update (default: the trainable weights); when
                no dJ/dx of the input is wanted, only the nodes that lead to them run backward.
            previous: the last training step's call of this model, whose record of each node is released
                just before this pass runs the node, so that the node's new arrays take the memory of its old
                ones. Released all at once at the end of a step, the records' arrays went back to the system and
                the next step faulted their pages in again (2.4x the page faults, a ResNet-20 step 20% slower);
                released just after the node ran, each node's new arrays came on top of its old ones, and the
                allocator's heap grew (training the lectures' CNN: 84 MiB of resident memory, 67 MiB now).
        """
        arrays = [inputs] if self.single_input else list(inputs)
        values = dict(zip(self.inputs, arrays))
        masks = {self.inputs[0]: mask} if mask is not None else {}
        self.input_batch_shapes = [a.shape for a in arrays]
        self.plan = None if self.needs_input_gradient else self._plan(trained)
        self.calls = []
        released = previous.calls if previous is not None and previous.nodes is self.nodes else None
        for index, node in enumerate(self.nodes):
            arguments = [values[t] for t in node.inputs]
            options = {}
            if isinstance(node.layer, Functional):
                options.update(trained=trained, previous=released[index] if released else None)
            if released:
                released[index] = None
            node_mask = None if node.list_call else masks.get(node.inputs[0])
            if node_mask is not None and getattr(node.layer, "supports_masking", False):
                options["mask"] = node_mask
            call = node.layer.new_call()
            result = call(arguments if node.list_call else arguments[0],
                          training=training if node.training is None else node.training,
                          input_gradient=self.plan is None or self.plan.input_gradient[node], **options,
                          **node.arguments)
            output_mask = getattr(call, "output_mask", None)
            for tensor, value in zip(node.outputs, [result] if node.single_output else result):
                values[tensor] = value
                if output_mask is not None:
                    masks[tensor] = output_mask
            self.calls.append(call)
        self.activity_penalty = sum(call.activity_penalty for call in self.calls)
        self.added_loss = sum(call.added_loss for call in self.calls)
        self.output_mask = masks.get(self.outputs[0])
        outputs = [values[t] for t in self.outputs]
        return outputs[0] if self.single_output else outputs

    def call(self, inputs, training=None, mask=None):
        """Keras's ``model.call``: the forward pass on arrays."""
        return self(inputs, training=training, mask=mask)

    def layer_outputs(self, x, select=None):
        """{layer: [its output on ``x`` at each of its calls]} in inference mode, for each layer (not a model)
        where ``select(layer)`` is true (every layer when None), nested models included.

        The graph is read by a model of its own, ``Model(self.input, [the tensors wanted])``, which shares the
        layers and their weights and runs through the same executor (no state of this model touched). A nested
        model's node contributes the inputs it receives, on which its own graph is read the same way, so a
        layer is found at any depth and once per call. Layers inside wrappers (`TimeDistributed`,
        `Bidirectional`) are not graph nodes and are not read.
        """
        found = {}
        self._read_layer_outputs(x, False, select or (lambda layer: True), found)
        return found

    def _read_layer_outputs(self, inputs, training, select, found):
        wanted = {}
        for node in self.nodes:
            if isinstance(node.layer, Functional):
                wanted.update((id(tensor), tensor) for tensor in node.inputs)
            elif select(node.layer):
                wanted[id(node.outputs[0])] = node.outputs[0]
        if not wanted:
            return
        reader = Model(self.input, list(wanted.values()), name=f"{self.name}_probe")
        values = dict(zip(wanted, reader(inputs, training=training)))
        for node in self.nodes:
            if isinstance(node.layer, Functional):
                arguments = [values[id(tensor)] for tensor in node.inputs]
                node.layer._read_layer_outputs(arguments if node.list_call else arguments[0],
                                               training if node.training is None else node.training, select, found)
            elif select(node.layer):
                found.setdefault(node.layer, []).append(values[id(node.outputs[0])])

    @property
    def output_activation(self):
        """The output node's activation, which a loss may fuse with, when the single output feeds no other
        node and carries no activity penalty; else None."""
        if len(self.outputs) != 1 or self.consumers[self.outputs[0]]:
            return None
        node = self.outputs[0].node
        if not node.single_output or getattr(node.layer, "activity_regularizer", None) is not None:
            return None
        return node.layer.output_activation

    def backward(self, dy):
        """dJ/dy of the output (a list: one per output) in, dJ/dx of the input (list: per input) out; None
        when the call was made with ``input_gradient=False``."""
        return self._backward(dy, False)

    def backward_preactivation(self, dz):
        """Backward from the gradient before the output node's `output_activation` (fused losses)."""
        return self._backward(dz, True)

    @on_all_cores
    @with_workspace
    def _backward(self, dy, fused_output):
        pending = {}

        def accumulate(tensor, gradient):
            # A gradient array may be shared (Add hands the same dy to every branch): add into it only
            # once this model owns it.
            if gradient is None:
                return
            if tensor not in pending:
                pending[tensor] = [gradient, False]
            elif pending[tensor][1]:
                pending[tensor][0] += gradient
            else:
                pending[tensor] = [pending[tensor][0] + gradient, True]

        for tensor, gradient in zip(self.outputs, [dy] if self.single_output else dy, strict=True):
            accumulate(tensor, gradient)
        for node, call in zip(reversed(self.nodes), reversed(self.calls)):
            if self.plan is not None and not self.plan.runs[node]:
                continue
            gradients = [pending.pop(t, [None])[0] for t in node.outputs]
            if all(g is None for g in gradients):
                continue
            if not node.single_output:
                dx = call.backward(gradients)
            elif fused_output and node is self.outputs[0].node:
                dx = call.backward_preactivation(gradients[0])
            else:
                dx = call.backward(call.activity_backward(gradients[0]))
            if call.needs_input_gradient:
                for tensor, dx_tensor in zip(node.inputs, dx if node.list_call else [dx]):
                    accumulate(tensor, dx_tensor)
        if not self.needs_input_gradient:
            return None
        dxs = [pending[t][0] if t in pending else np.zeros(shape, t.dtype)
               for t, shape in zip(self.inputs, self.input_batch_shapes)]
        return dxs[0] if self.single_input else dxs

    # ---- inspection and serialization ----------------------------------------------------------
    def _reference(self, tensor):
        return [tensor.layer.name, self.node_index.get(tensor.node, 0), tensor.index]

    def summary(self, print_fn=print, expand_nested=False):
        """Print the layer table with Keras's "Connected to" column (``layer[node][tensor]`` per input);
        with ``expand_nested``, the rows of nested models follow their model's row, indented."""
        print_summary(self, print_fn, expand_nested)

    def summary_rows(self):
        """(layer, output shape, connected to) per layer of the table."""
        rows = []
        for layer in self.layers:
            nodes = [t.node for t in self.inputs if t.layer is layer] + [n for n in self.nodes if n.layer is layer]
            sources = ", ".join(f"{name}[{node}][{index}]" for n in nodes for name, node, index in
                                map(self._reference, n.inputs))
            shape = nodes[0].outputs[0].shape if nodes[0].single_output else [t.shape for t in nodes[0].outputs]
            rows.append((layer, shape, sources))
        return rows

    def get_config(self):
        """Layers with their call nodes (``[layer_name, node_index, tensor_index]`` per input) and the
        model's ends."""
        nodes_of = collections.defaultdict(list)
        for node in self.nodes:
            nodes_of[id(node.layer)].append(node)
        layers = []
        for layer in self.layers:
            nodes = nodes_of[id(layer)]
            layers.append({**serialization.serialize(layer), "name": layer.name, "inbound_nodes": [
                {"args": [self._reference(t) for t in n.inputs], "list": n.list_call,
                 **({} if n.training is None else {"training": n.training}),
                 **({"kwargs": n.arguments} if n.arguments else {})} for n in nodes]})
        return {"name": self.name, "trainable": self.trainable, "layers": layers,
                "input_layers": [self._reference(t) for t in self.inputs],
                "output_layers": [self._reference(t) for t in self.outputs],
                "single_input": self.single_input, "single_output": self.single_output}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild the graph: create each layer, then replay its calls once their inputs exist."""
        layers, results, calls = {}, {}, []
        with serialization.loading_scope():  # a layer may refer to one loaded before it (a tied decoder)
            for entry in config["layers"]:
                layers[entry["name"]] = serialization.deserialize(entry, custom_objects)
        for entry in config["layers"]:
            layer = layers[entry["name"]]
            if isinstance(layer, InputLayer):
                results[(layer.name, 0)] = [layer.output]
            calls += [(entry["name"], index, node) for index, node in enumerate(entry["inbound_nodes"])]

        def tensor(reference):
            name, node, index = reference
            return results[(name, node)][index]
        # Kahn's algorithm: a call runs once its inputs and the layer's previous call exist, so a graph of
        # any depth and any order of the config loads in linear time.
        unmet, dependents, ready = [], collections.defaultdict(list), collections.deque()
        for position, (name, index, node) in enumerate(calls):
            needs = {(source, source_node) for source, source_node, _ in node["args"]}
            needs |= {(name, index - 1)} if index else set()
            needs -= results.keys()
            unmet.append(len(needs))
            for key in needs:
                dependents[key].append(position)
            if not needs:
                ready.append(position)
        while ready:
            name, index, node = calls[ready.popleft()]
            arguments = [tensor(reference) for reference in node["args"]]
            result = layers[name](arguments if node["list"] else arguments[0], training=node.get("training"),
                                  **node.get("kwargs", {}))
            results[(name, index)] = result if isinstance(result, list) else [result]
            for position in dependents.pop((name, index), ()):
                unmet[position] -= 1
                if not unmet[position]:
                    ready.append(position)
        never = sorted({calls[position][0] for position, count in enumerate(unmet) if count})
        if never:
            raise ValueError(f"Model config '{config['name']}': the call nodes of {never} have inputs that "
                             "never appear")
        inputs = [tensor(reference) for reference in config["input_layers"]]
        outputs = [tensor(reference) for reference in config["output_layers"]]
        model = cls(inputs[0] if config["single_input"] else inputs,
                    outputs[0] if config["single_output"] else outputs, name=config["name"])
        model._trainable = config.get("trainable", True)
        return model


Model.functional_class = Functional


class _ShapeOnly:
    """A shape where `check_input` reads an array's ``shape`` and ``ndim``."""

    def __init__(self, shape):
        self.shape, self.ndim = tuple(shape), len(shape)

    @staticmethod
    def wrap(input_shape, single):
        return _ShapeOnly(input_shape) if single else [_ShapeOnly(s) for s in input_shape]
