"""InputSpec: a layer that sets one has its inputs checked against it (numbers, symbolic tensors, before build),
with errors naming the layer; layers without one keep the built-shape rule."""

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise.layers import InputSpec, Layer


class Flip(Layer):
    """A custom layer that reverses the last axis and accepts what its ``spec`` says."""

    def __init__(self, spec=None, **kwargs):
        super().__init__(**kwargs)
        self.input_spec = spec
        self.builds = 0

    def build(self, input_shape):
        self.builds += 1

    def forward(self, x, training=False):
        return x[..., ::-1]

    def backward(self, dy):
        return dy[..., ::-1]


class SpecInBuild(Flip):
    """Sets its spec in build, from the first input, as Keras's SpectralNormalization does."""

    def build(self, input_shape):
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_shape[-1]})


def test_a_layer_with_an_input_spec_accepts_what_it_allows_and_nothing_else():
    layer = Flip(InputSpec(ndim=3, axes={-1: 2}), name="flip")
    np.testing.assert_array_equal(layer(np.array([[[1.0, 2.0]]])), [[[2.0, 1.0]]])
    assert layer(np.ones((4, 9, 2))).shape == (4, 9, 2)  # another length: the spec, not the built shape, rules
    assert isinstance(layer.input_spec, InputSpec) and layer.builds == 1
    with pytest.raises(ValueError) as error:
        layer(np.ones((4, 7, 3)))
    assert str(error.value) == ("Layer 'flip' (Flip): input 0 is incompatible with InputSpec(ndim=3, axes={-1: 2}): "
                                "expected axis -1 of size 2, received shape (4, 7, 3)")
    with pytest.raises(ValueError, match=r"'flip' \(Flip\): input 0 .* expected rank 3, received shape \(4, 2\)"):
        layer(np.ones((4, 2)))


def test_the_spec_is_checked_before_build():
    layer = Flip(InputSpec(min_ndim=3), name="deep")
    with pytest.raises(ValueError, match=r"Layer 'deep' \(Flip\): .* expected rank at least 3, received shape "
                                         r"\(2, 5\)"):
        layer(np.ones((2, 5)))
    assert layer.builds == 0 and not layer.built


@pytest.mark.parametrize("spec, good, bad, expected", [
    (InputSpec(max_ndim=3), (2, 3, 4), (2, 3, 4, 1), "expected rank at most 3"),
    (InputSpec(shape=(None, 4, None)), (3, 4, 9), (3, 5, 9), r"expected shape \(None, 4, None\)"),
    (InputSpec(shape=(None, 4)), (3, 4), (3, 4, 2), r"expected rank 2"),
    (InputSpec(shape=(None, 4), allow_last_axis_squeeze=True), (3, 4, 1), (3, 4, 2), r"expected shape \(None, 4\)"),
    (InputSpec(shape=(None, 4, 1), allow_last_axis_squeeze=True), (3, 4), (3, 5), r"expected shape \(None, 4, 1\)"),
    (InputSpec(axes={1: 3, -1: None}), (2, 3, 5), (2, 4, 5), "expected axis 1 of size 3"),
    (InputSpec(axes={3: 2}), (1, 1, 1, 2), (1, 2), "expected an axis 3"),
])
def test_each_rule(spec, good, bad, expected):
    layer = Flip(spec, name="ruled")
    assert layer(np.zeros(good)).shape == good
    with pytest.raises(ValueError, match=rf"'ruled' \(Flip\): input 0 .*{expected}, received shape "
                                         rf"{repr(bad).replace('(', '[(]').replace(')', '[)]')}"):
        layer(np.zeros(bad))


def test_the_dtype_is_checked_as_passed_before_the_cast(float64):
    layer = Flip(InputSpec(dtype="int64", ndim=2), name="ids")
    y = layer(np.array([[1, 2]]))
    assert y.dtype == np.float64  # checked as int64, then cast to the layer's dtype
    with pytest.raises(ValueError, match=r"'ids' \(Flip\): input 0 .* expected dtype int64, received dtype float32"):
        layer(np.ones((1, 2), np.float32))


def test_symbolic_calls_are_checked_too():
    layer = Flip(InputSpec(ndim=3, axes={-1: 2}), name="sym")
    inputs = layerwise.Input(shape=(None, 2))
    y = layer(inputs)
    assert y.shape == (None, None, 2)
    with pytest.raises(ValueError, match=r"'sym' \(Flip\): .* expected axis -1 of size 2, received shape "
                                         r"\(None, 5, 3\)"):
        layer(layerwise.Input(shape=(5, 3)))
    model = layerwise.Model(inputs, y)
    np.testing.assert_array_equal(model.predict(np.arange(12.0).reshape(2, 3, 2), verbose=0)[0, 0], [1.0, 0.0])


def test_a_spec_set_in_build_is_kept_and_used():
    layer = SpecInBuild(name="late")
    layer(np.ones((2, 3, 4)))
    assert repr(layer.input_spec) == "InputSpec(min_ndim=2, axes={-1: 4})"
    assert layer(np.ones((5, 4))).shape == (5, 4)
    with pytest.raises(ValueError, match=r"'late' \(SpecInBuild\): .* expected axis -1 of size 4"):
        layer(np.ones((5, 3)))


def test_layers_without_a_spec_keep_the_built_shape_rule():
    dense = layers.Dense(3, name="plain")
    dense(np.ones((2, 4)))
    assert dense.input_spec == (4,)
    with pytest.raises(ValueError, match=r"Layer 'plain' \(Dense\) expected input of shape \(None, 4\), received "
                                         r"\(2, 5\)"):
        dense(np.ones((2, 5)))


def test_optional_inputs_and_names():
    spec = InputSpec(ndim=2, name="query", optional=True)
    spec.check(None, Flip(name="f"))
    with pytest.raises(ValueError, match=r"Layer 'g' \(Flip\): input 1 \('key'\) .* expected a tensor, received None"):
        InputSpec(name="key").check(None, Flip(name="g"), index=1)


def test_repr_and_config_round_trip():
    spec = InputSpec(dtype="float32", shape=(None, 3), axes={-1: 3}, allow_last_axis_squeeze=True, name="x",
                     optional=True)
    assert repr(spec) == "InputSpec(dtype=float32, shape=(None, 3), axes={-1: 3})"
    clone = InputSpec.from_config(spec.get_config())
    assert clone.get_config() == spec.get_config() and clone.ndim == 2 and clone.allow_last_axis_squeeze
    assert repr(InputSpec(ndim=4, max_ndim=5)) == "InputSpec(ndim=4, max_ndim=5)"


@pytest.mark.parametrize("kwargs, message", [
    ({"ndim": -1}, "ndim must be a non-negative integer or None, received -1"),
    ({"min_ndim": 2.5}, "min_ndim must be a non-negative integer or None, received 2.5"),
    ({"shape": "abc"}, "shape must be a tuple of sizes"),
    ({"shape": (None, -3)}, "each size of shape must be a non-negative integer or None, received -3"),
    ({"axes": {"last": 3}}, "axes must be a dict of integer axes to sizes, received {'last': 3}"),
    ({"axes": [3]}, r"axes must be a dict of integer axes to sizes, received \[3\]"),
    ({"ndim": 2, "axes": {2: 3}}, r"axes \[2\] must lie in \[-2, 2\)"),
    ({"dtype": "floaty"}, "data type"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        InputSpec(**kwargs)


def test_a_mask_consumer_keeps_its_own_input_spec():
    class Steps(layers.TimeDistributed):
        def __init__(self, layer, **kwargs):
            super().__init__(layer, **kwargs)
            self.input_spec = InputSpec(ndim=3, axes={-1: 4})

    layer = Steps(layers.Dense(2), name="steps")
    assert layer(np.ones((2, 5, 4)), mask=np.ones((2, 5), bool)).shape == (2, 5, 2)
    assert isinstance(layer.input_spec, InputSpec) and layer(np.ones((3, 7, 4))).shape == (3, 7, 2)
    with pytest.raises(ValueError, match=r"'steps' \(Steps\): .* expected axis -1 of size 4"):
        layer(np.ones((2, 5, 3)))
