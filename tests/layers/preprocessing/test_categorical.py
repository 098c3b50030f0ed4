"""Discretization, CategoryEncoding and IntegerLookup: Keras's documented examples, adapt, the output modes, and a
zero input gradient."""

import numpy as np
import pytest
import torch

from layerwise import layers
from layerwise.layers import serialization

KERAS_INPUT = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])


def test_discretization_puts_boundaries_in_the_upper_bin():
    layer = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    np.testing.assert_array_equal(layer(np.array([[-0.1, 0.0, 0.9, 1.0, 2.0, 7.0]])), [[0, 1, 1, 2, 3, 3]])


def test_discretization_adapts_to_kerass_quantiles(rng):
    layer = layers.Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(KERAS_INPUT)
    np.testing.assert_allclose(layer.bin_boundaries, [0.0, 0.5, 1.3], rtol=1e-6)  # Keras's documented bins
    large = layers.Discretization(num_bins=4)
    large.adapt(rng.uniform(size=20000))
    np.testing.assert_allclose(large.bin_boundaries, [0.25, 0.5, 0.75], atol=0.02)
    batches = layers.Discretization(num_bins=3)
    batches.adapt(iter([np.arange(30.0), np.arange(30.0, 60.0)]))
    whole = layers.Discretization(num_bins=3)
    whole.adapt(np.arange(60.0))
    assert batches.bin_boundaries == whole.bin_boundaries


@pytest.mark.parametrize("mode, expected", [
    ("one_hot", np.eye(4)[[[0, 2, 3], [1, 1, 3]]]),
    ("multi_hot", [[1, 0, 1, 1], [0, 1, 0, 1]]),
    ("count", [[1, 0, 1, 1], [0, 2, 0, 1]]),
])
def test_discretization_output_modes(mode, expected):
    layer = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode)
    x = np.array([[-1.0, 1.5, 3.0], [0.5, 0.2, 2.5]])
    y = layer(x)
    np.testing.assert_array_equal(y, expected)
    assert y.shape == layer.compute_output_shape(x.shape) and y.dtype == np.float32
    np.testing.assert_array_equal(layer.backward(np.ones_like(y)), np.zeros(x.shape))


def test_an_adapted_discretization_round_trips_its_boundaries():
    layer = layers.Discretization(num_bins=4)
    layer.adapt(KERAS_INPUT)
    clone = serialization.deserialize(serialization.serialize(layer))
    assert clone.bin_boundaries == layer.bin_boundaries and clone.num_bins == 4
    np.testing.assert_array_equal(clone(KERAS_INPUT), layer(KERAS_INPUT))


@pytest.mark.parametrize("make, message", [
    (lambda: layers.Discretization(), r"give bin_boundaries or num_bins .* received bin_boundaries=None"),
    (lambda: layers.Discretization([0.0], num_bins=2), r"exactly one of them, received bin_boundaries=\[0.0\]"),
    (lambda: layers.Discretization([1.0, 0.0]), r"Discretization: bin_boundaries must increase, received \[1.0, 0.0\]"),
    (lambda: layers.Discretization([0.0], output_mode="tf_idf"), r"Discretization: output_mode must be one of"),
    (lambda: layers.Discretization([0.0], sparse=True), r"Discretization: sparse outputs are not supported"),
    (lambda: layers.Discretization(num_bins=2, epsilon=0.0), r"Discretization: epsilon must lie in \(0, 1\]"),
    (lambda: layers.Discretization([0.0]).adapt(KERAS_INPUT), r"was given bin_boundaries: give num_bins instead"),
    (lambda: layers.Discretization(num_bins=2)(KERAS_INPUT), r"has no bin boundaries: call adapt first"),
])
def test_discretization_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_category_encoding_matches_kerass_examples_and_torch_one_hot():
    one_hot = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")(np.array([3, 2, 0, 1]))
    np.testing.assert_array_equal(one_hot, torch.nn.functional.one_hot(torch.tensor([3, 2, 0, 1]), 4).numpy())
    multi_hot = layers.CategoryEncoding(num_tokens=4)(np.array([[0, 1], [0, 0], [1, 2], [3, 1]]))
    np.testing.assert_array_equal(multi_hot, [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]])
    batch = np.array([[2, 0, 2], [1, 1, 1]])
    counts = layers.CategoryEncoding(num_tokens=3, output_mode="count")(batch)
    np.testing.assert_array_equal(counts, [np.bincount(row, minlength=3) for row in batch])


def test_category_encoding_rejects_categories_out_of_range_and_a_missing_num_tokens():
    with pytest.raises(ValueError, match=r"takes categories in \[0, 3\), received values from 0 to 3"):
        layers.CategoryEncoding(3)(np.array([[0, 3]]))
    with pytest.raises(ValueError, match=r"CategoryEncoding: num_tokens must be a positive integer, received None"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match=r"CategoryEncoding: output_mode must be one of"):
        layers.CategoryEncoding(3, output_mode="int")


VOCABULARY = [12, 36, 1138, 42]


@pytest.mark.parametrize("kwargs, data, expected", [
    ({}, [[12, 1138, 42], [42, 1000, 36]], [[1, 3, 4], [4, 0, 2]]),
    ({"mask_token": 0}, [[12, 1138, 0], [42, 1000, 36]], [[2, 4, 0], [5, 1, 3]]),
    ({"num_oov_indices": 2}, [[12, 1138, 42], [37, 1000, 36]], [[2, 4, 5], [1, 0, 3]]),  # 37 mod 2, 1000 mod 2
    ({"output_mode": "multi_hot"}, [[12, 1138, 42, 42], [42, 7, 36, 7]], [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]),
    ({"output_mode": "count"}, [[12, 1138, 42, 42], [42, 7, 36, 7]], [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]),
    ({"output_mode": "one_hot"}, [12, 36, 1138, 42, 7], np.eye(5)[[1, 2, 3, 4, 0]]),
    ({"output_mode": "multi_hot", "max_tokens": 8, "pad_to_max_tokens": True}, [[12, 7]], [[1, 1, 0, 0, 0, 0, 0, 0]]),
    ({"output_mode": "multi_hot", "mask_token": 0}, [[12, 0, 0]], [[0, 1, 0, 0, 0]]),  # the mask is left out
])
def test_integer_lookup_follows_kerass_examples(kwargs, data, expected):
    layer = layers.IntegerLookup(vocabulary=VOCABULARY, **kwargs)
    y = layer(np.array(data))
    np.testing.assert_array_equal(y, expected)
    assert y.shape == layer.compute_output_shape(np.shape(data))
    assert not layer.backward(np.ones_like(y)).any()


def test_integer_lookup_adapts_by_decreasing_count_and_inverts():
    data = np.array([[12, 1138, 42], [42, 1000, 36]])
    layer = layers.IntegerLookup()
    layer.adapt(data)
    assert layer.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]  # Keras's documented order
    assert layer.vocabulary_size() == 6 and layer.get_vocabulary(include_special_tokens=False)[0] == 42
    inverse = layers.IntegerLookup(vocabulary=layer.get_vocabulary(include_special_tokens=False), invert=True)
    np.testing.assert_array_equal(inverse(layer(data)), data)
    np.testing.assert_array_equal(inverse(np.array([[0, 9, -3]])), [[-1, -1, -1]])
    bounded = layers.IntegerLookup(max_tokens=3, mask_token=0)
    bounded.adapt(np.array([0, 0, 0, 5, 5, 6]))
    assert bounded.get_vocabulary() == [0, -1, 5]


def test_integer_lookup_keeps_large_integer_tokens_exact():
    big = 2 ** 40
    layer = layers.IntegerLookup(vocabulary=[big, big + 1])
    np.testing.assert_array_equal(layer(np.array([[big + 1, big, big + 2]])), [[2, 1, 0]])


def test_integer_lookup_round_trips_an_adapted_vocabulary():
    layer = layers.IntegerLookup(num_oov_indices=2, mask_token=0, output_mode="count")
    layer.adapt(np.array([5, 5, 9, 3, 0]))
    clone = serialization.deserialize(serialization.serialize(layer))
    assert clone.get_vocabulary() == layer.get_vocabulary()
    x = np.array([[5, 9, 4, 0]])
    np.testing.assert_array_equal(clone(x), layer(x))


@pytest.mark.parametrize("make, message", [
    (lambda: layers.IntegerLookup(invert=True, output_mode="multi_hot"), r"invert=True needs output_mode='int'"),
    (lambda: layers.IntegerLookup(output_mode="tf_idf"), r"IntegerLookup: output_mode must be one of"),
    (lambda: layers.IntegerLookup(idf_weights=[1.0]), r"idf_weights \(the 'tf_idf' output mode\) is not supported"),
    (lambda: layers.IntegerLookup(vocabulary=[1, 1]), r"vocabulary must hold distinct tokens .* received \[1, 1\]"),
    (lambda: layers.IntegerLookup(vocabulary=[1, 0], mask_token=0), r"other than the mask and OOV tokens \[-1, 0\]"),
    (lambda: layers.IntegerLookup(max_tokens=3, vocabulary=[1, 2, 3]), r"3 tokens and 1 special indices exceed"),
    (lambda: layers.IntegerLookup(pad_to_max_tokens=True), r"pad_to_max_tokens=True needs max_tokens"),
    (lambda: layers.IntegerLookup(mask_token=1.5), r"IntegerLookup: mask_token must be an integer or None"),
    (lambda: layers.IntegerLookup(num_oov_indices=0, vocabulary=[1])(np.array([[1, 2]])),
     r"has num_oov_indices=0 and received tokens out of its vocabulary: \[2\]"),
])
def test_integer_lookup_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_integer_lookup_export_refuses_tokens_float32_cannot_hold(tmp_path):
    import layerwise
    from layerwise.errors import ExportError
    from layerwise.export import to_onnx

    model = layerwise.Sequential([layerwise.Input(shape=(2,)), layers.IntegerLookup(vocabulary=[2 ** 30 + 1, 5])])
    with pytest.raises(ExportError, match=r"\(IntegerLookup\) has tokens that float32 cannot hold exactly"):
        to_onnx(model, tmp_path / "m.onnx")
