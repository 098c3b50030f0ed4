"""Any object with a config to a JSON-ready dict and back, as `keras.saving.serialize_keras_object`.

The dict is ``{"module": ..., "class_name": ..., "config": ...}``: ``class_name`` is the registered name
(`layerwise.utils.registry.get_registered_name`: ``"package>Name"`` for a registered custom class);
``module`` names the family of a layerwise class ("layerwise.losses"), which tells apart classes of one
name in two families (`MeanSquaredError` is a loss and a metric). Files written before ``module``
existed leave it out, and load through their family's own ``deserialize`` or ``get``.
"""

from layerwise.utils.registry import FAMILIES, custom_object_scope, get_registered_name

_PLAIN = (str, int, float, bool, type(None))


def serialize_keras_object(obj):
    """``obj``'s class and config as a dict; plain values, lists and tuples pass through (recursively).

    Example:
        >>> from layerwise.optimizers import SGD
        >>> config = serialize_keras_object(SGD(learning_rate=0.5))
        >>> config["module"], config["class_name"], config["config"]["learning_rate"]
        ('layerwise.optimizers', 'SGD', 0.5)
        >>> deserialize_keras_object(config).learning_rate
        0.5
    """
    if isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(item) for item in obj]
    if not callable(getattr(obj, "get_config", None)):
        raise TypeError(f"serialize_keras_object: {obj!r} has no get_config method, so it has no config to save")
    cls = type(obj)
    families = [module for module, registry in FAMILIES.items() if registry.holds(cls)]
    return {**({"module": families[0]} if families else {}), "class_name": get_registered_name(cls),
            "config": obj.get_config()}


def deserialize_keras_object(config, custom_objects=None):
    """Rebuild what `serialize_keras_object` returned; classes are looked up by name, never unpickled.

    A ``class_name`` is searched among the custom objects first (`layerwise.utils.registry`), then in
    the family that ``module`` names, else in every family (it must then name one class).

    Args:
        config: a ``{"class_name", "config"}`` dict (with ``module`` or not), or a plain value or list.
        custom_objects: ``{name: class}`` for classes defined outside layerwise and not registered.

    Raises:
        ValueError: the class name is unknown, or names classes of several families and no ``module``.

    Example:
        ``module`` tells the loss ``MeanSquaredError`` from the metric of that name; a class of your own
        is found in ``custom_objects``:

        >>> import layerwise
        >>> config = {"module": "layerwise.losses", "class_name": "MeanSquaredError", "config": {}}
        >>> isinstance(deserialize_keras_object(config), layerwise.losses.Loss)
        True
        >>> class Offset:
        ...     def __init__(self, amount):
        ...         self.amount = amount
        ...     def get_config(self):
        ...         return {"amount": self.amount}
        ...     @classmethod
        ...     def from_config(cls, config):
        ...         return cls(**config)
        >>> config = {"class_name": "Offset", "config": {"amount": 2.5}}
        >>> deserialize_keras_object(config, custom_objects={"Offset": Offset}).amount
        2.5
    """
    if isinstance(config, list):
        return [deserialize_keras_object(item, custom_objects) for item in config]
    if not isinstance(config, dict) or "class_name" not in config:
        return config
    name, module = config["class_name"], config.get("module")
    families = [FAMILIES[module]] if module in FAMILIES else list(FAMILIES.values())
    with custom_object_scope(custom_objects):
        candidates = {family.find(name) for family in families} - {None}
        if len(candidates) != 1:
            known = "names several classes" if candidates else "is unknown"
            raise ValueError(
                f"deserialize_keras_object: class_name {name!r} {known} (module {module!r}); register the class "
                f"with @layerwise.saving.register_keras_serializable() or pass custom_objects={{{name!r}: ...}}")
        return candidates.pop().from_config(config.get("config", {}))
