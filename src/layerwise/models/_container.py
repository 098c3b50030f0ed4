"""What every model built from layers shares: its weights, their loading and counting, the summary table."""

from layerwise.layers.base import Layer


class LayerContainer:
    """Weights and summary of a model, from its `layers` list (each layer once, even when shared)."""

    layers: list

    @property
    def prefers_all_cores(self):
        """Whether the model's passes run on all cores: when any of its layers prefers it (see `Layer`)."""
        return any(layer.prefers_all_cores for layer in self.layers)

    @property
    def weights(self):
        return [p for layer in self.layers for p in layer.weights]

    @property
    def trainable_weights(self):
        return [p for layer in self.layers for p in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        return [p for layer in self.layers for p in layer.non_trainable_weights]

    def get_weights(self):
        """Every layer's weight arrays, in Keras's order and shapes (Dense kernel (in, out))."""
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights):
        weights = list(weights)
        expected = sum(len(layer.weights) for layer in self.layers)
        if len(weights) != expected:
            raise ValueError(f"{self.name}.set_weights: expected {expected} arrays, received {len(weights)}")
        for layer in self.layers:
            count = len(layer.weights)
            layer.set_weights(weights[:count])
            weights = weights[count:]

    def count_params(self):
        return sum(layer.count_params() for layer in self.layers)

    def get_layer(self, name):
        """The layer called ``name``."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"{self.name}: no layer named {name!r}; layers are {[l.name for l in self.layers]}")

    def print_summary(self, rows, print_fn, connected=False):
        """Print Keras's table: (layer, output shape, parameter count[, connected to]) per row, then totals."""
        width = max(30, *(len(r[0]) + 2 for r in rows))
        last = max([len("Connected to")] + [len(r[3]) for r in rows]) + 2 if connected else 0

        def line(a, b, c, d=""):
            return (f" {a:<{width}}{b:<26}{c:>12}" + (f"  {d}" if connected else "")).rstrip()
        rule = "_" * (width + 39 + last)
        trainable = sum(p.value.size for p in self.trainable_weights)
        total = self.count_params()
        header = ("Layer (type)", "Output Shape", "Param #") + (("Connected to",) if connected else ())
        text = [f'Model: "{self.name}"', rule, line(*header), "=" * len(rule)]
        text += [line(*row) for row in rows]
        text += ["=" * len(rule), f"Total params: {total:,}", f"Trainable params: {trainable:,}",
                 f"Non-trainable params: {total - trainable:,}", rule]
        print_fn("\n".join(text))


def layer_title(layer: Layer) -> str:
    return f"{layer.name} ({type(layer).__name__})"
