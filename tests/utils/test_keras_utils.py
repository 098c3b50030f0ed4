"""keras.utils's array and data helpers: pad_sequences, normalize, batch packing, PyDataset, get_source_inputs."""

import numpy as np
import pytest

import layerwise
from layerwise import utils
from layerwise.layers import Dense, add


@pytest.mark.parametrize("padding, truncating, expected", [
    ("pre", "pre", [[0, 0, 1], [3, 4, 5], [0, 6, 7]]),
    ("post", "pre", [[1, 0, 0], [3, 4, 5], [6, 7, 0]]),
    ("pre", "post", [[0, 0, 1], [2, 3, 4], [0, 6, 7]]),
])
def test_pad_sequences_as_keras(padding, truncating, expected):
    out = utils.pad_sequences([[1], [2, 3, 4, 5], [6, 7]], maxlen=3, padding=padding, truncating=truncating)
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.int32


def test_pad_sequences_of_vectors_with_a_value_and_errors():
    out = utils.pad_sequences([np.ones((1, 2)), np.zeros((2, 2))], dtype="float32", value=-1.0)
    np.testing.assert_array_equal(out, [[[-1, -1], [1, 1]], [[0, 0], [0, 0]]])
    with pytest.raises(ValueError, match="padding must be 'pre' or 'post', received 'middle'"):
        utils.pad_sequences([[1]], padding="middle")


def test_normalize_as_keras():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, -1.0]])
    np.testing.assert_allclose(utils.normalize(x), [[0.6, 0.8], [0, 0], [2 ** -0.5, -2 ** -0.5]])
    np.testing.assert_allclose(utils.normalize(x, axis=0, order=1), x / np.array([4.0, 5.0]))


def test_pack_and_unpack_batches():
    x, y, w = np.ones(2), np.zeros(2), np.full(2, 0.5)
    assert utils.pack_x_y_sample_weight(x) is x
    assert utils.pack_x_y_sample_weight((x, x)) == ((x, x),)
    assert utils.unpack_x_y_sample_weight(utils.pack_x_y_sample_weight(x, y, w)) == (x, y, w)
    assert utils.unpack_x_y_sample_weight([x, y]) == (x, y, None)
    assert utils.unpack_x_y_sample_weight(x) == (x, None, None)
    with pytest.raises(ValueError, match="received a tuple of 4"):
        utils.unpack_x_y_sample_weight((x, y, w, w))


def test_a_py_dataset_trains_a_model():
    class Batches(utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.epochs = 0

        def __len__(self):
            return 3

        def __getitem__(self, index):
            x = np.full((4, 2), float(index), dtype="float32")
            return x, x.sum(axis=1, keepdims=True)

        def on_epoch_end(self):
            self.epochs += 1

    data = Batches(workers=2, use_multiprocessing=False, max_queue_size=4)
    assert (data.workers, data.max_queue_size) == (2, 4)
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(data, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and data.epochs == 2
    assert utils.Sequence is layerwise.data.Sequence


def test_get_source_inputs_walks_to_the_inputs():
    a, b = layerwise.Input(shape=(2,)), layerwise.Input(shape=(2,))
    hidden = Dense(2)(a)
    assert utils.get_source_inputs(add([hidden, b])) == [a, b]
    assert utils.get_source_inputs(a) == [a]
    assert utils.get_source_inputs(add([hidden, Dense(2)(hidden)])) == [a]
