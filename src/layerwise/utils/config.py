"""Config: a dict whose keys are also attributes, which can be frozen (`keras.utils.Config`)."""

import json
from collections.abc import MutableMapping


class Config(MutableMapping):
    """A mapping of settings reachable as ``config.name`` or ``config["name"]``; `freeze` makes it read-only.

    Example:
        >>> config = Config(learning_rate=0.1, momentum=0.9)
        >>> config.batch_size = 32
        >>> config.learning_rate, config["batch_size"], sorted(config)
        (0.1, 32, ['batch_size', 'learning_rate', 'momentum'])
        >>> config.freeze()
        >>> config.momentum = 0.5
        Traceback (most recent call last):
        ValueError: Config: cannot set 'momentum': the config is frozen (call unfreeze() first)
    """

    def __init__(self, **kwargs):
        object.__setattr__(self, "_values", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self) -> bool:
        """Whether the config refuses changes."""
        return self._frozen

    def freeze(self) -> None:
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self) -> None:
        object.__setattr__(self, "_frozen", False)

    def _check_unfrozen(self, name):
        if self._frozen:
            raise ValueError(f"Config: cannot set {name!r}: the config is frozen (call unfreeze() first)")

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"Config has no setting {name!r}; it has {sorted(self._values)}") from None

    def __setattr__(self, name, value):
        self[name] = value

    def __delattr__(self, name):
        del self[name]

    def __getitem__(self, name):
        return self._values[name]

    def __setitem__(self, name, value):
        self._check_unfrozen(name)
        self._values[name] = value

    def __delitem__(self, name):
        self._check_unfrozen(name)
        del self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __repr__(self):
        return f"<Config {self._values}>"

    def as_dict(self) -> dict:
        """A copy of the settings as a plain dict."""
        return dict(self._values)

    def to_json(self) -> str:
        return json.dumps(self._values)
