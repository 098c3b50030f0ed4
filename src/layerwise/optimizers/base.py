"""The optimizer protocol: per-parameter state, built once, and an update rule applied in place."""

import numbers

from layerwise.utils.parallel import PARALLEL_MIN_SIZE, halves, helper_pool


class _Half:
    """One half of a parameter, as `update_step` sees it: flat views of its value and grad."""

    __slots__ = ("value", "grad")

    def __init__(self, value, grad):
        self.value, self.grad = value, grad


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

    def __init__(self, learning_rate=0.001, name=None, lr=None):
        if lr is not None:
            learning_rate = lr
        is_number = isinstance(learning_rate, numbers.Real) and not isinstance(learning_rate, bool)
        if not callable(learning_rate) and (not is_number or learning_rate < 0):
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
        """Update every trainable parameter from its ``grad``, then apply its constraint.

        Update rules are element-wise, so a large parameter is updated as two halves, one on a helper
        thread, which uses the machine's second core for this memory-bound step.
        """
        parameters = [p for p in parameters if p.trainable]
        self.build(parameters)
        learning_rate = self.learning_rate
        pending = []
        for parameter in parameters:
            slots = self._slots[parameter]
            if parameter.value.size < PARALLEL_MIN_SIZE:
                self.update_step(parameter, slots, learning_rate)
                continue
            (value_a, value_b), (grad_a, grad_b) = halves(parameter.value), halves(parameter.grad)
            split_slots = {name: halves(array) for name, array in slots.items()}
            pending.append(helper_pool().submit(
                self.update_step, _Half(value_b, grad_b), {k: v[1] for k, v in split_slots.items()},
                learning_rate))
            self.update_step(_Half(value_a, grad_a), {k: v[0] for k, v in split_slots.items()}, learning_rate)
        for future in pending:
            future.result()
        for parameter in parameters:
            if parameter.constraint is not None:
                parameter.value[...] = parameter.constraint(parameter.value)
        self.iterations += 1

    def update_step(self, parameter, slots, learning_rate) -> None:
        raise NotImplementedError

    @property
    def variables(self):
        """The optimizer's state arrays, in parameter order, for saving and inspection."""
        return [array for slots in self._slots.values() for array in slots.values()]

    def get_config(self) -> dict:
        learning_rate = self._learning_rate
        if callable(learning_rate) and hasattr(learning_rate, "get_config"):
            learning_rate = {"class_name": type(learning_rate).__name__, "config": learning_rate.get_config()}
        return {"name": self.name, "learning_rate": learning_rate}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
