"""layerwise.backend: Keras's session, float type, fuzz factor, image layout and dtype functions."""

import numpy as np
import pytest

import layerwise
from layerwise import backend
from layerwise.layers import Dense


def test_float_type_and_epsilon_are_the_config_ones():
    backend.set_floatx("float64")
    assert backend.floatx() == layerwise.config.floatx() == "float64"
    assert Dense(2)(np.ones((1, 3))).dtype == np.float64
    previous = backend.epsilon()
    backend.set_epsilon(1e-5)
    try:
        assert layerwise.config.epsilon() == 1e-5
    finally:
        backend.set_epsilon(previous)


def test_clear_session_and_get_uid_restart_the_names():
    assert Dense(1).name == "dense" and Dense(1).name == "dense_1"
    assert backend.get_uid("dense") == 3
    backend.clear_session()
    assert backend.get_uid("dense") == 1 and backend.get_uid() == 1
    backend.clear_session()
    assert Dense(1).name == "dense"


def test_channels_last_only_with_a_clear_error():
    assert backend.image_data_format() == "channels_last" and backend.backend() == "numpy"
    backend.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match=r"channels-last only.*np\.moveaxis\(x, 1, -1\)"):
        backend.set_image_data_format("channels_first")
    with pytest.raises(ValueError, match="expected one of .* received 'nhwc'"):
        backend.set_image_data_format("nhwc")


@pytest.mark.parametrize("dtype, name", [(None, "float32"), ("float64", "float64"), (np.float16, "float16"),
                                         (float, "float32"), (int, "int32"), (bool, "bool"),
                                         (np.dtype("uint8"), "uint8")])
def test_standardize_dtype_as_keras(dtype, name):
    assert backend.standardize_dtype(dtype) == name


def test_dtype_kinds_and_keras_tensors():
    assert backend.is_float_dtype("float16") and not backend.is_float_dtype("int8")
    assert backend.is_int_dtype(np.uint16) and backend.is_int_dtype(int) and not backend.is_int_dtype(float)
    x = layerwise.Input(shape=(3,))
    assert backend.is_keras_tensor(x) and backend.is_keras_tensor(Dense(2)(x))
    assert not backend.is_keras_tensor(np.ones(3))
    assert layerwise.utils.is_keras_tensor is backend.is_keras_tensor
    assert layerwise.utils.clear_session is backend.clear_session


FLOATS, SIGNED, UNSIGNED = ["float16", "float32", "float64"], ["int8", "int16", "int32", "int64"], \
    ["uint8", "uint16", "uint32", "uint64"]


@pytest.mark.parametrize("kinds", [FLOATS, SIGNED, UNSIGNED, SIGNED + UNSIGNED[:3]])
def test_result_type_agrees_with_numpy_within_a_kind(kinds):
    """Where JAX's lattice and NumPy agree: floats with floats, integers with integers (uint64 aside, which
    NumPy and Keras promote with a signed integer to different floats)."""
    for a in kinds:
        for b in kinds:
            assert backend.result_type(a, b) == np.result_type(a, b).name, (a, b)


@pytest.mark.parametrize("dtypes, expected", [
    (("int64", "float16"), "float16"),       # an integer meets a float: the float's type (NumPy: float64)
    (("int32", "float32"), "float32"),       # NumPy: float64
    (("uint32", "int8"), "int64"),
    (("uint64", "int8"), "float32"),         # above every integer: the weak float, at floatx's precision
    (("bfloat16", "float16"), "float32"),
    (("bfloat16", "int8"), "bfloat16"),
    (("bool", "uint8"), "uint8"),
    (("complex64", "float64"), "complex128"),
    (("float16", float), "float16"),         # Python's scalars are weak: the array's type wins
    (("int8", int), "int8"),
    (("uint16", int), "uint16"),
    (("int8", float), "float32"),
    (("float64", float), "float64"),         # 64-bit stays 64-bit
    (("bool", int), "int32"),
    ((int, float), "float32"),
    ((int,), "int32"),
    ((float,), "float32"),
    ((bool,), "bool"),
    ((None, "int8"), "float32"),
    ((), "float32"),
    ((np.float16, np.dtype("int64")), "float16"),
    ((complex, "float32"), "complex64"),
])
def test_result_type_follows_keras_promotion(dtypes, expected):
    assert backend.result_type(*dtypes) == expected


def test_result_type_resolves_weak_types_at_floatx_precision():
    backend.set_floatx("float64")
    try:
        assert backend.result_type(int, float) == "float64" and backend.result_type(float) == "float64"
        assert backend.result_type("int8", float) == "float64" and backend.result_type(int) == "int64"
        assert backend.result_type("float16", float) == "float16"
    finally:
        backend.set_floatx("float32")


@pytest.mark.parametrize("dtype", ["string", "float8_e4m3fn", object])
def test_result_type_refuses_what_has_no_place(dtype):
    with pytest.raises(ValueError, match="result_type"):
        backend.result_type(dtype, "float32")
