"""The shared body of every family's ``get`` and ``serialize`` (initializers, losses, optimizers ...).

Each family keeps its own ``{name: class}`` table; this module turns an identifier into an object
through such a table, the same way everywhere: an instance passes through; a name is looked up as
given, then in lower case, then as a class name (Keras accepts "HeNormal" as well as "he_normal"); a
``{"class_name": ..., "config": ...}`` dict is rebuilt with the class's ``from_config``.
"""


def lookup(kind: str, identifier, table: dict, base: type):
    """Return the ``base`` instance that ``identifier`` names, or raise a ValueError listing the names."""
    if isinstance(identifier, base):
        return identifier
    classes = {cls.__name__: cls for cls in table.values()}
    if isinstance(identifier, str):
        cls = table.get(identifier) or table.get(identifier.lower()) or classes.get(identifier)
        if cls is not None:
            return cls()
    if isinstance(identifier, dict) and identifier.get("class_name") in classes:
        return classes[identifier["class_name"]].from_config(identifier.get("config", {}))
    raise ValueError(f"Unknown {kind} {identifier!r}; known names: {sorted(table)} and {sorted(classes)}")


def serialize(instance):
    """None, or ``{"class_name": ..., "config": ...}`` for an object with ``get_config``."""
    if instance is None:
        return None
    return {"class_name": type(instance).__name__, "config": instance.get_config()}
