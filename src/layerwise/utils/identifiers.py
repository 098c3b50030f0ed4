"""The shared body of every family's ``get`` (initializers, losses, optimizers ...).

Each family keeps one `layerwise.utils.registry.Registry` of its classes, under their class names and
their Keras aliases; this module turns an identifier into an object through it, the same way
everywhere: an instance passes through; a name is looked up as given (custom objects first, see
`Registry.find`), then in lower case (Keras accepts "HeNormal" as well as "he_normal"); a
``{"class_name": ..., "config": ...}`` dict is rebuilt with the class's ``from_config``.
"""

from layerwise.utils.registry import custom_object_scope


def lookup(kind: str, identifier, table, base: type):
    """Return the ``base`` instance that ``identifier`` names, or raise a ValueError listing the names."""
    if isinstance(identifier, base):
        return identifier
    if isinstance(identifier, dict) and "class_name" in identifier:
        name, config = identifier["class_name"], identifier.get("config", {})
    else:
        name, config = identifier, None
    cls = table.find(name) or table.get(name.lower()) if isinstance(name, str) else None
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise ValueError(f"Unknown {kind} {identifier!r}; known names: {sorted(table)}")
    return cls() if config is None else cls.from_config(config)



def deserializer(get, kind: str):
    """Keras's ``deserialize(config, custom_objects=None)`` for a family whose ``get`` rebuilds a config dict."""
    def deserialize(config, custom_objects=None):
        with custom_object_scope(custom_objects):
            return get(config)

    deserialize.__doc__ = (f"Rebuild a {kind} from `serialize`'s output; ``custom_objects``: ``{{name: class}}`` "
                           "of your own, as in Keras.")
    return deserialize
