"""The metric protocol, as Keras's: state accumulated by `update_state`, read by `result`, cleared by
`reset_state`, so that a metric streamed over an epoch's batches equals the metric of the whole epoch.

Sample weights follow Keras: a weight per sample (shape (N,)), or of the values' shape, multiplies each value
in the sums; a weighted mean divides by the sum of the weights.
"""

import numbers

import numpy as np


def weights_like(values, sample_weight):
    """``sample_weight`` broadcast to the shape of ``values`` (ones when None); a (N,) weight spans the trailing
    axes of each sample."""
    values = np.asarray(values)
    if sample_weight is None:
        return np.ones(values.shape)
    weight = np.asarray(sample_weight, dtype=np.float64)
    weight = weight.reshape(weight.shape + (1,) * (values.ndim - weight.ndim))
    return np.broadcast_to(weight, values.shape)


class Metric:
    """Base class: a named running statistic.

    Subclasses set `default_name` (Keras's name), `state_names` (the attributes that hold the state, saved
    mid-epoch by `Model.fit_position`) and implement `reset_state`, `update_state` and `result`.

    Args:
        name: the name logged (default: `default_name`).
        dtype: the dtype of the result, as Keras's argument (results are Python floats or float64 arrays).

    Example:
        >>> import numpy as np
        >>> class Maximum(Metric):
        ...     default_name = "maximum"
        ...     state_names = ("largest",)
        ...     def reset_state(self):
        ...         self.largest = -np.inf
        ...     def update_state(self, values):
        ...         self.largest = max(self.largest, float(np.max(values)))
        ...     def result(self):
        ...         return self.largest
        >>> metric = Maximum()
        >>> metric.update_state([1.0, 3.0])
        >>> metric([2.0])  # update with one more batch, then the result
        3.0
        >>> metric.name, metric.variables
        ('maximum', [3.0])
        >>> metric.reset_state()
        >>> metric.result()
        -inf
    """

    default_name = None
    state_names = ()

    def __init__(self, name=None, dtype=None):
        self.name, self.dtype = name or self.default_name, dtype
        self.reset_state()

    def reset_state(self):
        raise NotImplementedError

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        """Update the state with one batch and return the result, as Keras's ``metric(y_true, y_pred)``."""
        self.update_state(*args, **kwargs)
        return self.result()

    @property
    def variables(self) -> list:
        """The state, as a list of floats and arrays in `state_names` order."""
        return [getattr(self, name) for name in self.state_names]

    def set_variables(self, values) -> None:
        """Restore the state from `variables` (lists are turned back into arrays)."""
        for name, value in zip(self.state_names, values, strict=True):
            setattr(self, name, np.asarray(value, dtype=np.float64) if isinstance(value, list) else value)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Mean(Metric):
    """The weighted mean sum_i w_i v_i / sum_i w_i of every value it is given (the loss, or a per-sample function).

    Example:
        >>> mean = Mean()
        >>> mean.update_state([1.0, 3.0], sample_weight=[1.0, 3.0])
        >>> mean.result()
        2.5
    """

    default_name = "mean"
    state_names = ("total", "count")

    def reset_state(self):
        self.total, self.count = 0.0, 0.0

    def update_state(self, values, sample_weight=None):
        if isinstance(values, numbers.Real) and (sample_weight is None or isinstance(sample_weight, numbers.Real)):
            # One value, as `fit` tracks a batch's loss weighted by its sample count, in Python's floats: the same
            # float64 sums without NumPy's calls, which took 0.13 ms of each MLP training step right after its
            # matrix products had left the caches to them (12 us on their own; on the Intel Xeon VM).
            weight = 1.0 if sample_weight is None else float(sample_weight)
            self.total += float(values) * weight
            self.count += weight
            return
        weight = weights_like(values, sample_weight)
        self.total += float(np.sum(np.asarray(values, dtype=np.float64) * weight))
        self.count += float(np.sum(weight))

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0


class Sum(Metric):
    """The weighted sum sum_i w_i v_i of every value it is given.

    Example:
        >>> total = Sum()
        >>> total([1.0, 3.0]), total([2.0])
        (4.0, 6.0)
    """

    default_name = "sum"
    state_names = ("total",)

    def reset_state(self):
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        self.total += float(np.sum(np.asarray(values, dtype=np.float64) * weights_like(values, sample_weight)))

    def result(self) -> float:
        return self.total


class MeanMetricWrapper(Mean):
    """The weighted mean of a per-sample function ``fn(y_true, y_pred, **kwargs)`` over every sample seen.

    Args:
        fn: the function, e.g. `layerwise.metrics.binary_accuracy` or a loss function of `layerwise.losses`.
        name, dtype: `Metric` arguments.
        **kwargs: fixed keyword arguments of ``fn`` (``threshold``, ``k`` ...).

    Example:
        >>> from layerwise.losses import mean_absolute_error
        >>> metric = MeanMetricWrapper(mean_absolute_error, name="mae")
        >>> metric.update_state([[1.0], [2.0]], [[2.0], [2.0]])
        >>> metric.result()
        0.5
    """

    default_name = None  # the function's name, unless a subclass names itself

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self._fn, self._fn_kwargs = fn, kwargs
        super().__init__(name or self.default_name or getattr(fn, "__name__", None), dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = self._fn(np.asarray(y_true), np.asarray(y_pred), **self._fn_kwargs)
        super().update_state(values, sample_weight)

    def get_config(self):
        config = {**super().get_config(), **self._fn_kwargs}
        if type(self) is MeanMetricWrapper:
            config["fn"] = self._fn.__name__
        return config

    @classmethod
    def from_config(cls, config):
        if cls is MeanMetricWrapper:
            from layerwise import metrics

            config = {**config, "fn": getattr(metrics, config["fn"])}
        return cls(**config)
