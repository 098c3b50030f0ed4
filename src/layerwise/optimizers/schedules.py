"""Learning-rate schedules, as `keras.optimizers.schedules`: callables of the step count.

An optimizer given a schedule evaluates it at its `iterations` (0 on the first step). Lecture 001 shows
step, exponential and cosine decay; lecture 003 the 1/t decay α_t = α / sqrt(t + 1).
"""

import math

from layerwise.utils.identifiers import lookup
from layerwise.utils.registry import Registry, custom_object_scope
from layerwise.utils.serialization_lib import serialize_keras_object


class LearningRateSchedule:
    """Base class: ``schedule(step) -> learning rate`` (a Python float), with a config round trip.

    Example:
        >>> class Halving(LearningRateSchedule):
        ...     def __init__(self, initial_learning_rate, every):
        ...         self.initial_learning_rate, self.every = initial_learning_rate, every
        ...     def __call__(self, step):
        ...         return self.initial_learning_rate * 0.5 ** (step // self.every)
        >>> schedule = Halving(0.1, every=10)
        >>> schedule(0), schedule(10), schedule(25)
        (0.1, 0.05, 0.025)
        >>> schedule.get_config()
        {'initial_learning_rate': 0.1, 'every': 10}
        >>> from layerwise.optimizers import SGD
        >>> SGD(learning_rate=schedule).learning_rate  # evaluated at the optimizer's step, 0 here
        0.1
    """

    def __call__(self, step) -> float:
        raise NotImplementedError

    def get_config(self) -> dict:
        return dict(vars(self))

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _positive(owner, argument, value):
    if not value > 0:
        raise ValueError(f"{owner}: {argument} must be > 0, received {value!r}")
    return value


class ExponentialDecay(LearningRateSchedule):
    """α_t = α_0 · r^(t / T), or α_0 · r^⌊t / T⌋ with ``staircase`` (lecture 001's step decay).

    Args:
        initial_learning_rate: α_0.
        decay_steps: T > 0.
        decay_rate: r.
        staircase: decay in discrete jumps every T steps.
        name: optional name.

    Example:
        >>> ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)(25)
        0.025

    References:
        Lecture 001 (step decay, exponential decay).
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = _positive("ExponentialDecay", "decay_steps", decay_steps)
        self.decay_rate, self.staircase, self.name = float(decay_rate), bool(staircase), name

    def __call__(self, step):
        exponent = step / self.decay_steps
        return self.initial_learning_rate * self.decay_rate ** (math.floor(exponent) if self.staircase else exponent)


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[0] while t <= boundaries[0], values[i] while boundaries[i-1] < t <= boundaries[i], then values[-1].

    Args:
        boundaries: increasing step counts, one fewer than ``values``.
        values: the learning rates.
        name: optional name.

    Example:
        >>> schedule = PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
        >>> schedule(100), schedule(101), schedule(500)
        (1.0, 0.5, 0.1)
    """

    def __init__(self, boundaries, values, name=None):
        if len(values) != len(boundaries) + 1:
            raise ValueError(f"PiecewiseConstantDecay: values must have one more entry than boundaries, "
                             f"received {len(boundaries)} boundaries and {len(values)} values")
        if any(b >= a for a, b in zip(boundaries[1:], boundaries)):
            raise ValueError(f"PiecewiseConstantDecay: boundaries must increase, received {list(boundaries)}")
        self.boundaries, self.values, self.name = list(boundaries), [float(v) for v in values], name

    def __call__(self, step):
        index = sum(step > boundary for boundary in self.boundaries)
        return self.values[index]


class InverseTimeDecay(LearningRateSchedule):
    """α_t = α_0 / (1 + r t / T)^p, or with ⌊t / T⌋ under ``staircase``.

    Keras's InverseTimeDecay is p = 1. Lecture 003's 1/t decay α_t = α / sqrt(t + 1) is
    ``InverseTimeDecay(α, decay_steps=1, decay_rate=1, power=0.5)``.

    Args:
        initial_learning_rate: α_0.
        decay_steps: T > 0.
        decay_rate: r.
        staircase: decay in discrete jumps every T steps.
        power: p > 0 (default 1, as Keras).
        name: optional name.

    Example:
        >>> InverseTimeDecay(1.0, decay_steps=1, decay_rate=1.0, power=0.5)(3)
        0.5

    References:
        Lecture 003 (1/t decay).
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, power=1.0, name=None):
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = _positive("InverseTimeDecay", "decay_steps", decay_steps)
        self.decay_rate, self.staircase = float(decay_rate), bool(staircase)
        self.power, self.name = float(_positive("InverseTimeDecay", "power", power)), name

    def __call__(self, step):
        time = step / self.decay_steps
        time = math.floor(time) if self.staircase else time
        return self.initial_learning_rate / (1.0 + self.decay_rate * time) ** self.power


def _cosine(fraction, alpha):
    return (1.0 - alpha) * 0.5 * (1.0 + math.cos(math.pi * fraction)) + alpha


class CosineDecay(LearningRateSchedule):
    """Cosine annealing (lecture 001), after an optional linear warmup, as Keras's CosineDecay.

    Warmup, for t < W: α_t = α_0 + (α_w - α_0) t / W. Then, with s = min(t - W, T) and peak α_p (α_w
    after a warmup, else α_0): α_t = α_p ((1 - a) · ½ (1 + cos(π s / T)) + a).

    Args:
        initial_learning_rate: α_0.
        decay_steps: T > 0, the length of the cosine part.
        alpha: a, the floor as a fraction of the peak.
        name: optional name.
        warmup_target: α_w, the rate reached at the end of the warmup (None: no warmup, and
            ``warmup_steps`` is ignored, as in Keras).
        warmup_steps: W.

    Example:
        >>> schedule = CosineDecay(0.0, decay_steps=10, warmup_target=1.0, warmup_steps=4)
        >>> schedule(2), schedule(4), schedule(9), schedule(20)
        (0.5, 1.0, 0.5, 0.0)

    References:
        Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017.
        Lecture 001 (cosine annealing).
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name=None, warmup_target=None,
                 warmup_steps=0):
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = _positive("CosineDecay", "decay_steps", decay_steps)
        self.alpha, self.name = float(alpha), name
        self.warmup_target = None if warmup_target is None else float(warmup_target)
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        if self.warmup_target is None:
            peak, warmup_steps = self.initial_learning_rate, 0
        else:
            peak, warmup_steps = self.warmup_target, self.warmup_steps
        if step < warmup_steps:
            return self.initial_learning_rate + (peak - self.initial_learning_rate) * step / warmup_steps
        decayed = min(step - warmup_steps, self.decay_steps)
        return peak * _cosine(decayed / self.decay_steps, self.alpha)


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine annealing with warm restarts (SGDR), as Keras's CosineDecayRestarts.

    Period i (from 0) lasts T_i = T_0 · t_mul^i steps; at the fraction f of it that has elapsed,
    α_t = α_0 ((1 - a) · m_mul^i · ½ (1 + cos(π f)) + a) (Keras's placement of the floor a, which does
    not shrink with m_mul).

    Args:
        initial_learning_rate: α_0.
        first_decay_steps: T_0 > 0.
        t_mul: growth of each period's length.
        m_mul: factor of each period's peak.
        alpha: a, the floor as a fraction of α_0.
        name: optional name.

    Example:
        >>> schedule = CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0)
        >>> schedule(0), schedule(5), schedule(10), schedule(20)
        (1.0, 0.5, 1.0, 0.5)

    References:
        Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name=None):
        self.initial_learning_rate = float(initial_learning_rate)
        self.first_decay_steps = _positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        self.t_mul = float(_positive("CosineDecayRestarts", "t_mul", t_mul))
        self.m_mul, self.alpha, self.name = float(m_mul), float(alpha), name

    def __call__(self, step):
        fraction = step / self.first_decay_steps
        if self.t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            restart = math.floor(math.log(1.0 - fraction * (1.0 - self.t_mul)) / math.log(self.t_mul))
            elapsed = (1.0 - self.t_mul ** restart) / (1.0 - self.t_mul)
            fraction = (fraction - elapsed) / self.t_mul ** restart
        cosine = 0.5 * self.m_mul ** restart * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)


class PolynomialDecay(LearningRateSchedule):
    """α_t = (α_0 - α_end)(1 - s / T)^p + α_end with s = min(t, T); with ``cycle``, T grows to ⌈t / T⌉ T.

    Args:
        initial_learning_rate: α_0.
        decay_steps: T > 0.
        end_learning_rate: α_end (default 1e-4, as Keras).
        power: p (default 1: linear decay).
        cycle: restart the decay from a lower peak instead of staying at α_end.
        name: optional name.

    Example:
        >>> PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0)(5)
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name=None):
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = _positive("PolynomialDecay", "decay_steps", decay_steps)
        self.end_learning_rate, self.power = float(end_learning_rate), float(power)
        self.cycle, self.name = bool(cycle), name

    def __call__(self, step):
        decay_steps = self.decay_steps
        if self.cycle:
            decay_steps *= max(1, math.ceil(step / decay_steps))
        else:
            step = min(step, decay_steps)
        remaining = (1.0 - step / decay_steps) ** self.power
        return (self.initial_learning_rate - self.end_learning_rate) * remaining + self.end_learning_rate


_CLASSES = (ExponentialDecay, PiecewiseConstantDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts,
            PolynomialDecay)
_TABLE = Registry("learning rate schedule", module="layerwise.optimizers.schedules")
for _class in _CLASSES:
    _TABLE.register(_class)


def serialize(schedule) -> dict:
    """``{"class_name": ..., "config": ...}`` for a schedule.

    Example:
        >>> config = serialize(ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5))
        >>> config["class_name"], config["config"]["decay_rate"]
        ('ExponentialDecay', 0.5)
    """
    if not isinstance(schedule, LearningRateSchedule):
        raise ValueError(f"Cannot serialize learning rate {schedule!r}: only LearningRateSchedule "
                         "subclasses have a config")
    return serialize_keras_object(schedule)


def deserialize(config, custom_objects=None) -> LearningRateSchedule:
    """Rebuild a schedule from `serialize`'s output (``custom_objects``: ``{name: class}`` of your own).

    Example:
        >>> schedule = deserialize(serialize(ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)))
        >>> schedule(20)  # 0.1 * 0.5^(20 / 10)
        0.025
    """
    with custom_object_scope(custom_objects):
        return lookup("learning rate schedule", config, _TABLE, LearningRateSchedule)


__all__ = ["LearningRateSchedule", *(cls.__name__ for cls in _CLASSES), "serialize", "deserialize"]
