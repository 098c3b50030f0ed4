"""SeparableConv1D and SeparableConv2D: Keras's weights, names and config, the composition of a depthwise and a
1 x 1 convolution it is, argument errors and float32."""

import numpy as np
import pytest

from layerwise import layers


def test_keras_aliases_weights_and_shapes():
    assert layers.SeparableConvolution1D is layers.SeparableConv1D
    assert layers.SeparableConvolution2D is layers.SeparableConv2D
    layer = layers.SeparableConv2D(5, (3, 2), strides=2, padding="same", depth_multiplier=3, name="sep")
    y = layer(np.zeros((2, 7, 6, 4), dtype="float32"))
    assert y.shape == (2, 4, 3, 5) and layer.compute_output_shape((None, 7, None, 4)) == (None, 4, None, 5)
    assert [(w.name, w.shape) for w in layer.weights] == [
        ("sep/depthwise_kernel", (3, 2, 4, 3)), ("sep/pointwise_kernel", (1, 1, 12, 5)), ("sep/bias", (5,))]
    layer = layers.SeparableConv1D(2, 3, use_bias=False, name="sep1")
    assert layer(np.zeros((2, 9, 4))).shape == (2, 7, 2)
    assert [w.name for w in layer.weights] == ["sep1/depthwise_kernel", "sep1/pointwise_kernel"]


def test_config_uses_keras_argument_names():
    layer = layers.SeparableConv2D(4, 3, depth_multiplier=2, depthwise_initializer="he_normal",
                                   pointwise_initializer="ones", depthwise_regularizer="l2",
                                   pointwise_constraint="non_neg")
    config = layer.get_config()
    assert not {"kernel_initializer", "kernel_regularizer", "kernel_constraint"} & set(config)
    assert config["depth_multiplier"] == 2 and config["filters"] == 4
    for prefix in ("depthwise", "pointwise"):
        assert {f"{prefix}_initializer", f"{prefix}_regularizer", f"{prefix}_constraint"} <= set(config)
    rebuilt = layers.SeparableConv2D.from_config(config)
    assert rebuilt.get_config() == config
    rebuilt.build_for((None, 5, 5, 3))
    np.testing.assert_array_equal(rebuilt.pointwise_kernel.value, 1.0)


@pytest.mark.parametrize("rank, strides, padding, dilation, multiplier", [
    (2, 1, "same", 1, 2), (2, 2, "valid", 1, 1), (2, 1, "valid", 2, 3), (1, 2, "same", 1, 2), (1, 1, "valid", 2, 1)])
def test_it_is_a_depthwise_convolution_then_a_1x1_convolution(rank, strides, padding, dilation, multiplier,
                                                              float64, rng):
    """The same weights in DepthwiseConv{1,2}D (no bias) then Conv{1,2}D(kernel 1) give the same output and
    the same gradients of the input and of every weight."""
    separable_class, depthwise_class, conv_class = {
        1: (layers.SeparableConv1D, layers.DepthwiseConv1D, layers.Conv1D),
        2: (layers.SeparableConv2D, layers.DepthwiseConv2D, layers.Conv2D)}[rank]
    separable = separable_class(4, 3, strides=strides, padding=padding, dilation_rate=dilation,
                                depth_multiplier=multiplier, activation="tanh", bias_initializer="random_normal")
    depthwise = depthwise_class(3, strides=strides, padding=padding, dilation_rate=dilation,
                                depth_multiplier=multiplier, use_bias=False)
    pointwise = conv_class(4, 1, activation="tanh")
    x = rng.normal(size=(2, 9, 8, 3)[:rank + 1] + (3,))
    y = separable(x, training=True)
    depthwise.build_for(x.shape)
    pointwise.build_for(depthwise.compute_output_shape(x.shape))
    depthwise.kernel.assign(separable.depthwise_kernel.value)
    pointwise.kernel.assign(separable.pointwise_kernel.value)
    pointwise.bias.assign(separable.bias.value)
    np.testing.assert_allclose(y, pointwise(depthwise(x, training=True), training=True), rtol=1e-12, atol=1e-12)
    dy = rng.normal(size=y.shape)
    dx = separable.backward(dy)
    np.testing.assert_allclose(dx, depthwise.backward(pointwise.backward(dy)), rtol=1e-12, atol=1e-12)
    for mine, theirs in [(separable.depthwise_kernel, depthwise.kernel), (separable.pointwise_kernel, pointwise.kernel),
                         (separable.bias, pointwise.bias)]:
        np.testing.assert_allclose(mine.grad, theirs.grad, rtol=1e-12, atol=1e-12)


def test_float32_stays_float32(rng):
    layer = layers.SeparableConv2D(3, 3, padding="same", depth_multiplier=2, activation="relu")
    y = layer(rng.normal(size=(2, 5, 5, 2)).astype("float32"), training=True)
    dx = layer.backward(np.ones_like(y))
    assert y.dtype == dx.dtype == np.float32
    assert all(weight.grad.dtype == np.float32 for weight in layer.weights)


def test_argument_and_input_errors():
    with pytest.raises(TypeError, match=r"SeparableConv2D got unexpected keyword arguments \['groups', "
                                        r"'kernel_initializer'\]"):
        layers.SeparableConv2D(4, 3, kernel_initializer="ones", groups=2)
    with pytest.raises(ValueError, match="SeparableConv2D: filters must be a positive integer, received None"):
        layers.SeparableConv2D(None, 3)
    with pytest.raises(ValueError, match="SeparableConv1D: depth_multiplier must be a positive integer, received 0"):
        layers.SeparableConv1D(4, 3, depth_multiplier=0)
    with pytest.raises(ValueError, match=r"SeparableConv1D: padding must be one of .* received 'causal'"):
        layers.SeparableConv1D(4, 3, padding="causal")
    with pytest.raises(ValueError, match=r"SeparableConv2D: kernel_size must be .* tuple of 2 .* received \(3, 3, 3\)"):
        layers.SeparableConv2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match=r"SeparableConv2D 'sep' expects inputs of rank 4 \(batch, height, width, "
                                         r"channels\), received shape \(None, 5, 3\)"):
        layers.SeparableConv2D(4, 3, name="sep")(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=r"SeparableConv1D .*: input of shape \(None, 2, 3\) is smaller than the "
                                         r"dilated kernel \(3,\)"):
        layers.SeparableConv1D(4, 3)(np.zeros((2, 2, 3)))
