"""Keras's model summary table: one row per layer (a nested model is one row, or its rows with expand_nested)."""

from layerwise.layers.symbolic import format_shape


def _rows(model, expand_nested, depth):
    rows = []
    for layer, shape, sources in model.summary_rows():
        # A subclassed model's layer not yet called has no known shape: "?", as Keras prints.
        shape = ("?" if shape is None else ", ".join(map(format_shape, shape)) if isinstance(shape, list)
                 else format_shape(shape))
        title = "  " * depth + f"{layer.name} ({type(layer).__name__})"
        rows.append((title, shape, f"{layer.count_params():,}", sources or ""))
        if expand_nested and hasattr(layer, "summary_rows"):
            rows += _rows(layer, expand_nested, depth + 1)
    return rows


def print_summary(model, print_fn=print, expand_nested=False):
    """Print (layer, output shape, parameter count[, connected to]) per row, then the parameter totals.

    The "Connected to" column appears for functional models; trainable parameters count each shared
    weight once, and a frozen layer's weights count as non-trainable.
    """
    # Functional models list each layer's sources; a Sequential's rows have none (its order says it).
    connected = any(sources is not None for _, _, sources in model.summary_rows())
    rows = _rows(model, expand_nested, 0)
    width = max(30, *(len(r[0]) + 2 for r in rows)) if rows else 30
    last = max([len("Connected to")] + [len(r[3]) for r in rows]) + 2 if connected else 0

    def line(a, b, c, d=""):
        return (f" {a:<{width}}{b:<26}{c:>12}" + (f"  {d}" if connected else "")).rstrip()
    rule = "_" * (width + 39 + last)
    trainable = sum(p.value.size for p in model.trainable_weights)
    total = model.count_params()
    header = ("Layer (type)", "Output Shape", "Param #") + (("Connected to",) if connected else ())
    text = [f'Model: "{model.name}"', rule, line(*header), "=" * len(rule)]
    text += [line(*row) for row in rows]
    text += ["=" * len(rule), f"Total params: {total:,}", f"Trainable params: {trainable:,}",
             f"Non-trainable params: {total - trainable:,}", rule]
    print_fn("\n".join(text))
