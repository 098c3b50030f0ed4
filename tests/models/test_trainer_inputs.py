"""fit / evaluate / predict on arrays, Datasets, Sequences and generators; augmentation in training."""

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise.data import Dataset, Sequence


def regression_data(rng, n=64):
    x = rng.normal(size=(n, 3)).astype(np.float32)
    return x, x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32)


def model(seed=0):
    layerwise.utils.set_random_seed(seed)
    net = layerwise.Sequential([layerwise.Input(shape=(3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)])
    net.compile(optimizer=layerwise.optimizers.SGD(0.05), loss="mse")
    return net


class Batches(Sequence):
    def __init__(self, x, y, size):
        self.x, self.y, self.size, self.epochs_ended, self.requested = x, y, size, 0, []

    def __len__(self):
        return -(-len(self.x) // self.size)

    def __getitem__(self, index):
        self.requested.append(index)
        window = slice(index * self.size, (index + 1) * self.size)
        return self.x[window], self.y[window]

    def on_epoch_end(self):
        self.epochs_ended += 1


@pytest.mark.parametrize("source", ["dataset", "sequence", "generator"])
def test_every_source_trains_exactly_like_unshuffled_arrays(rng, source):
    x, y = regression_data(rng)
    reference = model()
    expected = reference.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history["loss"]
    sources = {
        "dataset": lambda: Dataset.from_arrays(x, y).batch(16),
        "sequence": lambda: Batches(x, y, 16),
        "generator": lambda: ((x[i:i + 16], y[i:i + 16]) for _ in range(3) for i in range(0, 64, 16)),
    }
    net = model()
    steps = 4 if source == "generator" else None
    history = net.fit(sources[source](), epochs=3, verbose=0, steps_per_epoch=steps).history["loss"]
    np.testing.assert_allclose(history, expected, rtol=1e-6)
    for a, b in zip(net.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_sequence_is_read_in_order_and_told_each_epoch_end(rng):
    x, y = regression_data(rng, 40)
    batches = Batches(x, y, 16)
    model().fit(batches, epochs=2, verbose=0)
    assert batches.requested == [0, 1, 2, 0, 1, 2] and batches.epochs_ended == 2


def test_an_exhausted_generator_names_steps_per_epoch(rng):
    x, y = regression_data(rng)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        model().fit(((x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)), epochs=2, verbose=0)


def test_evaluate_and_predict_accept_datasets(rng):
    x, y = regression_data(rng, 50)
    net = model()
    dataset = Dataset.from_arrays(x, y).batch(16)
    assert net.evaluate(dataset, verbose=0) == pytest.approx(net.evaluate(x, y, verbose=0), rel=1e-6)
    np.testing.assert_allclose(net.predict(dataset), net.predict(x), rtol=1e-6)
    np.testing.assert_allclose(net.predict(Dataset.from_arrays(x).batch(7).prefetch()), net.predict(x), rtol=1e-6)


def test_validation_data_may_be_a_dataset(rng):
    x, y = regression_data(rng)
    history = model().fit(x, y, epochs=2, verbose=0, validation_data=Dataset.from_arrays(x, y).batch(32))
    assert len(history.history["val_loss"]) == 2


def test_y_with_a_dataset_and_steps_with_arrays_are_rejected(rng):
    x, y = regression_data(rng)
    with pytest.raises(ValueError, match="y and sample_weight must be left unset"):
        model().fit(Dataset.from_arrays(x, y), y, verbose=0)
    with pytest.raises(ValueError, match="steps apply to a Dataset"):
        model().fit(x, y, steps_per_epoch=2, verbose=0)


def test_uint8_images_are_converted_per_batch_and_augmented_only_in_training(rng):
    x = rng.integers(0, 256, size=(48, 6, 6, 1), dtype=np.uint8)
    y = layerwise.utils.to_categorical(rng.integers(0, 3, size=48), 3)
    shift = layers.RandomTranslation(0.2, 0.2, fill_mode="constant", seed=0)
    net = layerwise.Sequential([layerwise.Input(shape=(6, 6, 1)), layers.Rescaling(1 / 255), shift,
                                layers.Flatten(), layers.Dense(3, activation="softmax")])
    net.compile(optimizer="sgd", loss="categorical_crossentropy")
    calls = []
    forward = shift.forward
    shift.forward = lambda batch, training=False: calls.append((batch.dtype, training)) or forward(batch, training)
    net.fit(Dataset.from_arrays(x, y).shuffle(seed=0).batch(16), epochs=1, verbose=0)
    assert calls == [(np.float32, True)] * 3
    calls.clear()
    np.testing.assert_array_equal(net.predict(x, batch_size=48), net.call(x.astype(np.float32)))
    assert calls == [(np.float32, False)] * 2


def test_training_skips_the_backward_pass_of_untrainable_bottom_layers(rng):
    x = rng.normal(size=(8, 5, 5, 1)).astype(np.float32)
    y = rng.normal(size=(8, 2)).astype(np.float32)
    flip = layers.RandomFlip(seed=0)
    net = layerwise.Sequential([layerwise.Input(shape=(5, 5, 1)), flip, layers.Flatten(), layers.Dense(2)])
    net.compile(optimizer="sgd", loss="mse")
    calls = []
    backward = flip.backward
    flip.backward = lambda dy: calls.append(dy.shape) or backward(dy)
    net.fit(x, y, batch_size=4, verbose=0)
    assert calls == []
    net.call(x, training=True)
    assert net.backward(np.ones((8, 2), dtype=np.float32)).shape == x.shape and calls == [(8, 5, 5, 1)]
