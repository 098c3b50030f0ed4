"""What reading each layer's outputs on a probe set needs: a model's graph (`Model.layer_outputs` reads it)."""

from layerwise.models.functional import Functional


def require_graph(model, owner):
    """Raise a TypeError naming ``owner`` unless ``model`` is a graph of layer calls (`Model`, `Sequential`)."""
    if not isinstance(model, Functional):
        raise TypeError(f"{owner}: reads the layers' outputs from a model's graph, so it needs a "
                        f"layerwise.Model or Sequential, received {type(model).__name__}")
