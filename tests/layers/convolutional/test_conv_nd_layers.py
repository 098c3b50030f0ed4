"""Conv3D, Conv1DTranspose and Conv3DTranspose: Keras's shapes and names, argument and shape errors, float32,
and a transposed convolution that undoes the shape of its convolution."""

import numpy as np
import pytest

import layerwise
from layerwise import layers


def test_keras_aliases():
    assert layers.Convolution3D is layers.Conv3D
    assert layers.Convolution1DTranspose is layers.Conv1DTranspose
    assert layers.Convolution3DTranspose is layers.Conv3DTranspose


@pytest.mark.parametrize("layer, input_shape, output_shape, kernel_shape", [
    # Keras's docstring examples
    (lambda: layers.Conv3D(32, 3, activation="relu"), (4, 10, 10, 10, 128), (4, 8, 8, 8, 32), (3, 3, 3, 128, 32)),
    (lambda: layers.Conv1DTranspose(32, 3, 2, activation="relu"), (4, 10, 128), (4, 21, 32), (3, 32, 128)),
    (lambda: layers.Conv3DTranspose(32, 2, 2, activation="relu"), (4, 10, 8, 12, 128), (4, 20, 16, 24, 32),
     (2, 2, 2, 32, 128)),
    (lambda: layers.Conv3D(6, (1, 3, 2), strides=(2, 1, 3), padding="same", groups=3), (2, 5, 4, 7, 3),
     (2, 3, 4, 3, 6), (1, 3, 2, 1, 6)),
    (lambda: layers.Conv3DTranspose(2, 3, strides=(1, 2, 3), padding="same", output_padding=(0, 1, 2)),
     (1, 3, 4, 2, 1), (1, 3, 8, 6, 2), (3, 3, 3, 2, 1)),
])
def test_shapes_as_keras(layer, input_shape, output_shape, kernel_shape):
    layer = layer()
    assert layer.compute_output_shape((None,) + input_shape[1:]) == (None,) + output_shape[1:]
    y = layer(np.zeros(input_shape, dtype="float32"))
    assert y.shape == output_shape and y.dtype == np.float32
    assert layer.kernel.shape == kernel_shape


def test_variable_spatial_sizes_give_unknown_output_sizes():
    assert layers.Conv3D(4, 3).compute_output_shape((None, None, 5, None, 2)) == (None, None, 3, None, 4)
    assert layers.Conv1DTranspose(4, 3).compute_output_shape((None, None, 2)) == (None, None, 4)
    assert layers.Conv3DTranspose(4, 3, strides=2).compute_output_shape((5, 2, None, 3, 1)) == (5, 5, None, 7, 4)
    assert layers.Conv2D(4, 3, strides=2).compute_output_shape((None, 9, None, 1)) == (None, 4, None, 4)


@pytest.mark.parametrize("layer", [lambda: layers.Conv3D(4, 2, strides=(1, 2, 1), padding="same", activation="elu"),
                                   lambda: layers.Conv3DTranspose(3, 2, strides=2, activation="relu"),
                                   lambda: layers.Conv1DTranspose(3, 3, strides=2, padding="same")])
def test_float32_stays_float32_in_backward(layer, rng):
    layer = layer()
    x = rng.normal(size=(2, 3, 4, 3, 2)[:layer.rank + 1] + (2,)).astype("float32")
    y = layer(x, training=True)
    dx = layer.backward(np.ones_like(y))
    assert y.dtype == dx.dtype == layer.kernel.grad.dtype == layer.bias.grad.dtype == np.float32
    assert dx.shape == x.shape


def test_a_transposed_convolution_maps_back_to_the_shape_its_convolution_came_from(rng):
    x = rng.normal(size=(2, 6, 8, 5, 3))
    encoder = layers.Conv3D(4, 3, strides=(2, 2, 1), padding="same")
    decoder = layers.Conv3DTranspose(3, 3, strides=(2, 2, 1), padding="same")
    assert decoder(encoder(x)).shape == x.shape


def test_argument_errors_name_the_layer_argument_and_value():
    with pytest.raises(ValueError, match=r"Conv3D: kernel_size must be .* tuple of 3 .* received \(3, 3\)"):
        layers.Conv3D(4, (3, 3))
    with pytest.raises(ValueError, match=r"Conv3D: padding must be one of .* received 'causal'"):
        layers.Conv3D(4, 3, padding="causal")
    with pytest.raises(ValueError, match=r"Conv3D: filters \(5\) must be divisible by groups \(2\)"):
        layers.Conv3D(5, 3, groups=2)
    with pytest.raises(ValueError, match="Conv1DTranspose: groups are not supported"):
        layers.Conv1DTranspose(4, 3, groups=2)
    with pytest.raises(ValueError, match=r"Conv3DTranspose: output_padding \(1, 2, 1\) must be smaller than the "
                                         r"strides \(2, 2, 2\)"):
        layers.Conv3DTranspose(4, 3, strides=2, output_padding=(1, 2, 1))
    with pytest.raises(ValueError, match=r"Conv1DTranspose: output_padding must be .* tuple of 1 .* received"):
        layers.Conv1DTranspose(4, 3, strides=2, output_padding=(1, 1))


def test_input_errors_name_the_layer_and_the_shapes():
    layer = layers.Conv3D(4, 3, name="volume")
    with pytest.raises(ValueError, match=r"Conv3D 'volume' expects inputs of rank 5 \(batch, depth, height, width, "
                                         r"channels\), received shape \(None, 5, 5, 3\)"):
        layer(np.zeros((2, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"Conv3D .*: input of shape \(None, 2, 5, 5, 1\) is smaller than the "
                                         r"dilated kernel \(3, 3, 3\)"):
        layers.Conv3D(4, 3)(np.zeros((2, 2, 5, 5, 1)))
    with pytest.raises(ValueError, match=r"Conv1DTranspose '.*' expects inputs of rank 3 \(batch, steps, channels\)"):
        layers.Conv1DTranspose(4, 3)(np.zeros((2, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"output would be \(6, 6, 6\).*leads to \(3, 3, 3\), not to the input "
                                         r"size \(4, 4, 4\)"):
        layers.Conv3DTranspose(4, 2, strides=2, padding="same", output_padding=0)(np.zeros((1, 4, 4, 4, 1)))


def test_a_conv3d_model_learns_to_find_a_bright_voxel(rng):
    """A hand-checkable task: the label says whether the brighter voxel of a volume sits in its front half."""
    layerwise.utils.set_random_seed(3)
    n = 256
    x = rng.normal(scale=0.1, size=(n, 4, 3, 3, 1)).astype("float32")
    depth = rng.integers(0, 4, n)
    x[np.arange(n), depth, 1, 1, 0] += 3.0
    y = (depth < 2).astype("float32")[:, None]
    model = layerwise.Sequential([layerwise.Input(shape=(4, 3, 3, 1)), layers.Conv3D(4, (2, 3, 3), activation="relu"),
                                  layers.Flatten(), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=layerwise.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=30, batch_size=32, verbose=0).history
    assert history["accuracy"][-1] == 1.0 and history["loss"][-1] < history["loss"][0] / 10
