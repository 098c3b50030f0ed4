"""Weight initializers with Keras's names, arguments and defaults.

Each initializer is called as ``initializer(shape, dtype=None)`` and draws from the library's seeded
generator (or its own stream when built with ``seed=``).

Fans follow Keras: a ``(fan_in, fan_out)`` matrix for Dense, and ``(*kernel, in, out)`` for convolutions,
where both fans are multiplied by the receptive-field size.

A note on names. Lecture 001 (Tsinghua, "Initialization") calls N(0, 1/n) and U[-sqrt(3/n), sqrt(3/n)]
"Xavier"; with n the fan-in that is LeCun's variant (`LecunNormal`, `LecunUniform`). Glorot and Bengio's
own proposal (`GlorotNormal`, `GlorotUniform`, aliased ``xavier_*``) averages the fans:
Var(w) = 2 / (fan_in + fan_out). Kaiming He's N(0, 2/n) and U[-sqrt(6/n), sqrt(6/n)] are `HeNormal` and
`HeUniform` (aliased ``kaiming_*``). The normal variants are truncated at two standard deviations, as in
Keras, with the standard deviation corrected so the variance is exactly the stated one.

References:
    Glorot & Bengio, "Understanding the difficulty of training deep feedforward neural networks", 2010.
    He et al., "Delving Deep into Rectifiers", ICCV 2015. LeCun et al., "Efficient BackProp", 1998.
    Saxe et al., "Exact solutions to the nonlinear dynamics of learning in deep linear networks", 2014.
    Lecture 001 (Initialization).
"""

import math

import numpy as np

from layerwise.config import standardize_dtype
from layerwise.utils.identifiers import deserializer, lookup
from layerwise.utils.registry import Registry
from layerwise.utils.serialization_lib import serialize_keras_object
from layerwise.utils.random import make_generator

# Standard deviation of a unit normal truncated to [-2, 2]: dividing by it restores unit variance.
_TRUNCATED_STDDEV = 0.87962566103423978


__all__ = [
    "Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal",
    "VarianceScaling", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform",
    "Orthogonal", "Identity", "IdentityInitializer", "OrthogonalInitializer", "zeros", "ones", "constant",
    "identity", "random_normal", "random_uniform", "truncated_normal", "variance_scaling", "glorot_normal",
    "glorot_uniform", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform", "orthogonal", "compute_fans",
    "get", "serialize", "deserialize",
]


def compute_fans(shape):
    """Return ``(fan_in, fan_out)`` for a weight of ``shape``, as Keras computes them.

    Example:
        >>> compute_fans((784, 500))  # a Dense kernel
        (784, 500)
        >>> compute_fans((3, 3, 16, 32))  # a 3x3 convolution kernel: fans times the 9 positions
        (144, 288)
    """
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _truncated_normal(rng, shape, mean, stddev, dtype):
    """Normal samples redrawn until every one lies within two standard deviations of the mean."""
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return (values * stddev + mean).astype(dtype)


class Initializer:
    """Base class: a callable ``(shape, dtype=None) -> np.ndarray`` with a config.

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Dense
        >>> class Halves(Initializer):
        ...     def __call__(self, shape, dtype=None):
        ...         return np.full(shape, 0.5, dtype=dtype)
        >>> layer = Dense(2, kernel_initializer=Halves(), input_dim=3)
        >>> layer(np.ones((1, 3)))  # 3 inputs of 1 times weights of 0.5
        array([[1.5, 1.5]], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Zeros(Initializer):
    """All zeros.

    Example:
        >>> Zeros()((2, 3))
        array([[0., 0., 0.],
               [0., 0., 0.]], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype=standardize_dtype(dtype))


class Ones(Initializer):
    """All ones.

    Example:
        >>> Ones()((2,), dtype="float64")
        array([1., 1.])
    """

    def __call__(self, shape, dtype=None):
        return np.ones(shape, dtype=standardize_dtype(dtype))


class Constant(Initializer):
    """Every entry equal to ``value``.

    Example:
        >>> Constant(0.5)((2, 2))
        array([[0.5, 0.5],
               [0.5, 0.5]], dtype=float32)
        >>> Constant(0.5).get_config()
        {'value': 0.5}
    """

    def __init__(self, value=0.0):
        self.value = float(value)

    def __call__(self, shape, dtype=None):
        return np.full(shape, self.value, dtype=standardize_dtype(dtype))

    def get_config(self):
        return {"value": self.value}


class _Random(Initializer):
    """Shared seed handling of the random initializers."""

    def __init__(self, seed=None):
        self.seed = seed

    def _rng(self):
        return make_generator(self.seed)

    def get_config(self):
        return {"seed": self.seed}


class RandomNormal(_Random):
    """w ~ N(mean, stddev^2).

    Example:
        >>> w = RandomNormal(mean=1.0, stddev=0.1, seed=0)((100, 100))
        >>> w.shape, round(float(w.mean()), 2), round(float(w.std()), 2)
        ((100, 100), 1.0, 0.1)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)

    def __call__(self, shape, dtype=None):
        values = self._rng().normal(self.mean, self.stddev, size=shape)
        return values.astype(standardize_dtype(dtype))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class RandomUniform(_Random):
    """w ~ U[minval, maxval].

    Example:
        >>> w = RandomUniform(minval=0.0, maxval=2.0, seed=0)((100, 100))
        >>> bool(w.min() >= 0.0 and w.max() <= 2.0)
        True
        >>> round(float(w.mean()), 2), round(float(w.var()), 2)  # (0 + 2) / 2 and 2^2 / 12
        (1.0, 0.33)
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        if maxval < minval:
            raise ValueError(f"RandomUniform: maxval ({maxval}) must be >= minval ({minval})")
        self.minval, self.maxval = float(minval), float(maxval)

    def __call__(self, shape, dtype=None):
        values = self._rng().uniform(self.minval, self.maxval, size=shape)
        return values.astype(standardize_dtype(dtype))

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


class TruncatedNormal(_Random):
    """w ~ N(mean, stddev^2) with samples beyond two standard deviations redrawn.

    Example:
        >>> w = TruncatedNormal(mean=0.0, stddev=1.0, seed=0)((100, 100))
        >>> bool(abs(w).max() <= 2.0)  # no sample beyond two standard deviations
        True
        >>> round(float(w.std()), 2)  # the truncated tails narrow it
        0.88
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)

    def __call__(self, shape, dtype=None):
        return _truncated_normal(self._rng(), shape, self.mean, self.stddev, standardize_dtype(dtype))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class VarianceScaling(_Random):
    """Var(w) = scale / n, with n the fan-in, the fan-out or their average.

    Args:
        scale: positive scaling factor.
        mode: "fan_in", "fan_out" or "fan_avg".
        distribution: "truncated_normal", "untruncated_normal" or "uniform"
            (uniform on [-sqrt(3 scale / n), sqrt(3 scale / n)]).
        seed: optional seed for an independent stream.

    Example:
        >>> w = VarianceScaling(scale=2.0, mode="fan_out", distribution="uniform", seed=0)((50, 200))
        >>> round(float(w.std()), 2)  # Var(w) = 2 / 200 = 0.01
        0.1
        >>> bool(abs(w).max() <= (3 * 0.01) ** 0.5)
        True
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        if scale <= 0:
            raise ValueError(f"VarianceScaling: scale must be positive, received {scale}")
        if mode not in self._MODES:
            raise ValueError(f"VarianceScaling: mode must be one of {self._MODES}, received {mode!r}")
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(
                f"VarianceScaling: distribution must be one of {self._DISTRIBUTIONS}, "
                f"received {distribution!r}"
            )
        self.scale, self.mode, self.distribution = float(scale), mode, distribution

    def __call__(self, shape, dtype=None):
        dtype = standardize_dtype(dtype)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            return _truncated_normal(rng, shape, 0.0, math.sqrt(variance) / _TRUNCATED_STDDEV, dtype)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, math.sqrt(variance), size=shape).astype(dtype)
        limit = math.sqrt(3.0 * variance)
        return rng.uniform(-limit, limit, size=shape).astype(dtype)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                **super().get_config()}


def _variance_scaling_preset(class_name, scale, mode, distribution, doc):
    """Build a named VarianceScaling preset whose config holds only the seed, as in Keras.

    Its docstring's example draws a weight whose fans make Var(w) = 0.01, a standard deviation of 0.1.
    """
    fan_in = round(100 * scale) if mode == "fan_in" else 100
    shape = (fan_in, 10000 // fan_in)
    variance = f"{2 * scale:g} / ({shape[0]} + {shape[1]})" if mode == "fan_avg" else f"{scale:g} / {fan_in}"
    doc += f"""

    Example:
        >>> w = {class_name}(seed=0)({shape})
        >>> w.shape, w.dtype
        ({shape}, dtype('float32'))
        >>> round(float(w.std()), 2)  # Var(w) = {variance} = 0.01
        0.1
    """

    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self):
        return {"seed": self.seed}

    return type(class_name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                                 "__doc__": doc, "__module__": __name__})


GlorotNormal = _variance_scaling_preset(
    "GlorotNormal", 1.0, "fan_avg", "truncated_normal",
    "Glorot (Xavier) normal: truncated normal with Var(w) = 2 / (fan_in + fan_out).")
GlorotUniform = _variance_scaling_preset(
    "GlorotUniform", 1.0, "fan_avg", "uniform",
    "Glorot (Xavier) uniform: U[-l, l] with l = sqrt(6 / (fan_in + fan_out)). Keras's default kernel.")
HeNormal = _variance_scaling_preset(
    "HeNormal", 2.0, "fan_in", "truncated_normal",
    "He (Kaiming) normal: truncated normal with Var(w) = 2 / fan_in (lecture 001: N(0, 2/n)).")
HeUniform = _variance_scaling_preset(
    "HeUniform", 2.0, "fan_in", "uniform",
    "He (Kaiming) uniform: U[-sqrt(6 / fan_in), sqrt(6 / fan_in)] (lecture 001).")
LecunNormal = _variance_scaling_preset(
    "LecunNormal", 1.0, "fan_in", "truncated_normal",
    "LeCun normal: truncated normal with Var(w) = 1 / fan_in; lecture 001's 'Xavier' N(0, 1/n).")
LecunUniform = _variance_scaling_preset(
    "LecunUniform", 1.0, "fan_in", "uniform",
    "LeCun uniform: U[-sqrt(3 / fan_in), sqrt(3 / fan_in)]; lecture 001's 'Xavier' uniform.")


class Orthogonal(_Random):
    """A (semi-)orthogonal matrix times ``gain``: the QR factor of a Gaussian matrix, sign-corrected.

    Weights of more than two dimensions are flattened to ``(prod(shape[:-1]), shape[-1])``.

    Example:
        >>> import numpy as np
        >>> w = Orthogonal(gain=2.0, seed=0)((4, 2))
        >>> bool(np.allclose(w.T @ w, 4.0 * np.eye(2), atol=1e-5))  # orthogonal columns of norm 2
        True
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = float(gain)

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: needs a shape of at least 2 dimensions, received {shape}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        flat = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(flat)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(standardize_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain, **super().get_config()}


class Identity(Initializer):
    """The identity matrix times ``gain`` (2-D weights only; a non-square one gets the leading identity block).

    Example:
        >>> Identity(gain=2.0)((2, 3), "float64")
        array([[2., 0., 0.],
               [0., 2., 0.]])
    """

    def __init__(self, gain=1.0):
        self.gain = float(gain)

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"Identity: initializes 2-D weights only, received shape {tuple(shape)}")
        return (self.gain * np.eye(*shape)).astype(standardize_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


# Keras's other names of the classes: its lowercase functions and the *Initializer spellings.
zeros, ones, constant, identity, IdentityInitializer = Zeros, Ones, Constant, Identity, Identity
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, glorot_normal, glorot_uniform = VarianceScaling, GlorotNormal, GlorotUniform
he_normal, he_uniform, lecun_normal, lecun_uniform = HeNormal, HeUniform, LecunNormal, LecunUniform
orthogonal = OrthogonalInitializer = Orthogonal

_TABLE = Registry("initializer", module="layerwise.initializers")
_TABLE.register(Zeros, "zeros")
_TABLE.register(Ones, "ones")
_TABLE.register(Constant, "constant")
_TABLE.register(RandomNormal, "random_normal")
_TABLE.register(RandomUniform, "random_uniform")
_TABLE.register(TruncatedNormal, "truncated_normal")
_TABLE.register(VarianceScaling, "variance_scaling")
_TABLE.register(GlorotNormal, "glorot_normal", "xavier_normal")
_TABLE.register(GlorotUniform, "glorot_uniform", "xavier_uniform")
_TABLE.register(HeNormal, "he_normal", "kaiming_normal")
_TABLE.register(HeUniform, "he_uniform", "kaiming_uniform")
_TABLE.register(LecunNormal, "lecun_normal")
_TABLE.register(LecunUniform, "lecun_uniform")
_TABLE.register(Orthogonal, "orthogonal")
_TABLE.register(Identity, "identity")


def serialize(identifier):
    """Return a name unchanged, or ``{"class_name": ..., "config": ...}`` for an initializer.

    Example:
        >>> serialize(HeNormal(seed=1))
        {'module': 'layerwise.initializers', 'class_name': 'HeNormal', 'config': {'seed': 1}}
        >>> serialize("he_normal")
        'he_normal'
    """
    return identifier if isinstance(identifier, str) else serialize_keras_object(get(identifier))


def get(identifier):
    """Turn a name ("he_normal", or a class name as Keras accepts, "HeNormal"), a config dict or an
    Initializer into an Initializer.

    Example:
        >>> type(get("kaiming_uniform")).__name__
        'HeUniform'
    """
    return lookup("initializer", identifier, _TABLE, Initializer)


deserialize = deserializer(get, "initializer")
deserialize.__doc__ += """

Example:
    >>> deserialize({"class_name": "Constant", "config": {"value": 2.0}})((2,))
    array([2., 2.], dtype=float32)
"""
# doctest collects the examples of the functions defined in this module; `deserialize` is made in
# layerwise.utils.identifiers, so its example is listed here to run as well.
__test__ = {"deserialize": deserialize}
