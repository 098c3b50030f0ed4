"""Restricted Boltzmann machines (issue 21): the exact likelihood of a small RBM by enumeration rises under
CD-1 and PCD, the free energy matches the enumeration and scikit-learn, the CD update is the gradient of the
free-energy difference, a Gaussian-Bernoulli RBM models two clusters, and the model workflow."""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

import layerwise
from layerwise.models import Sequential, load_model
from layerwise.optimizers import SGD
from layerwise.pretraining import BernoulliRBM, GaussianBernoulliRBM
from layerwise.testing import check_gradients

VISIBLE, HIDDEN = 6, 4
ALL_V = np.array(list(itertools.product([0, 1], repeat=VISIBLE)), dtype=np.float64)
ALL_H = np.array(list(itertools.product([0, 1], repeat=HIDDEN)), dtype=np.float64)


def _energy(rbm, v, h):
    """E(v, h) = -bᵀv - cᵀh - vᵀWh for every pair (rows of v) x (rows of h)."""
    W, b, c = rbm.kernel.value, rbm.visible_bias.value, rbm.hidden_bias.value
    return -(v @ b)[:, None] - (h @ c)[None, :] - v @ W @ h.T


def _log_likelihood(rbm, data):
    """Mean log p(v) over data, with Z summed over all 2^(6+4) joint states."""
    log_z = logsumexp(-_energy(rbm, ALL_V, ALL_H))
    return float(np.mean(logsumexp(-_energy(rbm, data, ALL_H), axis=1)) - log_z)


def _patterns(rng, count=300):
    """Two prototypes with 5% of the bits flipped: a distribution an RBM of 4 hidden units can learn."""
    prototypes = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 1, 1, 1, 1]], dtype=np.float64)
    data = prototypes[rng.integers(0, 2, count)]
    flips = rng.random(data.shape) < 0.05
    return np.where(flips, 1 - data, data)


def test_free_energy_matches_the_enumeration(float64, rng):
    rbm = BernoulliRBM(HIDDEN, kernel_initializer="random_normal")
    rbm.build((None, VISIBLE))
    rbm.visible_bias.assign(rng.normal(size=VISIBLE))
    rbm.hidden_bias.assign(rng.normal(size=HIDDEN))
    np.testing.assert_allclose(rbm.free_energy(ALL_V), -logsumexp(-_energy(rbm, ALL_V, ALL_H), axis=1),
                               rtol=1e-12)


@pytest.mark.parametrize("persistent", [False, True], ids=["cd1", "pcd"])
def test_cd1_and_pcd_increase_the_exact_log_likelihood(persistent, float64, rng):
    data = _patterns(rng)
    rbm = BernoulliRBM(HIDDEN, persistent=persistent, seed=3)
    # PCD needs a small learning rate (Tieleman 2008): at 0.1 with momentum its chains lag behind the
    # weights and over six seeds the log-likelihood ended between -4.9 and -2.1; at 0.02, -2.35 +- 0.05.
    rbm.compile(optimizer=SGD(0.02, momentum=0.5))
    rbm.build((None, VISIBLE))
    before = _log_likelihood(rbm, data)
    rbm.fit(data, epochs=30, batch_size=10, verbose=0)
    after = _log_likelihood(rbm, data)
    # Untrained it is about 6 log(1/2) = -4.16; the two noisy prototypes have entropy near 2.0 nats.
    assert before == pytest.approx(6 * np.log(0.5), abs=0.05)
    assert after > before + 1.2, (before, after)


@pytest.mark.parametrize("kind", [BernoulliRBM, GaussianBernoulliRBM], ids=lambda kind: kind.__name__)
def test_the_update_is_the_gradient_of_the_free_energy_difference(kind, float64, rng):
    data = _patterns(rng, 20) if kind is BernoulliRBM else rng.normal(size=(20, VISIBLE))
    rbm = kind(HIDDEN, persistent=True, kernel_initializer="random_normal", seed=1)
    rbm.compile(optimizer=SGD(1.0))
    rbm.build((None, VISIBLE))
    rbm.visible_bias.assign(rng.normal(size=VISIBLE))
    before = [p.value.copy() for p in rbm.weights]
    rbm.train_on_batch(data, data)
    negative = rbm.fantasy.copy()  # vᵏ of this step
    after = [p.value.copy() for p in rbm.weights]
    for parameter, old in zip(rbm.weights, before):
        parameter.value[...] = old
    for parameter, old, updated in zip(rbm.weights, before, after):
        numeric = np.zeros_like(old)
        for index in np.ndindex(old.shape):
            values = []
            for sign in (1, -1):
                parameter.value[...] = old
                parameter.value[index] += sign * 1e-6
                values.append(rbm.free_energy(data).mean() - rbm.free_energy(negative).mean())
            numeric[index] = (values[0] - values[1]) / 2e-6
        parameter.value[...] = old
        np.testing.assert_allclose(old - updated, numeric, atol=1e-7, err_msg=parameter.name)


def test_free_energy_and_pseudo_likelihood_agree_with_scikit_learn(rng):
    from sklearn.neural_network import BernoulliRBM as ScikitRBM

    x = (rng.random((50, 12)) < 0.4).astype(np.float64)
    reference = ScikitRBM(n_components=5, n_iter=3, random_state=0).fit(x)
    rbm = BernoulliRBM(5, dtype="float64")
    rbm.build((None, 12))
    rbm.set_weights([reference.components_.T, reference.intercept_hidden_, reference.intercept_visible_])
    np.testing.assert_allclose(rbm.free_energy(x), reference._free_energy(x), rtol=1e-12)
    # Both flip one random unit per sample; the means over many samples agree within the noise.
    many = np.repeat(x, 40, axis=0)
    ours, theirs = rbm.pseudo_log_likelihood(many).mean(), reference.score_samples(many).mean()
    assert ours == pytest.approx(theirs, rel=0.05)
    np.testing.assert_allclose(rbm.transform(x), reference.transform(x), rtol=1e-12)


def test_gaussian_bernoulli_rbm_learns_two_clusters(rng):
    centre = np.full(4, 2.0)
    x = np.concatenate([rng.normal(size=(500, 4)) + centre, rng.normal(size=(500, 4)) - centre]).astype("float32")
    rbm = GaussianBernoulliRBM(4, seed=2)
    rbm.compile(optimizer=SGD(0.01, momentum=0.9))
    history = rbm.fit(x, epochs=30, batch_size=20, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    # The model density exp(-F) is bimodal: higher at both centres than between them.
    free = rbm.free_energy(np.stack([centre, -centre, np.zeros(4)]))
    assert free[0] < free[2] - 2 and free[1] < free[2] - 2, free
    # Fantasy particles visit both clusters in about equal shares.
    samples = rbm.sample(1000, steps=200)
    share = float(np.mean(samples.sum(axis=1) > 0))
    assert 0.3 < share < 0.7, share
    np.testing.assert_allclose(samples[samples.sum(axis=1) > 0].mean(axis=0), centre, atol=0.5)


def test_fit_monitors_in_history_validation_and_progress_bar(capsys, rng):
    x = (rng.random((200, 8)) < 0.3).astype("float32")
    rbm = BernoulliRBM(3, seed=0)
    rbm.compile(optimizer="sgd")
    history = rbm.fit(x, epochs=2, batch_size=20, validation_data=x[:50], verbose=2)
    assert set(history.history) == {"loss", "free_energy", "pseudo_log_likelihood", "val_loss", "val_free_energy",
                                    "val_pseudo_log_likelihood"}
    assert "pseudo_log_likelihood" in capsys.readouterr().out
    logs = rbm.evaluate(x, return_dict=True, verbose=0)
    assert logs["loss"] == pytest.approx(float(np.mean((rbm.visible_mean(rbm.transform(x)) - x) ** 2)), rel=1e-5)


def test_layer_gradients_and_fine_tuning_in_a_model(float64, rng):
    rbm = BernoulliRBM(3)
    report = check_gradients(rbm, rng.uniform(size=(4, 5)))
    assert report.passed, f"\n{report}"
    model = Sequential([layerwise.Input(shape=(5,)), rbm, layerwise.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    kernel = rbm.kernel.value.copy()
    model.fit(rng.uniform(size=(8, 5)), rng.integers(0, 2, 8), epochs=1, verbose=0)
    assert not np.array_equal(kernel, rbm.kernel.value)


def test_persistent_chains_follow_a_growing_batch(rng):
    x = (rng.random((60, 8)) < 0.3).astype("float32")
    rbm = BernoulliRBM(3, persistent=True, seed=0)
    rbm.compile(optimizer="sgd")
    rbm.fit(x, epochs=1, batch_size=7, verbose=0)  # the last batch (4) is smaller than the chains (7)
    assert rbm.fantasy.shape == (7, 8)
    rbm.fit(x, epochs=1, batch_size=20, verbose=0)  # new chains start at the data of the larger batch
    assert rbm.fantasy.shape == (20, 8)
    np.testing.assert_array_equal(np.unique(rbm.fantasy), [0.0, 1.0])


def test_monitoring_leaves_the_training_stream_alone(rng):
    x = (rng.random((100, 8)) < 0.3).astype("float32")
    weights = []
    for validate in (False, True):
        layerwise.utils.set_random_seed(0)
        rbm = BernoulliRBM(3, seed=4)
        rbm.compile(optimizer="sgd")
        rbm.fit(x, epochs=2, batch_size=10, verbose=0, validation_data=x[:20] if validate else None)
        weights.append(rbm.kernel.value.copy())
    np.testing.assert_array_equal(weights[0], weights[1])


def test_weight_decay_shrinks_the_weights(rng):
    x = (rng.random((200, 8)) < 0.3).astype("float32")
    norms = []
    for regularizer in (None, layerwise.regularizers.L2(0.05)):
        rbm = BernoulliRBM(4, kernel_regularizer=regularizer, seed=0)
        rbm.compile(optimizer=SGD(0.1, momentum=0.5))
        rbm.fit(x, epochs=5, batch_size=10, verbose=0)
        norms.append(float(np.linalg.norm(rbm.kernel.value)))
    assert norms[1] < 0.7 * norms[0], norms


def test_save_load_round_trip(tmp_path, rng):
    x = (rng.random((100, 8)) < 0.3).astype("float32")
    rbm = BernoulliRBM(3, k=2, kernel_regularizer=layerwise.regularizers.L2(1e-4), seed=5)
    rbm.compile(optimizer=SGD(0.1, momentum=0.5))
    rbm.fit(x, epochs=1, batch_size=10, verbose=0)
    rbm.save(tmp_path / "rbm.keras")
    loaded = load_model(tmp_path / "rbm.keras")
    assert type(loaded) is BernoulliRBM and loaded.get_config() == rbm.get_config()
    np.testing.assert_array_equal(loaded.transform(x), rbm.transform(x))
    # Momentum, the sampler's generator and the weights carry over: training continues bit-identically.
    for model in (rbm, loaded):
        layerwise.utils.set_random_seed(7)
        model.fit(x, epochs=1, batch_size=10, verbose=0)
    np.testing.assert_array_equal(loaded.kernel.value, rbm.kernel.value)


def test_clear_errors(rng):
    rbm = BernoulliRBM(3)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        rbm.transform(rng.normal(size=(4, 5)) * 3)
    with pytest.raises(ValueError, match="metrics"):
        rbm.compile(optimizer="sgd", metrics=["accuracy"])
    with pytest.raises(ValueError, match="k"):
        BernoulliRBM(3, k=0)
    with pytest.raises(ValueError, match="fit it first"):
        GaussianBernoulliRBM(2).sample(3)
    rbm.compile(optimizer="sgd")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):  # before any training, not at the first monitor
        rbm.fit(np.full((20, 5), 2.0), epochs=1, verbose=0)


def test_diverging_training_is_reported(rng):
    rbm = GaussianBernoulliRBM(3, seed=0)
    rbm.compile(optimizer=SGD(50.0))
    with pytest.raises(layerwise.errors.DivergenceError):
        rbm.fit(rng.normal(size=(100, 4)) * 100, epochs=5, batch_size=10, verbose=0)
