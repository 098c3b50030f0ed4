"""A functional graph (a shared layer, a merge, batch normalization) saved and loaded: the same outputs,
and training continues exactly where it stopped."""

import numpy as np

import layerwise
from layerwise.layers import Add, BatchNormalization, Dense


def _graph():
    inputs = layerwise.Input(shape=(4,))
    shared = Dense(4, activation="tanh")
    hidden = Add()([shared(inputs), shared(shared(inputs))])
    outputs = Dense(3, activation="softmax")(BatchNormalization()(hidden))
    model = layerwise.Model(inputs, outputs)
    model.compile(optimizer=layerwise.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


def test_functional_model_round_trips_and_resumes_bit_identically(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 4)).astype("float32"), rng.integers(0, 3, 40)
    layerwise.utils.set_random_seed(1)
    straight = _graph()
    straight.fit(x, y, epochs=2, batch_size=8, verbose=0)

    layerwise.layers.base.clear_session()
    layerwise.utils.set_random_seed(1)
    first = _graph()
    first.fit(x, y, epochs=1, batch_size=8, verbose=0)
    first.save(tmp_path / "graph.lw")
    loaded = layerwise.models.load_model(tmp_path / "graph.lw")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), first.predict(x, verbose=0))
    loaded.fit(x, y, epochs=2, initial_epoch=1, batch_size=8, verbose=0)

    for resumed, reference in zip(loaded.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(resumed, reference)
