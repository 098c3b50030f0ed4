"""Names to objects, one `Registry` per family, each name taken once; and Keras's custom objects.

Every family that turns a name into an object keeps one `Registry`: layers and models
(`layerwise.layers.serialization`), losses, metrics, optimizers, learning-rate schedules, initializers,
regularizers, constraints, activations and the ONNX exporters (`layerwise.export.registry`). A registry
refuses a second, different object under a taken name, so two classes called ``Normalization`` cannot
shadow each other in a saved file, and a second exporter of a layer cannot silently replace the first.

Objects defined outside layerwise are found by name as Keras 3 finds them (`get_registered_object`):
in the active `custom_object_scope` (the innermost first), then among the global custom objects
(`register_keras_serializable`, `get_custom_objects`), then in a ``custom_objects`` argument, and
only then in the family's own registry.

This module imports nothing from layerwise, so any module may register at its own import time.
"""

import threading
from collections.abc import MutableMapping

# Registries with a public module, by that module: what `serialize_keras_object` names and
# `deserialize_keras_object` searches.
FAMILIES: dict = {}


def _redefines(old, new) -> bool:
    # A notebook cell run again or a reloaded module defines a new object with the same module and
    # qualified name: that is the same definition, not a second object.
    names = [(getattr(o, "__module__", None), getattr(o, "__qualname__", None)) for o in (old, new)]
    return names[0] == names[1] and names[0][1] is not None


class Registry(MutableMapping):
    """``{name: object}`` for one family, where a name, once taken, refers to one object.

    Args:
        kind: what the family holds, for messages ("layer", "loss", "ONNX exporter of").
        module: the public module whose objects these are ("layerwise.losses"), for families that
            `serialize_keras_object` handles; None for the others.

    Example:
        >>> shapes = Registry("shape")
        >>> class Square: ...
        >>> shapes.register(Square, "square") is Square
        True
        >>> sorted(shapes)
        ['Square', 'square']
        >>> class Circle: ...
        >>> shapes["square"] = Circle  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ValueError: shape 'square' is already registered to <class '...Square'>; cannot register <class '...Circle'> ...
    """

    def __init__(self, kind, module=None):
        self.kind, self.module = kind, module
        self._objects = {}
        if module is not None:
            FAMILIES[module] = self

    def __getitem__(self, name):
        return self._objects[name]

    def __setitem__(self, name, obj):
        taken = self._objects.get(name, obj)
        if taken is not obj and not _redefines(taken, obj):
            raise ValueError(f"{self.kind} {name!r} is already registered to {taken!r}; cannot register "
                             f"{obj!r} under it")
        self._objects[name] = obj

    def __delitem__(self, name):
        del self._objects[name]

    def __iter__(self):
        return iter(self._objects)

    def __len__(self):
        return len(self._objects)

    def __repr__(self):
        return f"Registry({self.kind!r}, {sorted(map(str, self._objects))})"

    def register(self, obj, *aliases):
        """Register ``obj`` under its ``__name__`` and each alias; return it (so this serves as a decorator)."""
        for name in (obj.__name__, *aliases):
            self[name] = obj
        return obj

    def holds(self, obj) -> bool:
        """Whether ``obj`` itself is registered here (under any name)."""
        return any(value is obj for value in self._objects.values())

    def find(self, name, custom_objects=None):
        """The object called ``name``: a custom object (`get_registered_object`), else this family's, else None."""
        found = get_registered_object(name, custom_objects)
        return found if found is not None else self._objects.get(name)


_GLOBAL_CUSTOM_OBJECTS = Registry("custom object")
_GLOBAL_CUSTOM_NAMES: dict = {}
_SCOPES = threading.local()


def _scopes() -> list:
    # Per thread, as Keras: a scope entered in one thread does not change what another thread loads.
    if not hasattr(_SCOPES, "stack"):
        _SCOPES.stack = []
    return _SCOPES.stack


def get_custom_objects() -> Registry:
    """The live global ``{name: object}`` of custom objects, as `keras.saving.get_custom_objects`.

    `register_keras_serializable` adds to it; objects of a `custom_object_scope` are not in it. A name
    once taken keeps its object (a second, different object raises a ValueError); ``del`` frees it.

    Example:
        >>> class Twice:
        ...     def get_config(self):
        ...         return {}
        >>> get_custom_objects()["Twice"] = Twice
        >>> get_registered_object("Twice") is Twice
        True
        >>> del get_custom_objects()["Twice"]
    """
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package="Custom", name=None):
    """Register a class or function so it is saved as ``"package>name"`` and found by that name on loading.

    Args:
        package: a namespace that keeps your names apart from layerwise's and other packages'.
        name: the name within the package (default: the object's ``__name__``).

    Raises:
        ValueError: ``"package>name"`` is taken by another object, or a class has no ``get_config``.

    Example:
        >>> @register_keras_serializable(package="demo")
        ... class Halve:
        ...     def get_config(self):
        ...         return {}
        >>> get_registered_name(Halve)
        'demo>Halve'
        >>> get_registered_object("demo>Halve") is Halve
        True
    """
    def register(obj):
        key = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(f"register_keras_serializable: the class {obj!r} has no get_config method, so "
                             f"it cannot be saved under {key!r}")
        _GLOBAL_CUSTOM_OBJECTS[key] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = key
        return obj
    return register


#: The name this library used before it took Keras's.
register_serializable = register_keras_serializable


def get_registered_name(obj) -> str:
    """The name ``obj`` is saved under: its ``"package>name"`` if registered, else its ``__name__``.

    Example:
        >>> from layerwise.layers import Dense
        >>> get_registered_name(Dense)
        'Dense'
        >>> @register_keras_serializable(package="my_package")
        ... class Triple:
        ...     def get_config(self):
        ...         return {}
        >>> get_registered_name(Triple)
        'my_package>Triple'
    """
    return _GLOBAL_CUSTOM_NAMES.get(obj, obj.__name__)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object called ``name`` in the active scopes, the global custom objects, ``custom_objects`` or
    ``module_objects`` (searched in that order, as Keras does), or None.

    Example:
        >>> def cube(x):
        ...     return x ** 3
        >>> get_registered_object("cube", custom_objects={"cube": cube})(2)
        8
        >>> with custom_object_scope({"cube": abs}):  # an active scope is searched first
        ...     get_registered_object("cube", custom_objects={"cube": cube})(-2)
        2
        >>> get_registered_object("unknown") is None
        True
    """
    for table in (*reversed(_scopes()), _GLOBAL_CUSTOM_OBJECTS, custom_objects or {}, module_objects or {}):
        if name in table:
            return table[name]
    return None


class CustomObjectScope:
    """Within ``with custom_object_scope({name: object})``, loading finds those objects by name.

    As `keras.saving.custom_object_scope` (also available as ``CustomObjectScope``); scopes are per
    thread. Unlike Keras 3, where an inner scope hides the outer one, nested scopes add up (the
    innermost wins on a shared name): a library function that opens its own scope leaves the caller's
    objects visible.

    Args:
        custom_objects: ``{name: class or function}``, or None.

    Example:
        >>> class Twice:
        ...     def get_config(self):
        ...         return {}
        >>> with custom_object_scope({"Twice": Twice}):
        ...     get_registered_object("Twice") is Twice
        True
        >>> get_registered_object("Twice") is None
        True
    """

    def __init__(self, custom_objects):
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise TypeError(f"custom_object_scope: custom_objects must be a dict of name: object, received "
                            f"{custom_objects!r}")
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        _scopes().append(self.custom_objects)
        return self

    def __exit__(self, *exception):
        _scopes().pop()


custom_object_scope = CustomObjectScope
