"""Initializers: statistics against Keras's formulas, truncation, orthogonality, seeds, names, configs.

Keras's formulas (keras.initializers, VarianceScaling): with n = fan_in, fan_out or
fan_avg = (fan_in + fan_out) / 2, the variance is scale / n; a truncated normal has its standard
deviation divided by 0.8796 so the truncated variance is still scale / n, and a uniform has
limit sqrt(3 scale / n). A conv kernel (kh, kw, in, out) has fan_in = kh kw in, fan_out = kh kw out.
"""

import math

import numpy as np
import pytest

import layerwise
from layerwise import initializers

DENSE = (300, 500)  # 150,000 samples: the sample variance is within about 0.4% of the true one
CONV = (5, 5, 60, 80)  # fan_in 1,500, fan_out 2,000; 120,000 samples


def _fans(shape):
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


# name -> (expected variance, distribution) from Keras's formulas, as a function of the fans
KERAS_FORMULAS = {
    "glorot_normal": (lambda fan_in, fan_out: 2.0 / (fan_in + fan_out), "normal"),
    "glorot_uniform": (lambda fan_in, fan_out: 2.0 / (fan_in + fan_out), "uniform"),
    "he_normal": (lambda fan_in, fan_out: 2.0 / fan_in, "normal"),
    "he_uniform": (lambda fan_in, fan_out: 2.0 / fan_in, "uniform"),
    "lecun_normal": (lambda fan_in, fan_out: 1.0 / fan_in, "normal"),
    "lecun_uniform": (lambda fan_in, fan_out: 1.0 / fan_in, "uniform"),
}


@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
@pytest.mark.parametrize("name", sorted(KERAS_FORMULAS))
def test_variance_and_range_follow_keras(name, shape):
    formula, distribution = KERAS_FORMULAS[name]
    variance = formula(*_fans(shape))
    w = initializers.get(name)(shape, dtype="float64")
    assert w.shape == shape
    assert abs(w.mean()) < 4 * math.sqrt(variance / w.size)
    assert w.var() == pytest.approx(variance, rel=0.02)
    if distribution == "uniform":
        limit = math.sqrt(3.0 * variance)
        assert np.abs(w).max() <= limit
        assert np.abs(w).max() > 0.999 * limit
    else:
        # Truncated at two standard deviations of the underlying normal, whose stddev is
        # sqrt(variance) / 0.8796 so that the truncated samples still have the stated variance.
        bound = 2 * math.sqrt(variance) / 0.87962566103423978
        assert np.abs(w).max() <= bound
        assert np.abs(w).max() > 0.99 * bound


@pytest.mark.parametrize("shape, fans", [
    ((7,), (7, 7)), ((3, 5), (3, 5)), ((3, 3, 4, 8), (36, 72)), ((2, 3, 5, 6, 7), (180, 210)), ((), (1, 1)),
])
def test_compute_fans_as_keras(shape, fans):
    assert initializers.compute_fans(shape) == fans


@pytest.mark.parametrize("mode, n", [("fan_in", 300), ("fan_out", 500), ("fan_avg", 400)])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_modes(mode, n, distribution):
    w = initializers.VarianceScaling(scale=3.0, mode=mode, distribution=distribution)(DENSE, "float64")
    assert w.var() == pytest.approx(3.0 / n, rel=0.02)


def test_untruncated_normal_is_not_truncated():
    w = initializers.VarianceScaling(distribution="untruncated_normal")(DENSE, "float64")
    assert np.abs(w).max() > 3 * math.sqrt(1 / 300)


def test_truncated_normal_keeps_two_standard_deviations():
    w = initializers.TruncatedNormal(mean=1.0, stddev=0.5)(DENSE, "float64")
    assert w.min() >= 0.0 and w.max() <= 2.0
    assert w.mean() == pytest.approx(1.0, abs=0.005)
    # The variance of a unit normal truncated to [-2, 2] is 0.8796^2 = 0.7737.
    assert w.std() == pytest.approx(0.5 * 0.87962566103423978, rel=0.01)


def test_random_normal_and_uniform_statistics():
    w = initializers.RandomNormal(mean=0.3, stddev=2.0)(DENSE, "float64")
    assert (w.mean(), w.std()) == pytest.approx((0.3, 2.0), rel=0.02, abs=0.02)
    w = initializers.RandomUniform(minval=-1.0, maxval=3.0)(DENSE, "float64")
    assert w.min() >= -1.0 and w.max() <= 3.0
    assert (w.mean(), w.var()) == pytest.approx((1.0, 16 / 12), rel=0.02)


@pytest.mark.parametrize("initializer, value", [
    (initializers.Zeros(), 0.0), (initializers.Ones(), 1.0), (initializers.Constant(2.5), 2.5)])
def test_constant_initializers(initializer, value):
    w = initializer((2, 3))
    np.testing.assert_array_equal(w, np.full((2, 3), value))
    assert w.dtype == np.float32


@pytest.mark.parametrize("shape", [(6, 6), (10, 4), (4, 10), (3, 3, 4, 8)])
def test_orthogonal_is_orthogonal(shape):
    w = initializers.Orthogonal(gain=2.0)(shape, "float64")
    assert w.shape == shape
    flat = w.reshape(-1, shape[-1])
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(len(gram)), atol=1e-12)


def test_identity_as_keras():
    np.testing.assert_array_equal(initializers.get("identity")((3, 3)), np.eye(3, dtype=np.float32))
    np.testing.assert_array_equal(initializers.Identity(gain=0.5)((2, 3), "float64"), 0.5 * np.eye(2, 3))
    with pytest.raises(ValueError, match=r"Identity: initializes 2-D weights only, received shape \(3, 3, 2\)"):
        initializers.Identity()((3, 3, 2))


@pytest.mark.parametrize("alias, cls", [
    ("zeros", "Zeros"), ("ones", "Ones"), ("constant", "Constant"), ("identity", "Identity"),
    ("IdentityInitializer", "Identity"), ("random_normal", "RandomNormal"), ("random_uniform", "RandomUniform"),
    ("truncated_normal", "TruncatedNormal"), ("variance_scaling", "VarianceScaling"),
    ("glorot_normal", "GlorotNormal"), ("glorot_uniform", "GlorotUniform"), ("he_normal", "HeNormal"),
    ("he_uniform", "HeUniform"), ("lecun_normal", "LecunNormal"), ("lecun_uniform", "LecunUniform"),
    ("orthogonal", "Orthogonal"), ("OrthogonalInitializer", "Orthogonal")])
def test_keras_lowercase_names_are_the_classes(alias, cls):
    assert getattr(initializers, alias) is getattr(initializers, cls)


def test_deserialize_with_custom_objects():
    class Halves(initializers.Constant):
        def __init__(self):
            super().__init__(0.5)

        def get_config(self):
            return {}

    clone = initializers.deserialize({"class_name": "Halves", "config": {}}, custom_objects={"Halves": Halves})
    assert type(clone) is Halves
    assert type(initializers.deserialize(initializers.serialize(initializers.HeNormal(seed=1)))).__name__ == "HeNormal"


def test_orthogonal_needs_a_matrix():
    with pytest.raises(ValueError, match=r"Orthogonal: needs a shape of at least 2 dimensions, received \(5,\)"):
        initializers.Orthogonal()((5,))


# Keras's snake-case names (the registry also holds every class under its class name).
NAMES = [name for name in initializers._TABLE if name.islower()]
RANDOM_NAMES = sorted(name for name in NAMES if "seed" in initializers.get(name).get_config())


def test_every_random_initializer_takes_a_seed():
    assert len(RANDOM_NAMES) == len(NAMES) - 4  # all but zeros, ones, constant, identity


@pytest.mark.parametrize("name", RANDOM_NAMES)
def test_seeded_initializers_are_reproducible_and_seeds_differ(name):
    cls = type(initializers.get(name))
    first = cls(seed=7)((8, 6))
    np.testing.assert_array_equal(first, cls(seed=7)((8, 6)))
    np.testing.assert_array_equal(first, cls(seed=7)((8, 6)))
    assert not np.array_equal(first, cls(seed=8)((8, 6)))


def test_unseeded_initializers_follow_the_library_seed():
    layerwise.utils.set_random_seed(3)
    first = initializers.get("glorot_uniform")((4, 5))
    second = initializers.get("glorot_uniform")((4, 5))
    layerwise.utils.set_random_seed(3)
    np.testing.assert_array_equal(first, initializers.get("glorot_uniform")((4, 5)))
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("alias, canonical", [
    ("xavier_normal", "GlorotNormal"), ("xavier_uniform", "GlorotUniform"),
    ("kaiming_normal", "HeNormal"), ("kaiming_uniform", "HeUniform"),
    ("glorot_uniform", "GlorotUniform"), ("he_normal", "HeNormal"), ("lecun_normal", "LecunNormal"),
    ("HeNormal", "HeNormal"), ("Orthogonal", "Orthogonal"),
])
def test_aliases_map_to_keras_classes(alias, canonical):
    initializer = initializers.get(alias)
    assert type(initializer).__name__ == canonical
    assert type(initializer) is getattr(initializers, canonical)


def test_lecture_xavier_is_lecun_not_glorot():
    """Lecture 001's N(0, 1/n) is LeCun's fan-in variance; Glorot's averages the fans."""
    shape = (200, 800)
    assert initializers.get("lecun_normal")(shape, "float64").var() == pytest.approx(1 / 200, rel=0.03)
    assert initializers.get("xavier_normal")(shape, "float64").var() == pytest.approx(2 / 1000, rel=0.03)


@pytest.mark.parametrize("initializer", [
    initializers.Zeros(), initializers.Constant(0.5), initializers.RandomNormal(0.1, 0.2, seed=1),
    initializers.RandomUniform(-0.3, 0.4, seed=2), initializers.TruncatedNormal(stddev=0.3, seed=3),
    initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=4), initializers.GlorotNormal(seed=5),
    initializers.HeUniform(), initializers.LecunUniform(seed=6), initializers.Orthogonal(gain=0.5, seed=7),
])
def test_config_round_trip(initializer):
    config = initializers.serialize(initializer)
    clone = initializers.get(config)
    assert type(clone) is type(initializer) and clone.get_config() == initializer.get_config()
    if initializer.get_config().get("seed") is not None:
        np.testing.assert_array_equal(clone((4, 3)), initializer((4, 3)))


def test_presets_keep_only_the_seed_in_their_config():
    assert initializers.HeNormal(seed=1).get_config() == {"seed": 1}


def test_dtype_follows_floatx():
    assert initializers.get("he_normal")((3, 3)).dtype == np.float32
    layerwise.config.set_floatx("float64")
    assert initializers.get("he_normal")((3, 3)).dtype == np.float64
    assert initializers.get("orthogonal")((3, 3), dtype="float32").dtype == np.float32


@pytest.mark.parametrize("factory, pattern", [
    (lambda: initializers.VarianceScaling(scale=0), r"scale must be positive, received 0"),
    (lambda: initializers.VarianceScaling(mode="fan_sum"), r"mode must be one of .*'fan_sum'"),
    (lambda: initializers.VarianceScaling(distribution="normal"), r"distribution must be one of .*'normal'"),
    (lambda: initializers.RandomUniform(1.0, 0.0), r"maxval \(0.0\) must be >= minval \(1.0\)"),
    (lambda: initializers.get("xavier"), r"Unknown initializer 'xavier'.*'xavier_normal'"),
    (lambda: initializers.get(42), r"Unknown initializer 42"),
])
def test_invalid_arguments_are_refused(factory, pattern):
    with pytest.raises(ValueError, match=pattern):
        factory()
