"""sample_weight and class_weight in fit, evaluate, train_on_batch and test_on_batch, validation_data and batch
sources: Keras's weighted reduction J = (1/N) sum_n w_n l_n, and the gradient it implies."""

import numpy as np
import pytest

import layerwise
from layerwise import losses, metrics
from layerwise.layers import Dense
from layerwise.models._sample_weights import class_sample_weights


def _classifier(loss="categorical_crossentropy", activation="softmax", units=3, learning_rate=0.0):
    model = layerwise.Sequential([layerwise.Input(shape=(5,)), Dense(4, activation="tanh"),
                                  Dense(units, activation=activation)])
    model.compile(optimizer=layerwise.optimizers.SGD(learning_rate), loss=loss)
    return model


@pytest.mark.parametrize("loss, y_true, y_pred", [
    (losses.MeanSquaredError(), np.arange(8.0).reshape(4, 2), np.ones((4, 2))),
    (losses.CategoricalCrossentropy(), np.eye(3)[[0, 2, 1, 1]], np.full((4, 3), 1 / 3) + [[0.1, -0.1, 0.0]] * 4),
    (losses.SparseCategoricalCrossentropy(from_logits=True), np.array([0, 2, 1, 1]), np.arange(12.0).reshape(4, 3)),
    (losses.Hinge(), np.array([[1.0], [0.0], [1.0], [0.0]]), np.array([[0.3], [0.2], [-1.0], [2.0]])),
])
def test_weighted_loss_is_keras_sum_over_batch_size(loss, y_true, y_pred):
    """Keras: losses times weights, summed, divided by the number of per-sample losses (not the weights' sum)."""
    weights = np.array([0.5, 2.0, 0.0, 1.5])
    per_sample = loss.call(y_true, y_pred)
    assert loss(y_true, y_pred, weights) == pytest.approx(np.sum(weights * per_sample) / per_sample.size, rel=1e-12)
    np.testing.assert_allclose(loss.weigh(loss.gradient(y_true, y_pred), weights),
                               loss.gradient(y_true, y_pred) * weights[:, None], rtol=1e-15)


def test_per_step_weights_of_sequences_and_mismatched_weights():
    loss = losses.MeanSquaredError()
    y_true, y_pred = np.zeros((2, 3, 4)), np.ones((2, 3, 4))
    weights = np.array([[1.0, 0.0, 2.0], [0.5, 0.5, 0.0]])
    assert loss(y_true, y_pred, weights) == pytest.approx(weights.sum() / 6)
    with pytest.raises(ValueError, match=r"sample weights of shape \(3,\) do not go with per-sample losses of shape"):
        loss(y_true, y_pred, np.ones(3))
    with pytest.raises(ValueError, match=r"Dice: sample weights of shape \(2,\) do not go with per-sample losses"):
        losses.Dice()(np.ones((2, 3)), np.ones((2, 3)), np.ones(2))


@pytest.mark.parametrize("fused", [True, False])
def test_the_gradient_is_the_gradient_of_the_weighted_loss(fused, float64, rng):
    """dJ/dθ of J = (1/N) sum w_n l_n against central differences of that J, through the fused softmax gradient
    and through the plain chain rule."""
    model = _classifier("categorical_crossentropy" if fused else "kl_divergence")
    assert model.fuses_loss_gradient is fused
    x, y = rng.normal(size=(6, 5)), np.eye(3)[rng.integers(0, 3, size=6)]
    weights = rng.uniform(0, 3, size=6)
    model._train_step(x, y, sample_weight=weights)
    for parameter in model.trainable_weights:
        analytic = parameter.grad.copy()
        numeric = np.zeros_like(analytic)
        for index in np.ndindex(parameter.shape):
            original = parameter.value[index]
            parameter.value[index] = original + 1e-6
            plus = model._train_step(x, y, sample_weight=weights)[0]
            parameter.value[index] = original - 1e-6
            minus = model._train_step(x, y, sample_weight=weights)[0]
            parameter.value[index] = original
            numeric[index] = (plus - minus) / 2e-6
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-9, err_msg=parameter.name)


def test_a_weight_of_two_is_the_sample_twice_and_zero_leaves_it_out(float64, rng):
    """Integer weights are repetitions (up to the batch size in the mean): the gradient of the weighted batch of N is
    the gradient of the batch with repetitions, times (N + extra) / N."""
    x, y = rng.normal(size=(4, 5)), np.eye(3)[[0, 1, 2, 1]]
    weights = np.array([2.0, 1.0, 0.0, 1.0])
    weighted, repeated = _classifier(), _classifier()
    repeated.set_weights(weighted.get_weights())
    weighted._train_step(x, y, sample_weight=weights)
    repeated._train_step(x[[0, 0, 1, 3]], y[[0, 0, 1, 3]])
    for a, b in zip(weighted.trainable_weights, repeated.trainable_weights):
        np.testing.assert_allclose(a.grad, b.grad, rtol=1e-12, atol=1e-15)


def test_fit_evaluate_and_batches_with_sample_weights(rng):
    x, y = rng.normal(size=(30, 5)).astype("float32"), np.eye(3)[rng.integers(0, 3, size=30)]
    weights = rng.uniform(0.1, 2.0, size=30)
    model = _classifier(learning_rate=0.1)
    model.compile(optimizer=layerwise.optimizers.SGD(0.1), loss="categorical_crossentropy",
                  metrics=["categorical_accuracy", metrics.AUC(name="auc")])
    logs = model.evaluate(x, y, batch_size=7, sample_weight=weights, verbose=0, return_dict=True)
    p = model.predict(x, verbose=0)
    per_sample = losses.CategoricalCrossentropy().call(y, p)
    assert logs["loss"] == pytest.approx(np.sum(weights * per_sample) / 30, rel=1e-5)
    hits = (p.argmax(1) == y.argmax(1)).astype(float)
    assert logs["categorical_accuracy"] == pytest.approx(np.sum(weights * hits) / weights.sum(), rel=1e-6)
    assert model.test_on_batch(x, y, sample_weight=weights, return_dict=True) == pytest.approx(logs, rel=1e-5)
    generator = ((x[i:i + 10], y[i:i + 10], weights[i:i + 10]) for i in range(0, 30, 10))
    assert model.evaluate(generator, steps=3, verbose=0, return_dict=True) == pytest.approx(logs, rel=1e-5)
    history = model.fit(x, y, sample_weight=weights, batch_size=10, epochs=2, verbose=0,
                        validation_data=(x, y, weights))
    assert history.history["val_loss"][-1] == pytest.approx(
        model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)["loss"], rel=1e-5)
    history = model.fit(x, y, sample_weight=weights, batch_size=10, validation_split=0.2, verbose=0)
    assert set(history.history) == {"loss", "categorical_accuracy", "auc", "val_loss", "val_categorical_accuracy",
                                    "val_auc"}


def test_a_zero_weight_sample_does_not_move_the_weights(rng):
    x, y = rng.normal(size=(2, 5)).astype("float32"), np.eye(3)[[0, 1]]
    model, alone = _classifier(learning_rate=0.5), _classifier(learning_rate=0.5)
    alone.set_weights(model.get_weights())
    model.train_on_batch(x, y, sample_weight=[1.0, 0.0])
    alone.train_on_batch(x[:1], y[:1], sample_weight=[0.5])  # J = 1 * l_0 / 2: the same step
    for a, b in zip(model.get_weights(), alone.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_class_weight_is_the_sample_weight_of_each_class(rng):
    x, labels = rng.normal(size=(12, 5)).astype("float32"), rng.integers(0, 3, size=12)
    class_weight = {0: 0.5, 2: 3.0}
    np.testing.assert_array_equal(class_sample_weights(labels, class_weight),
                                  np.array([class_weight.get(c, 1.0) for c in labels]))
    np.testing.assert_array_equal(class_sample_weights(np.eye(3)[labels], class_weight),
                                  class_sample_weights(labels, class_weight))
    np.testing.assert_array_equal(class_sample_weights(np.array([[0.2], [0.9]]), {1: 4.0}), [1.0, 4.0])
    by_class, by_sample = (_classifier("sparse_categorical_crossentropy", learning_rate=0.3) for _ in range(2))
    by_sample.set_weights(by_class.get_weights())
    by_class.fit(x, labels, class_weight=class_weight, batch_size=4, epochs=2, shuffle=False, verbose=0)
    by_sample.fit(x, labels, sample_weight=class_sample_weights(labels, class_weight), batch_size=4, epochs=2,
                  shuffle=False, verbose=0)
    for a, b in zip(by_class.get_weights(), by_sample.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert by_class.train_on_batch(x, labels, class_weight=class_weight) is not None


def test_weight_arguments_are_checked_before_any_work(rng):
    x, y = rng.normal(size=(4, 5)), np.eye(3)[[0, 1, 2, 0]]
    model = _classifier()
    with pytest.raises(ValueError, match=r"fit: sample_weight must be an array of one number per sample \(4\)"):
        model.fit(x, y, sample_weight=np.ones(3), verbose=0)
    with pytest.raises(ValueError, match="fit: give sample_weight or class_weight, not both"):
        model.fit(x, y, sample_weight=np.ones(4), class_weight={0: 2.0}, verbose=0)
    with pytest.raises(ValueError, match="fit: class_weight must be a dict of class index"):
        model.fit(x, y, class_weight={"cat": 2.0}, verbose=0)
    with pytest.raises(ValueError, match="evaluate: sample_weight holds NaN"):
        model.evaluate(x, y, sample_weight=[1.0, np.nan, 1.0, 1.0], verbose=0)
    with pytest.raises(ValueError, match=r"fit \(validation_data\): sample_weight must be an array"):
        model.fit(x, y, validation_data=(x, y, np.ones(2)), verbose=0)


def test_a_dataset_of_weighted_samples_trains_as_the_weighted_arrays(rng):
    x, y = rng.normal(size=(12, 5)).astype("float32"), np.eye(3)[rng.integers(0, 3, size=12)]
    weights = rng.uniform(0, 2, size=12)
    from_dataset, from_arrays = _classifier(learning_rate=0.2), _classifier(learning_rate=0.2)
    from_arrays.set_weights(from_dataset.get_weights())
    data = layerwise.data.Dataset.from_arrays(x, y, sample_weight=weights).batch(4).map(lambda a, b: (a * 2, b))
    assert len(next(iter(data))) == 3
    from_dataset.fit(data, epochs=2, verbose=0)
    from_arrays.fit(x * 2, y, sample_weight=weights, batch_size=4, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(from_dataset.get_weights(), from_arrays.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    with pytest.raises(ValueError, match="x, y and sample_weight must be arrays of the same number of samples"):
        layerwise.data.Dataset.from_arrays(x, y, sample_weight=weights[:3])
