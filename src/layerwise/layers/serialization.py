"""Layer configs by class name: ``{"class_name": "Dense", "config": {...}}``, never pickle."""

from layerwise.layers.base import Layer


def _all_subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _all_subclasses(subclass)


def serialize(layer: Layer) -> dict:
    """Return a layer's class name and constructor arguments."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize(config: dict, custom_objects=None) -> Layer:
    """Rebuild a layer from `serialize`'s output; classes are looked up by name, never unpickled.

    Args:
        config: ``{"class_name": ..., "config": ...}``.
        custom_objects: optional ``{name: class}`` for layers defined outside layerwise.
    """
    name = config.get("class_name")
    classes = {cls.__name__: cls for cls in _all_subclasses(Layer) if not cls.__name__.startswith("_")}
    classes.update(custom_objects or {})
    if name not in classes:
        raise ValueError(
            f"Unknown layer class {name!r}; pass it in custom_objects={{'{name}': {name}}}")
    return classes[name].from_config(config.get("config", {}))
