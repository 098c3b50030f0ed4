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
