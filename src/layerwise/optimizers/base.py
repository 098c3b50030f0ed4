"""The optimizer protocol: per-parameter state, built once, and an update rule applied in place."""

import numpy as np


class Optimizer:
    """Base class of optimizers: θ ← update(θ, dJ/dθ, state) for every trainable parameter.

    Subclasses implement `build_slots` (the state of one parameter, e.g. a momentum buffer) and
    `update_step` (the rule, in place on ``parameter.value``). Layers never own an optimizer; a model
    hands its parameters to `apply` after each backward pass.

    Args:
        learning_rate: a float, or a callable of the step count (a schedule) returning one.
        name: a name for the optimizer.
        lr: the older Keras spelling of ``learning_rate`` (lecture 003 writes ``SGD(lr=0.1)``).
    """

    #: Names of scalar attributes that change during training besides `iterations` and the slots
    #: (e.g. a running product of decay factors); they are saved with the state so training resumes
    #: exactly.
    state_attributes = ()

    def __init__(self, learning_rate=0.001, name=None, lr=None):
        if lr is not None:
            learning_rate = lr
        if not callable(learning_rate) and (not np.isscalar(learning_rate) or learning_rate < 0):
            raise ValueError(
                f"{type(self).__name__}: learning_rate must be a non-negative float or a schedule, "
                f"received {learning_rate!r}")
        self._learning_rate = learning_rate
        self.name = name or type(self).__name__.lower()
        self.iterations = 0
        self._slots = {}

    @property
    def learning_rate(self) -> float:
        """The learning rate for the current step (a schedule is evaluated at `iterations`)."""
        if callable(self._learning_rate):
            return float(self._learning_rate(self.iterations))
        return float(self._learning_rate)

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = value

    def build_slots(self, parameter) -> dict:
        """The state arrays of one parameter, by name (none for plain gradient descent)."""
        return {}

    def build(self, parameters) -> None:
        """Create the state of every parameter not seen before."""
        for parameter in parameters:
            if parameter not in self._slots:
                self._slots[parameter] = self.build_slots(parameter)

    def apply(self, parameters) -> None:
        """Update every trainable parameter from its ``grad``, then apply its constraint."""
        parameters = [p for p in parameters if p.trainable]
        self.build(parameters)
        learning_rate = self.learning_rate
        for parameter in parameters:
            self.update_step(parameter, self._slots[parameter], learning_rate)
            if parameter.constraint is not None:
                parameter.value[...] = parameter.constraint(parameter.value)
        self.iterations += 1

    def update_step(self, parameter, slots, learning_rate) -> None:
        raise NotImplementedError

    @property
    def variables(self):
        """The optimizer's state arrays, in parameter order, for saving and inspection."""
        return [array for slots in self._slots.values() for array in slots.values()]

    def slot_variables(self) -> dict:
        """Every built state array, live, as ``{"<parameter name>/<slot name>": array}`` (for saving).

        Together with `iterations` and the `state_attributes` this is the optimizer's whole state, which
        `layerwise.saving` saves and restores without knowing the class.
        """
        return {f"{parameter.name}/{slot}": array
                for parameter, slots in self._slots.items() for slot, array in slots.items()}

    def get_config(self) -> dict:
        learning_rate = self._learning_rate
        if callable(learning_rate) and hasattr(learning_rate, "get_config"):
            learning_rate = {"class_name": type(learning_rate).__name__, "config": learning_rate.get_config()}
        return {"name": self.name, "learning_rate": learning_rate}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
