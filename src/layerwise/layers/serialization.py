"""Layer configs by class name: ``{"class_name": "Dense", "config": {...}}``, never pickle.

Classes are found by name among the subclasses of `Layer` (so every layer layerwise defines, and any
imported subclass), then among the classes registered with `register_serializable` (which wins when
two classes share a name), then in ``custom_objects``.
"""

from layerwise.layers.base import Layer

_REGISTERED: dict = {}


def _all_subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _all_subclasses(subclass)


def register_serializable(package="Custom", name=None):
    """Register a class so saved files refer to it as ``"package>name"`` and loading finds it.

    Args:
        package: a namespace that keeps your names apart from layerwise's and other packages'.
        name: the name to save under (default: the class name).

    Example:
        >>> from layerwise.layers import Layer
        >>> @register_serializable(package="demo")
        ... class Twice(Layer):
        ...     def forward(self, x, training=False):
        ...         return 2 * x
        >>> serialize(Twice(name="twice"))["class_name"]
        'demo>Twice'
        >>> type(deserialize({"class_name": "demo>Twice", "config": {"name": "t"}})).__name__
        'Twice'
    """
    def register(cls):
        key = f"{package}>{name or cls.__name__}"
        if _REGISTERED.get(key, cls) is not cls:
            raise ValueError(f"register_serializable: {key!r} is already registered to {_REGISTERED[key]!r}")
        _REGISTERED[key] = cls
        cls._registered_name = key
        return cls
    return register


def registered_name(cls) -> str:
    """The name a class is saved under: its registered ``"package>name"``, else its class name."""
    return cls.__dict__.get("_registered_name", cls.__name__)


def lookup(name, base, custom_objects=None):
    """The class called ``name``: a registered class, a subclass of ``base``, or one in custom_objects."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _REGISTERED and issubclass(_REGISTERED[name], base):
        return _REGISTERED[name]
    classes = {cls.__name__: cls for cls in _all_subclasses(base) if not cls.__name__.startswith("_")}
    if name not in classes:
        raise ValueError(
            f"Unknown {base.__name__.lower()} class {name!r}; register it with "
            f"@layerwise.saving.register_serializable() or pass custom_objects={{{name!r}: ...}}")
    return classes[name]


def serialize(layer: Layer) -> dict:
    """Return a layer's class name and constructor arguments."""
    return {"class_name": registered_name(type(layer)), "config": layer.get_config()}


def deserialize(config: dict, custom_objects=None) -> Layer:
    """Rebuild a layer from `serialize`'s output; classes are looked up by name, never unpickled.

    Args:
        config: ``{"class_name": ..., "config": ...}``.
        custom_objects: optional ``{name: class}`` for layers defined outside layerwise.
    """
    cls = lookup(config.get("class_name"), Layer, custom_objects)
    return cls.from_config(config.get("config", {}))
