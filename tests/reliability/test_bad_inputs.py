"""A table of bad inputs a careful user might give: each row is a call, the exception it must raise and a
phrase its message must contain (the argument's name, what was expected, what was received).

The rows cover issue 19's data and training items: non-finite data after the cast to the model's dtype
and in object arrays, targets that cannot be right, empty and degenerate inputs, and arguments of the
wrong type or range, checked at the call before any work is done."""

import numpy as np
import pytest

import layerwise
from layerwise import callbacks, layers
from layerwise.data import Dataset
from layerwise.layers import Dense, Input
from layerwise.utils._arguments import check_integer

RNG = np.random.default_rng(0)
X = RNG.random((12, 3)).astype("float32")
Y = RNG.random((12, 1)).astype("float32")
LABELS = np.arange(12) % 3
ONE_HOT = np.eye(3, dtype="float32")[LABELS]


def _model(loss="mse", units=1, activation=None, dtype=None):
    model = layerwise.Sequential([Dense(4, activation="relu", dtype=dtype), Dense(units, activation=activation,
                                                                                dtype=dtype)])
    model.compile(optimizer="sgd", loss=loss)
    return model


def _classifier(loss="categorical_crossentropy"):
    return _model(loss, 3, "softmax")


def _fit(model=None, x=X, y=Y, **kwargs):
    return lambda: (model or _model()).fit(x, y, verbose=0, **kwargs)


def _with(array, index, value, dtype=None):
    array = np.array(array, dtype=dtype or array.dtype)
    array[index] = value
    return array


OBJECTS = X.astype(object)

ROWS = [
    # ---- 6. NaN and inf, after the cast to the model's dtype and for every dtype --------------------
    ("x 1e300 overflows float32", _fit(x=_with(X, (4, 1), 1e300, "float64")), ValueError,
     "fit: x contains NaN or inf (first in sample 4) once cast to float32, the model's dtype: 1e+300 at index (4, 1)"),
    ("y -1e300 overflows float32", _fit(y=_with(Y, (7, 0), -1e300, "float64")), ValueError,
     "fit: y contains NaN or inf (first in sample 7) once cast to float32, the model's dtype: -1e+300 at index (7, 0)"),
    ("x 1e300 evaluate", lambda: _model().evaluate(_with(X, (2, 2), 1e300, "float64"), Y, verbose=0), ValueError,
     "evaluate: x contains NaN or inf (first in sample 2)"),
    ("x 1e300 predict", lambda: _model().predict(_with(X, (3, 0), 1e300, "float64"), verbose=0), ValueError,
     "predict: x contains NaN or inf (first in sample 3)"),
    ("x 70000 overflows float16", _fit(model=_model(dtype="float16"), x=_with(X, (5, 0), 7e4, "float64")),
     ValueError, "once cast to float16, the model's dtype: 70000.0 at index (5, 0)"),
    ("x int overflows float16", _fit(model=_model(dtype="float16"), x=_with(np.ones((12, 3), "int64"), (1, 1),
                                                                              10 ** 6)),
     ValueError, "x contains NaN or inf (first in sample 1) once cast to float16"),
    ("x object with None", _fit(x=_with(OBJECTS, (6, 2), None)), ValueError,
     "fit: x contains NaN or inf (first in sample 6) once cast to float32, the model's dtype: None at index (6, 2)"),
    ("x object with nan", _fit(x=_with(OBJECTS, (1, 0), float("nan"))), ValueError,
     "x contains NaN or inf (first in sample 1) once cast to float32, the model's dtype: nan at index (1, 0)"),
    ("x object with a string", _fit(x=_with(OBJECTS, (9, 1), "seven")), ValueError,
     "fit: x must be numbers, received 'seven' at index (9, 1) (1 such value)"),
    ("x strings", _fit(x=np.full((12, 3), "a")), ValueError, "fit: x must be numbers, received 'a' at index (0, 0)"),
    ("y object with inf", _fit(y=_with(Y.astype(object), (3, 0), float("inf"))), ValueError,
     "fit: y contains NaN or inf (first in sample 3)"),
    ("validation x nan", _fit(validation_data=(_with(X, (8, 0), np.nan), Y)), ValueError,
     "fit (validation_data): x contains NaN or inf (first in sample 8)"),
    # ---- 8. targets that cannot be right ---------------------------------------------------------
    ("categorical negative target", _fit(model=_classifier(), y=_with(ONE_HOT, (5, 2), -1.0)), ValueError,
     "CategoricalCrossentropy: targets must be probabilities in [0, 1], received -1.0 at index (5, 2)"),
    ("categorical target above 1", _fit(model=_classifier(), y=_with(ONE_HOT, (0, 0), 2.0)), ValueError,
     "CategoricalCrossentropy: targets must be probabilities in [0, 1], received 2.0 at index (0, 0)"),
    ("binary target above 1", _fit(model=_model("binary_crossentropy", activation="sigmoid"),
                                   y=_with(np.round(Y), (10, 0), 3.0)), ValueError,
     "BinaryCrossentropy: targets must be probabilities in [0, 1], received 3.0 at index (10, 0)"),
    ("sparse label out of range", _fit(model=_classifier("sparse_categorical_crossentropy"),
                                       y=_with(LABELS, 4, 3)), ValueError,
     "SparseCategoricalCrossentropy: labels must be integers in [0, 3) (one per class of the model's output), "
     "received 3 at index 4"),
    ("sparse label negative", _fit(model=_classifier("sparse_categorical_crossentropy"),
                                   y=_with(LABELS, 11, -1)), ValueError, "received -1 at index 11"),
    ("sparse label not an integer", _fit(model=_classifier("sparse_categorical_crossentropy"),
                                         y=_with(LABELS, 2, 1.5, "float64")), ValueError,
     "labels must be integers in [0, 3) (one per class of the model's output), received 1.5 at index 2"),
    ("sparse string labels", _fit(model=_classifier("sparse_categorical_crossentropy"),
                                  y=np.array(["cat", "dog", "eel"] * 4)), ValueError,
     "fit: y must be numbers, received 'cat' at index 0 (12 such values); received an array of dtype <U3; "
     "encode labels"),
    ("sparse labels in a batch source", lambda: _classifier("sparse_categorical_crossentropy").fit(
        Dataset.from_arrays(X, _with(LABELS, 5, 7)).batch(4), verbose=0), ValueError, "received 7 at index 1"),
    ("sparse labels on evaluate", lambda: _classifier("sparse_categorical_crossentropy").evaluate(
        X, _with(LABELS, 0, 9), verbose=0), ValueError, "received 9 at index 0"),
    # ---- 9. empty and degenerate inputs ----------------------------------------------------------
    ("evaluate on zero samples", lambda: _model().evaluate(X[:0], Y[:0], verbose=0), ValueError,
     "evaluate: x and y hold no samples (received x of shape (0, 3))"),
    ("fit on zero samples", _fit(x=X[:0], y=Y[:0]), ValueError, "fit: x and y hold no samples"),
    ("train_on_batch on zero samples", lambda: _model().train_on_batch(X[:0], Y[:0]), ValueError,
     "train_on_batch: x and y hold no samples"),
    ("test_on_batch on zero samples", lambda: _model().test_on_batch(X[:0], Y[:0]), ValueError,
     "test_on_batch: x and y hold no samples"),
    ("validation on zero samples", _fit(validation_data=(X[:0], Y[:0])), ValueError,
     "fit (validation_data): x and y hold no samples"),
    # ---- 10. arguments: named, expected and received, at the call ----------------------------------
    ("epochs float", _fit(epochs=2.0), ValueError, "fit: epochs must be a non-negative integer, received 2.0"),
    ("epochs string", _fit(epochs="2"), ValueError, "epochs must be a non-negative integer, received '2'"),
    ("epochs negative", _fit(epochs=-1), ValueError, "epochs must be a non-negative integer, received -1"),
    ("epochs bool", _fit(epochs=True), ValueError, "epochs must be a non-negative integer, received True"),
    ("initial_epoch float", _fit(initial_epoch=0.5), ValueError, "initial_epoch must be a non-negative integer"),
    ("batch_size negative", _fit(batch_size=-1), ValueError, "fit: batch_size must be a positive integer, "
                                                              "received -1"),
    ("batch_size float", _fit(batch_size=8.0), ValueError, "batch_size must be a positive integer, received 8.0"),
    ("evaluate batch_size 0", lambda: _model().evaluate(X, Y, batch_size=0, verbose=0), ValueError,
     "evaluate: batch_size must be a positive integer, received 0"),
    ("predict batch_size string", lambda: _model().predict(X, batch_size="4", verbose=0), ValueError,
     "predict: batch_size must be a positive integer, received '4'"),
    ("validation_freq 0", _fit(validation_data=(X, Y), validation_freq=0), ValueError,
     "validation_freq must be a positive integer, received 0"),
    ("validation_batch_size negative", _fit(validation_data=(X, Y), validation_batch_size=-2), ValueError,
     "validation_batch_size must be a positive integer or None, received -2"),
    ("steps_per_epoch float", _fit(steps_per_epoch=1.5), ValueError,
     "steps_per_epoch must be a positive integer or None, received 1.5"),
    ("verbose string", lambda: _model().fit(X, Y, verbose="loud"), ValueError,
     "verbose (or 'auto') must be a non-negative integer, received 'loud'"),
    ("validation_data 3-tuple, wrong weights", _fit(validation_data=(X, Y, np.ones(5))), ValueError,
     "fit (validation_data): sample_weight must be an array of one number per sample (12), received an array of "
     "shape (5,)"),
    ("validation_data 1-tuple", _fit(validation_data=(X,)), ValueError, "received a tuple of 1"),
    ("validation_data array", _fit(validation_data=X), ValueError, "validation_data must be a tuple (x_val, "
                                                                   "y_val) or (x_val, y_val, sample_weight_val), or "
                                                                   "a Dataset, Sequence or generator, received "
                                                                   "ndarray"),
    ("validation_data bad shape", _fit(validation_data=(X[:, :2], Y)), ValueError,
     "fit (validation_data): Model 'sequential"),
    ("validation_split string", _fit(validation_split="0.2"), ValueError,
     "validation_split must lie in (0, 1), received '0.2'"),
    ("validation_split 1.5", _fit(validation_split=1.5), ValueError, "validation_split must lie in "
                                                                     "(0, 1), received 1.5"),
    ("validation_split of one sample", _fit(x=X[:1], y=Y[:1], validation_split=0.5), ValueError,
     "validation_split=0.5 of 1 samples leaves 0 for training and 1 for validation"),
    ("mc_samples 0", lambda: _model().predict(X, mc_samples=0, verbose=0), ValueError,
     "predict: mc_samples must be a positive integer or None, received 0"),
    ("Input negative shape", lambda: Input(shape=(-4,)), ValueError,
     "Input: shape must be a tuple of positive integers (None for an axis of free length), received (-4,)"),
    ("Input float shape", lambda: Input(shape=(2.5,)), ValueError, "shape must be a tuple of positive integers"),
    ("Input string shape", lambda: Input(shape="784"), ValueError, "received '784'"),
    ("input_shape zero", lambda: Dense(3, input_shape=(0, 2)), ValueError,
     "Dense: input_shape must be a tuple of positive integers (None for an axis of free length), received (0, 2)"),
    ("input_dim negative", lambda: Dense(3, input_dim=-7), ValueError,
     "Dense: input_dim must be a positive integer, received -7"),
    ("Dense units float", lambda: Dense(2.0), ValueError, "Dense: units must be a positive integer, received 2.0"),
    ("Dataset.batch 0", lambda: Dataset.from_arrays(X, Y).batch(0), ValueError,
     "Dataset.batch: batch_size must be a positive integer, received 0"),
    ("set_random_seed negative", lambda: layerwise.utils.set_random_seed(-1), ValueError,
     "set_random_seed: seed must be a non-negative integer, received -1"),
    ("Dropout seed float", lambda: layers.Dropout(0.5, seed=1.5), ValueError,
     "Dropout: seed must be a non-negative integer or None, received 1.5"),
    ("LSTM units 0", lambda: layers.LSTM(0), ValueError, "LSTM: units must be a positive integer, received 0"),
    ("Conv2D filters bool", lambda: layers.Conv2D(True, 3), ValueError,
     "Conv2D: filters must be a positive integer or None, received True"),
]


@pytest.mark.parametrize("call, error, phrase", [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_a_bad_input_gets_a_clear_error(call, error, phrase):
    with pytest.raises(error) as raised:
        call()
    assert phrase in str(raised.value)


def test_the_table_has_at_least_40_rows():
    assert len(ROWS) >= 40


@pytest.mark.parametrize("arguments", [{"epochs": 2.0}, {"validation_data": (X, Y, np.ones(5))},
                                       {"validation_freq": 0}, {"batch_size": -1}, {"verbose": "x"},
                                       {"validation_data": (X[:, :2], Y)}])
def test_a_bad_argument_is_refused_before_any_work(arguments):
    """Nothing is built, no callback runs and no batch is trained before the error."""
    seen = []
    model = _model()
    spy = callbacks.LambdaCallback(on_train_begin=lambda logs: seen.append("begin"))
    with pytest.raises(ValueError):
        model.fit(X, Y, callbacks=[spy], **{"verbose": 0, **arguments})
    assert seen == []
    assert not model.layers[0].built or "validation_data" in arguments


def test_check_integer_returns_a_plain_int():
    assert type(check_integer(np.int64(3), "units", "Dense")) is int
    assert check_integer(None, "steps", "fit", allow_none=True) is None
