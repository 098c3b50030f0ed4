import numpy as np
import pytest

import layerwise
from layerwise.layers import Conv2D, Dense, Flatten
from layerwise.plot import plot_feature_maps, plot_filters
from layerwise.plot._image_grid import unit_range


def test_a_conv2d_kernel_gives_one_image_per_filter_scaled_to_its_range():
    layer = Conv2D(5, 3, name="conv")
    layer.build((None, 8, 8, 1))
    figure = plot_filters(layer)
    assert len(figure.axes) == 5
    for unit, panel in enumerate(figure.axes):
        np.testing.assert_allclose(panel.images[0].get_array(), unit_range(layer.kernel.value[..., 0, unit]))
        assert panel.get_title() == str(unit)


def test_colour_kernels_are_rgb_images_and_max_filters_keeps_the_first():
    layer = Conv2D(6, 3)
    layer.build((None, 8, 8, 3))
    figure = plot_filters(layer, max_filters=4)
    assert [panel.images[0].get_array().shape for panel in figure.axes] == [(3, 3, 3)] * 4


def test_dense_weights_are_reshaped_to_the_input_images():
    layer = Dense(4)
    layer.build((None, 12))
    figure = plot_filters(layer, image_shape=(3, 4, 1))
    np.testing.assert_allclose(figure.axes[2].images[0].get_array(), unit_range(layer.kernel.value[:, 2].reshape(3, 4)))


def test_filters_that_cannot_be_drawn_are_refused():
    layer = Dense(4)
    layer.build((None, 12))
    with pytest.raises(ValueError, match=r"size must be its 12 inputs, received image_shape=\(3, 3\)"):
        plot_filters(layer, image_shape=(3, 3))
    with pytest.raises(ValueError, match="built Dense or Conv2D layer .* received Flatten"):
        plot_filters(Flatten())
    deep = Conv2D(2, 3, name="deep")
    deep.build((None, 8, 8, 4))
    with pytest.raises(ValueError, match="1 or 3 input channels .* received 4 in 'deep'"):
        plot_filters(deep)


def _cnn():
    block = layerwise.Sequential([layerwise.Input(shape=(6, 6, 1)), Conv2D(3, 3, activation="relu", name="conv")],
                                 name="block")
    return layerwise.Sequential([layerwise.Input(shape=(6, 6, 1)), block, Flatten(name="flat"), Dense(2, name="out")])


def test_feature_maps_are_the_channels_of_the_layer_output_inside_a_nested_model():
    model = _cnn()
    x = np.random.default_rng(0).normal(size=(6, 6, 1)).astype(np.float32)
    figure = plot_feature_maps(model, "conv", x)
    assert len(figure.axes) == 3
    conv = model.layers[0].layers[0]
    expected = conv(x[np.newaxis])[0]
    for channel, panel in enumerate(figure.axes):
        np.testing.assert_allclose(panel.images[0].get_array(), unit_range(expected[..., channel]), atol=1e-6)


def test_feature_maps_refuse_an_unknown_layer_a_flat_output_and_a_batch():
    model = _cnn()
    with pytest.raises(ValueError, match=r"no layer named 'conv9'; its layers are \['block', .*'conv'"):
        plot_feature_maps(model, "conv9", np.zeros((6, 6, 1)))
    with pytest.raises(ValueError, match=r"layer 'flat' outputs shape \(48,\) per example"):
        plot_feature_maps(model, "flat", np.zeros((6, 6, 1)))
    with pytest.raises(ValueError, match=r"one example of shape \(6, 6, 1\) .* received shape \(2, 6, 6, 1\)"):
        plot_feature_maps(model, "conv", np.zeros((2, 6, 6, 1)))
