"""Dropout and the noise layers: mask statistics, mask reuse in backward, scaling modes, Monte Carlo averaging."""

import numpy as np
import pytest

import layerwise
from layerwise.layers import Dense, Dropout, GaussianDropout, GaussianNoise, Layer


def test_mask_statistics(rng):
    layer = Dropout(0.3)
    x = np.ones((400, 500), dtype="float32")
    y = layer(x, training=True)
    kept = y != 0
    # 200 000 Bernoulli(0.7) draws: the kept fraction is 0.7 +- 0.001 (one standard deviation)
    assert abs(kept.mean() - 0.7) < 0.005
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert abs(y.mean() - 1.0) < 0.01
    # units are dropped independently: the kept fractions of rows spread as Binomial(500, 0.7) / 500
    assert abs(kept.mean(axis=1).std() - np.sqrt(0.7 * 0.3 / 500)) < 0.003


def test_fresh_mask_every_forward_and_reused_in_backward(rng):
    layer = Dropout(0.5)
    x = rng.normal(size=(8, 10)).astype("float32") + 5
    first = layer(x, training=True)
    dy = rng.normal(size=x.shape).astype("float32")
    dx = layer.backward(dy)
    np.testing.assert_array_equal(dx, dy * (first / x))
    assert np.all((dx == 0) == (first == 0))
    second = layer(x, training=True)
    assert not np.array_equal(first != 0, second != 0)


def test_identity_at_inference_and_classic_scaling(rng):
    x = rng.normal(size=(3, 4)).astype("float32")
    np.testing.assert_array_equal(Dropout(0.4)(x), x)
    classic = Dropout(0.4, scaling="classic")
    np.testing.assert_allclose(classic(x), 0.6 * x, rtol=1e-6)
    np.testing.assert_allclose(classic.backward(np.ones_like(x)), 0.6, rtol=1e-6)
    train = Dropout(0.4, scaling="classic")(np.ones((200, 200), "float32"), training=True)
    assert set(np.unique(train).tolist()) == {0.0, 1.0}
    assert abs(train.mean() - 0.6) < 0.01


def test_noise_shape_shares_the_mask_along_broadcast_axes(rng):
    layer = Dropout(0.5, noise_shape=(None, 1, 6))
    y = layer(np.ones((4, 5, 6), "float32"), training=True)
    assert np.all(y == y[:, :1, :])
    assert 0 < (y == 0).mean() < 1
    with pytest.raises(ValueError, match="noise_shape"):
        Dropout(0.5, noise_shape=(None, 2, 6))(np.ones((4, 5, 6)))


def test_seed_reproducible_and_library_seed_reproducible():
    x = np.ones((5, 7))
    a, b = Dropout(0.5, seed=3)(x, training=True), Dropout(0.5, seed=3)(x, training=True)
    np.testing.assert_array_equal(a, b)
    layerwise.utils.set_random_seed(11)
    c = Dropout(0.5)(x, training=True)
    layerwise.utils.set_random_seed(11)
    np.testing.assert_array_equal(c, Dropout(0.5)(x, training=True))


@pytest.mark.parametrize("make, message", [(lambda: Dropout(1.0), "rate"), (lambda: Dropout(-0.1), "rate"),
                                           (lambda: Dropout(0.5, scaling="weights"), "scaling"),
                                           (lambda: GaussianDropout(1.5), "rate"),
                                           (lambda: GaussianNoise(-1.0), "stddev"),
                                           (lambda: Dropout(0.5, seed=-2), "seed")])
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_gaussian_layers_moments_and_backward(rng):
    x = np.full((300, 300), 2.0, "float32")
    noise_layer = GaussianNoise(0.5)
    y = noise_layer(x, training=True)
    assert abs(y.mean() - 2.0) < 0.01 and abs(y.std() - 0.5) < 0.01
    np.testing.assert_array_equal(noise_layer.backward(x), x)
    dropout = GaussianDropout(0.2)
    y = dropout(x, training=True)
    assert abs(y.mean() - 2.0) < 0.01 and abs(y.std() - 2.0 * np.sqrt(0.2 / 0.8)) < 0.01
    np.testing.assert_allclose(dropout.backward(np.ones_like(x)), y / 2.0, rtol=1e-6)
    np.testing.assert_array_equal(GaussianNoise(0.5)(x), x)


class RecordsTraining(Layer):
    """An identity layer that records the training flags it receives (stands in for batch normalization)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []  # shared with every call of the layer, which each append to it

    def forward(self, x, training=False):
        self.seen.append(training)
        return x

    def backward(self, dy):
        return dy


def mc_model():
    model = layerwise.Sequential([layerwise.Input(shape=(6,)), Dense(16, activation="relu"), Dropout(0.5),
                                  RecordsTraining(), Dense(3, activation="softmax")])
    model.compile(loss="categorical_crossentropy")
    return model


def test_mc_dropout_averages_fresh_stochastic_passes(rng):
    model = mc_model()
    x = rng.normal(size=(10, 6)).astype("float32")
    layerwise.utils.set_random_seed(5)
    averaged = model.predict(x, mc_samples=4, verbose=0)
    assert model.layers[2].seen == [False] * 4
    layerwise.utils.set_random_seed(5)
    passes = [model(x, training=True) for _ in range(4)]
    np.testing.assert_allclose(averaged, np.mean(passes, axis=0), rtol=1e-5)
    assert not np.allclose(passes[0], passes[1])
    deterministic = model.predict(x, verbose=0)
    assert not np.allclose(averaged, deterministic)
    np.testing.assert_allclose(averaged.sum(axis=1), 1.0, rtol=1e-5)


def test_mc_average_converges_to_weight_scaling_for_a_linear_head(rng):
    """With a linear layer after dropout, E[f(x)] is exactly the weight-scaled (inference) output."""
    model = layerwise.Sequential([layerwise.Input(shape=(20,)), Dropout(0.5), Dense(2)])
    model.compile(loss="mse")
    x = rng.normal(size=(5, 20)).astype("float32")
    samples = 4000
    # each output's MC mean has variance sum_j (x_j W_jk)^2 (1 - q) / q / N, with q = 0.5
    standard_error = np.sqrt(((x[:, :, None] * model.layers[1].kernel.value) ** 2).sum(axis=1) / samples)
    error = np.abs(model.predict(x, mc_samples=samples, verbose=0) - model.predict(x, verbose=0))
    assert np.all(error < 5 * standard_error)
    with pytest.raises(ValueError, match="mc_samples"):
        model.predict(x, mc_samples=0)


def test_dropout_training_end_to_end(rng):
    x = rng.normal(size=(128, 4)).astype("float32")
    y = np.eye(2)[(x[:, 0] + x[:, 1] > 0).astype(int)]
    model = layerwise.Sequential([layerwise.Input(shape=(4,)), Dense(32, activation="relu"), Dropout(0.3),
                                  Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.optimizer.learning_rate = 0.01
    model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] > 0.9
