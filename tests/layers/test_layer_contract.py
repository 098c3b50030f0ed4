"""The layer table: every layer runs through the same contract checks.

A new layer is one new row in LAYER_CASES, plus its own specific tests in its family's test file:
    LayerCase(id, factory, input_shape, input_sampler=None)
The factory builds the layer (called under float64 for gradient checks, float32 otherwise); the input
sampler draws a batch of input_shape from an rng (default: standard normal), e.g. to keep inputs away
from a kink.
"""

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise.layers import serialization
from layerwise.testing import check_gradients


@dataclass
class LayerCase:
    id: str
    factory: Callable
    input_shape: tuple
    input_sampler: Optional[Callable] = None

    def sample(self, rng, dtype="float64"):
        if self.input_sampler is not None:
            return self.input_sampler(rng, self.input_shape).astype(dtype)
        return rng.normal(size=self.input_shape).astype(dtype)


def away_from(*kinks, scale=1.0):
    """A sampler of normal inputs nudged 0.1 off any kink, so finite differences never straddle one."""
    def sample(rng, shape):
        x = rng.normal(size=shape) * scale
        for kink in kinks:
            x = np.where(np.abs(x - kink) < 0.05, kink + 0.1, x)
        return x
    return sample


_away_from_zero = away_from(0.0)


LAYER_CASES = [
    LayerCase("dense", lambda: layers.Dense(4), (3, 5)),
    LayerCase("dense_relu", lambda: layers.Dense(4, activation="relu"), (3, 5)),
    LayerCase("dense_softmax_no_bias", lambda: layers.Dense(4, activation="softmax", use_bias=False), (3, 5)),
    LayerCase("dense_rank3", lambda: layers.Dense(2, activation="tanh"), (2, 3, 4)),
    LayerCase("activation_sigmoid", lambda: layers.Activation("sigmoid"), (3, 4)),
    LayerCase("activation_softplus", lambda: layers.Activation("softplus"), (3, 4)),
    LayerCase("flatten", lambda: layers.Flatten(), (2, 3, 4)),
    LayerCase("reshape", lambda: layers.Reshape((4, -1)), (2, 3, 4)),
    LayerCase("relu_layer", lambda: layers.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2), (3, 6),
              away_from(0.2, 1.5, scale=1.5)),
    LayerCase("leaky_relu_layer", lambda: layers.LeakyReLU(negative_slope=0.2), (3, 4), _away_from_zero),
    LayerCase("elu_layer", lambda: layers.ELU(alpha=0.7), (3, 4), _away_from_zero),
    LayerCase("softmax_layer_axis1", lambda: layers.Softmax(axis=1), (2, 3, 4)),
    LayerCase("prelu", lambda: layers.PReLU(alpha_initializer="random_uniform"), (3, 4), _away_from_zero),
    LayerCase("prelu_shared", lambda: layers.PReLU(alpha_initializer="random_uniform", shared_axes=[1]),
              (3, 4, 2), _away_from_zero),
    # preprocessing and augmentation (random draws are replayed by check_gradients)
    LayerCase("rescaling", lambda: layers.Rescaling(1 / 255, offset=-0.5), (3, 4)),
    LayerCase("normalization", lambda: layers.Normalization(mean=[0.5, -1.0, 2.0], variance=[4.0, 0.25, 1.0]),
              (2, 4, 3)),
    LayerCase("normalization_inverted_axis1", lambda: layers.Normalization(axis=1, mean=1.0, variance=9.0,
                                                                           invert=True), (2, 3, 4)),
    LayerCase("random_translation", lambda: layers.RandomTranslation(0.3, (-0.2, 0.4), seed=1), (2, 5, 6, 2)),
    LayerCase("random_translation_constant_nearest", lambda: layers.RandomTranslation(
        0.4, 0.4, fill_mode="constant", interpolation="nearest", fill_value=0.5, seed=2), (2, 5, 6, 1)),
    LayerCase("random_rotation_wrap", lambda: layers.RandomRotation(0.2, fill_mode="wrap", seed=3), (2, 6, 5, 2)),
    LayerCase("random_zoom_nearest_fill", lambda: layers.RandomZoom(0.4, (-0.3, 0.5), fill_mode="nearest", seed=4),
              (3, 5, 5, 1)),
    LayerCase("random_flip", lambda: layers.RandomFlip(seed=5), (4, 3, 4, 2)),
    LayerCase("random_contrast", lambda: layers.RandomContrast(0.3, seed=6), (3, 4, 4, 2),
              lambda rng, shape: rng.uniform(100, 150, size=shape)),
]
IDS = [case.id for case in LAYER_CASES]


@pytest.mark.parametrize("case", LAYER_CASES, ids=IDS)
def test_gradients_float64_both_modes(case, float64, rng):
    layer = case.factory()
    report = check_gradients(layer, case.sample(rng), modes=("inference", "training"))
    assert report.passed, f"\n{report}"
    assert {row[1] for row in report.rows} >= {"input"} | {p.name for p in layer.trainable_weights}


@pytest.mark.parametrize("case", LAYER_CASES, ids=IDS)
def test_output_shape_and_dtype_kept(case, rng):
    layer = case.factory()
    for training in (False, True):
        y = layer(case.sample(rng, "float32"), training=training)
        assert y.dtype == np.float32
        assert y.shape == layer.compute_output_shape(case.input_shape)
    assert all(p.value.dtype == np.float32 and p.grad.dtype == np.float32 for p in layer.weights)
    dx = layer.backward(np.ones_like(y))
    assert dx.shape == case.input_shape and dx.dtype == np.float32


@pytest.mark.parametrize("case", LAYER_CASES, ids=IDS)
def test_config_round_trip(case, rng):
    layer = case.factory()
    x = case.sample(rng, "float32")
    layer(x)
    config = serialization.serialize(layer)
    clone = serialization.deserialize(config)
    assert serialization.serialize(clone) == config
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x), layer(x))


@pytest.mark.parametrize("case", LAYER_CASES, ids=IDS)
def test_wrong_input_shape_names_layer_and_shapes(case, rng):
    layer = case.factory()
    layer(case.sample(rng, "float32"))
    wrong = np.zeros(case.input_shape[:-1] + (case.input_shape[-1] + 1,), dtype="float32")
    with pytest.raises(ValueError) as error:
        layer(wrong)
    message = str(error.value)
    assert layer.name in message and str(wrong.shape) in message


def test_every_public_layer_has_a_row():
    covered = {type(case.factory()).__name__ for case in LAYER_CASES}
    public = {name for name in layers.__all__
              if isinstance(getattr(layers, name), type) and issubclass(getattr(layers, name), layers.Layer)}
    assert public - covered - {"Layer", "InputLayer"} == set()
    assert layerwise.layers.Input is not None
