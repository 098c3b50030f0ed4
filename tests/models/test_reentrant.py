"""Per-call state makes inference re-entrant: threads calling one model never see each other's state."""

import threading

import numpy as np
import pytest

import layerwise
from layerwise import layers


def dense():
    return layerwise.Sequential([layerwise.Input(shape=(12,)), layers.Dense(32, activation="relu"),
                                 layers.Dense(4, activation="softmax")]), (64, 12)


def convolutional():
    return layerwise.Sequential([layerwise.Input(shape=(10, 10, 3)), layers.Conv2D(8, 3, activation="relu"),
                                 layers.MaxPooling2D(), layers.Conv2D(8, 3, padding="same"), layers.Flatten(),
                                 layers.Dense(4, activation="softmax")]), (64, 10, 10, 3)


def recurrent():
    return layerwise.Sequential([layerwise.Input(shape=(7, 5)), layers.LSTM(6, return_sequences=True),
                                 layers.GRU(4), layers.Dense(4, activation="softmax")]), (64, 7, 5)


def batch_normalized():
    x = layerwise.Input(shape=(12,))
    h = layers.BatchNormalization()(layers.Dense(16)(x))
    return layerwise.Model(x, layers.Dense(4, activation="softmax")(layers.Add()([h, layers.Dense(16)(x)]))), (64, 12)


MODELS = [dense, convolutional, recurrent, batch_normalized]


def _in_threads(function, count=2, repeats=12):
    results, errors = [[] for _ in range(count)], []
    start = threading.Barrier(count)

    def run(index):
        try:
            start.wait()
            for _ in range(repeats):
                results[index].append(function(index))
        except Exception as error:  # noqa: BLE001 - reported to the test's thread below
            errors.append(error)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


@pytest.mark.parametrize("factory", MODELS, ids=[f.__name__ for f in MODELS])
def test_two_threads_predicting_get_what_one_thread_gets(factory, rng):
    layerwise.utils.set_random_seed(0)
    model, shape = factory()
    data = [rng.normal(size=shape).astype("float32") for _ in range(2)]
    alone = [model.predict(x, batch_size=16, verbose=0) for x in data]
    for index, outputs in enumerate(_in_threads(lambda i: model.predict(data[i], batch_size=16, verbose=0))):
        for output in outputs:
            np.testing.assert_array_equal(output, alone[index])


@pytest.mark.parametrize("factory", MODELS, ids=[f.__name__ for f in MODELS])
def test_predicting_from_another_thread_never_changes_what_fit_computes(factory, rng):
    model, shape = factory()
    x = rng.normal(size=shape).astype("float32")
    y = rng.integers(0, 4, size=len(x))

    def train(disturbed):
        layerwise.utils.set_random_seed(0)
        layerwise.layers.base.clear_session()
        trained, _ = factory()
        trained.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        stop = threading.Event()

        def disturb():
            while not stop.is_set():
                trained.predict(x[::-1], batch_size=16, verbose=0)
        other = threading.Thread(target=disturb)
        if disturbed:
            other.start()
        try:
            history = trained.fit(x, y, epochs=3, batch_size=16, verbose=0)
        finally:
            stop.set()
            if disturbed:
                other.join()
        return history.history["loss"], trained.get_weights()

    (quiet_loss, quiet_weights), (loss, weights) = train(False), train(True)
    assert quiet_loss == loss
    for a, b in zip(quiet_weights, weights, strict=True):
        np.testing.assert_array_equal(a, b)
