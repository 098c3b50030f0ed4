"""The search space, declared where the model is built (KerasTuner's ``build_model(hp)``).

``build_model(hp)`` asks ``hp`` for each value it needs: ``hp.Int("units", 32, 512, step=32)``,
``hp.Float("learning_rate", 1e-4, 1e-1, sampling="log")``, ``hp.Choice("activation", ["relu", "tanh"])``,
``hp.Boolean("dropout")``, ``hp.Fixed("batch_norm", True)``. The same call returns the trial's value:

- during a search, the tuner's Optuna trial chooses it (define-by-run: a hyperparameter asked for only on one
  branch, say the width of a third layer, exists only in the trials that take that branch);
- in a trial's worker, and in `Tuner.get_best_hyperparameters`, the values are fixed (``hp.values``);
- otherwise (a first build, a grid's discovery of the space) each hyperparameter takes its default.

Sampling: ``"linear"`` draws uniformly between the bounds (on the ``step`` grid if given); ``"log"`` draws
log-uniformly (``log x`` uniform in [log min, log max]), for scales such as a learning rate. A grid
(`GridSearch`) enumerates ``min, min + step, ...`` up to max, or ``min, min * step, ...`` with log
sampling (KerasTuner's multiplicative step); a Float without a step has no grid.

Example:
    >>> hp = HyperParameters()
    >>> hp.Int("units", 32, 128, step=32), hp.Float("rate", 1e-3, 1e-1, sampling="log"), hp.Boolean("bn")
    (32, 0.001, False)
    >>> HyperParameters({"units": 96}).Int("units", 32, 128, step=32)
    96
    >>> hp.space["units"].grid()
    [32, 64, 96, 128]
"""

import itertools
import math
import numbers
from dataclasses import dataclass

import numpy as np

from layerwise.utils._arguments import is_integer

__all__ = ["Boolean", "Choice", "Fixed", "Float", "HyperParameters", "Int"]

SAMPLINGS = ("linear", "log")
#: The kinds of value a Choice may offer: Optuna stores these as they are.
CHOICE_TYPES = (bool, int, float, str)


def _fail(kind, name, message):
    raise ValueError(f"hp.{kind}({name!r}): {message}")


def _number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


@dataclass(frozen=True)
class _Range:
    """A numeric hyperparameter between ``min_value`` and ``max_value`` (both included)."""

    name: str
    min_value: float
    max_value: float
    step: float = None
    sampling: str = "linear"
    default: float = None

    def __post_init__(self):
        kind = type(self).__name__
        if not all(map(_number, (self.min_value, self.max_value))) or self.min_value > self.max_value:
            _fail(kind, self.name, f"expected numbers min_value <= max_value, received {self.min_value!r} and "
                  f"{self.max_value!r}")
        if self.sampling not in SAMPLINGS:
            _fail(kind, self.name, f"sampling must be one of {SAMPLINGS}, received {self.sampling!r}")
        if self.sampling == "log" and self.min_value <= 0:
            _fail(kind, self.name, f"log sampling needs min_value > 0, received {self.min_value!r}")
        if self.step is not None and (not _number(self.step) or self.step <= 0):
            _fail(kind, self.name, f"step must be a positive number, received {self.step!r}")
        if self.default is not None and not self.min_value <= self.default <= self.max_value:
            _fail(kind, self.name, f"default must lie in [{self.min_value}, {self.max_value}], "
                  f"received {self.default!r}")

    @property
    def initial(self):
        return self.min_value if self.default is None else self.default

@dataclass(frozen=True)
class Int(_Range):
    """An integer in [min_value, max_value] on the grid min_value + k step (Optuna's suggest_int)."""

    step: int = 1

    def __post_init__(self):
        super().__post_init__()
        if not all(is_integer(value, minimum=-2**62) for value in (self.min_value, self.max_value, self.step)):
            _fail("Int", self.name, f"min_value, max_value and step must be integers, received {self.min_value!r}, "
                  f"{self.max_value!r} and {self.step!r}")
        if self.sampling == "log" and self.step != 1:
            _fail("Int", self.name, f"log sampling draws every integer (step 1), received step={self.step!r}")

    def suggest(self, trial):
        return trial.suggest_int(self.name, self.min_value, self.max_value, step=self.step,
                                 log=self.sampling == "log")

    def grid(self) -> list:
        if self.sampling == "log":
            raise ValueError(f"hp.Int({self.name!r}) with log sampling has no grid: make it an hp.Choice")
        return list(range(self.min_value, self.max_value + 1, self.step))


@dataclass(frozen=True)
class Float(_Range):
    """A real number in [min_value, max_value], uniform or log-uniform (Optuna's suggest_float); a step puts
    a linear one on the grid min_value + k step."""

    def suggest(self, trial):
        log = self.sampling == "log"
        return trial.suggest_float(self.name, self.min_value, self.max_value, log=log,
                                   step=None if log else self.step)

    def grid(self) -> list:
        """Every value a grid visits: min_value + k step, or min_value * step^k with log sampling, up to
        max_value."""
        if self.step is None or self.sampling == "log" and self.step <= 1:
            raise ValueError(f"hp.Float({self.name!r}) has no grid: give it a step (a factor > 1 with log "
                             f"sampling), or make it an hp.Choice; received step={self.step!r}")
        values, tolerance = [], 1e-9 * max(1.0, abs(self.max_value))
        for k in itertools.count():
            value = self.min_value * self.step ** k if self.sampling == "log" else self.min_value + k * self.step
            if value > self.max_value + tolerance:
                return values
            # 12 significant digits: 0.1 * 3 is 0.30000000000000004, 0.01 * sqrt(10)^2 is 0.10000000000000002.
            values.append(min(float(f"{value:.12g}"), self.max_value))


@dataclass(frozen=True)
class Choice:
    """One of ``values`` (bools, ints, floats or strings, of one kind), chosen as categories."""

    name: str
    values: tuple
    default: object = None

    def __post_init__(self):
        values = self.values
        if not isinstance(values, (list, tuple)) or not values:
            _fail("Choice", self.name, f"values must be a non-empty list, received {values!r}")
        kinds = {type(value) for value in values}
        if len(kinds) != 1 or not issubclass(kinds.pop(), CHOICE_TYPES):
            _fail("Choice", self.name, f"values must be bools, ints, floats or strings, all of one kind, received "
                  f"{list(values)!r}")
        if len(set(values)) != len(values):
            _fail("Choice", self.name, f"values must differ, received {list(values)!r}")
        if self.default is not None and self.default not in values:
            _fail("Choice", self.name, f"default must be one of {list(values)!r}, received {self.default!r}")
        object.__setattr__(self, "values", tuple(values))

    @property
    def initial(self):
        return self.values[0] if self.default is None else self.default

    def suggest(self, trial):
        return trial.suggest_categorical(self.name, self.values)

    def grid(self) -> list:
        return list(self.values)


def Boolean(name, default=False):
    """True or False: a Choice of the two."""
    return Choice(name, (False, True), default)


def Fixed(name, value):
    """A value that never changes, recorded with the others (a Choice of one)."""
    return Choice(name, (value,))


class HyperParameters:
    """The values of one trial, and the space they were drawn from, as ``build_model`` declared it.

    Args:
        values: fixed values by name (a trial's); a hyperparameter not among them is chosen by the attached
            Optuna trial during a search, or takes its default.

    Attributes:
        values: name -> the value each hyperparameter asked for so far took.
        space: name -> its definition (`Int`, `Float` or `Choice`).
        trial: the Optuna trial that chooses the values not fixed, during a search (set by the tuner).

    Example:
        Outside a search each hyperparameter takes its default (or its first value, or its minimum):

        >>> hp = HyperParameters()
        >>> hp.Int("units", 32, 512, step=32), hp.Choice("activation", ["relu", "tanh"])
        (32, 'relu')
        >>> hp.Float("learning_rate", 1e-3, 1e-1, sampling="log", default=1e-2)
        0.01
        >>> hp.values
        {'units': 32, 'activation': 'relu', 'learning_rate': 0.01}
        >>> HyperParameters({"units": 128}).Int("units", 32, 512, step=32)  # a trial's fixed value
        128
    """

    def __init__(self, values=None):
        self.values = dict(values or {})
        self.space = {}
        self.trial = None

    def _ask(self, definition):
        known = self.space.get(definition.name)
        if known is not None and known != definition:
            raise ValueError(f"hyperparameter {definition.name!r} is defined twice, differently: {known} and "
                             f"{definition}")
        self.space[definition.name] = definition
        if definition.name not in self.values:
            self.values[definition.name] = (definition.initial if self.trial is None
                                            else definition.suggest(self.trial))
        return self.values[definition.name]

    def Int(self, name, min_value, max_value, step=1, sampling="linear", default=None) -> int:
        """An integer in [min_value, max_value] (see `Int`)."""
        return self._ask(Int(name, min_value, max_value, step, sampling, default))

    def Float(self, name, min_value, max_value, step=None, sampling="linear", default=None) -> float:
        """A number in [min_value, max_value], ``sampling="log"`` for scales (see `Float`)."""
        return self._ask(Float(name, min_value, max_value, step, sampling, default))

    def Choice(self, name, values, default=None):
        """One of ``values`` (see `Choice`)."""
        return self._ask(Choice(name, values, default))

    def Boolean(self, name, default=False) -> bool:
        """True or False."""
        return self._ask(Boolean(name, default))

    def Fixed(self, name, value):
        """Always ``value``."""
        return self._ask(Fixed(name, value))

    def get(self, name):
        """The value of hyperparameter ``name``."""
        if name not in self.values:
            raise KeyError(f"no hyperparameter {name!r}; the hyperparameters are: {sorted(self.values)}")
        return self.values[name]

    def __repr__(self):
        return f"HyperParameters({self.values!r})"


def grid_space(build_model) -> dict:
    """name -> the values a grid visits, for every hyperparameter ``build_model`` asks for with its defaults."""
    hp = HyperParameters()
    build_model(hp)
    if not hp.space:
        raise ValueError("build_model asked for no hyperparameter: there is nothing to search")
    return {name: definition.grid() for name, definition in hp.space.items()}


def grid_size(space) -> int:
    """The number of points of a grid."""
    return math.prod(len(values) for values in space.values())
