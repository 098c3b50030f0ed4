"""The layer table: every layer runs through the same contract checks.

A new layer is one new row in LAYER_CASES, plus its own specific tests in its family's test file:
    LayerCase(id, factory, input_shape, input_sampler=None)
The factory builds the layer (called under float64 for gradient checks, float32 otherwise); the input
sampler draws a batch of input_shape from an rng (default: standard normal), e.g. to keep inputs away
from a kink. A merging layer's input_shape is a list of shapes; it then receives a list of batches.
"""

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise.layers import serialization
from layerwise.testing import check_gradients


@dataclass
class LayerCase:
    id: str
    factory: Callable
    input_shape: tuple
    input_sampler: Optional[Callable] = None

    @property
    def shapes(self):
        return self.input_shape if isinstance(self.input_shape, list) else [self.input_shape]

    def sample(self, rng, dtype="float64"):
        draw = self.input_sampler or (lambda rng, shape: rng.normal(size=shape))
        batches = [draw(rng, shape).astype(dtype) for shape in self.shapes]
        return batches if isinstance(self.input_shape, list) else batches[0]


def away_from(*kinks, scale=1.0):
    """A sampler of normal inputs nudged 0.1 off any kink, so finite differences never straddle one."""
    def sample(rng, shape):
        x = rng.normal(size=shape) * scale
        for kink in kinks:
            x = np.where(np.abs(x - kink) < 0.05, kink + 0.1, x)
        return x
    return sample


_away_from_zero = away_from(0.0)
_around_one = layerwise.initializers.RandomUniform(0.5, 1.5)


def _positive(rng, shape):
    """Activations as after a ReLU, kept off 0 so no pooling region sums to zero."""
    return rng.uniform(0.1, 2.0, size=shape)


def _adapted(layer, data):
    """``layer`` after ``layer.adapt(data)``."""
    layer.adapt(data)
    return layer


def _tied_decoder(activation, **kwargs):
    """A DenseTranspose tied to a built Dense(4) on 6 features (its input: the Dense layer's 4 outputs)."""
    encoder = layers.Dense(4, kernel_initializer="random_normal")
    encoder.build_for((None, 6))
    return layers.DenseTranspose(encoder, activation=activation, bias_initializer="random_normal", **kwargs)


LAYER_CASES = [
    LayerCase("dense", lambda: layers.Dense(4), (3, 5)),
    LayerCase("dense_relu", lambda: layers.Dense(4, activation="relu"), (3, 5)),
    LayerCase("dense_softmax_no_bias", lambda: layers.Dense(4, activation="softmax", use_bias=False), (3, 5)),
    LayerCase("dense_rank3", lambda: layers.Dense(2, activation="tanh"), (2, 3, 4)),
    LayerCase("activation_sigmoid", lambda: layers.Activation("sigmoid"), (3, 4)),
    LayerCase("activation_softplus", lambda: layers.Activation("softplus"), (3, 4)),
    LayerCase("flatten", lambda: layers.Flatten(), (2, 3, 4)),
    LayerCase("reshape", lambda: layers.Reshape((4, -1)), (2, 3, 4)),
    LayerCase("relu_layer", lambda: layers.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2), (3, 6),
              away_from(0.2, 1.5, scale=1.5)),
    LayerCase("leaky_relu_layer", lambda: layers.LeakyReLU(negative_slope=0.2), (3, 4), _away_from_zero),
    LayerCase("elu_layer", lambda: layers.ELU(alpha=0.7), (3, 4), _away_from_zero),
    LayerCase("softmax_layer_axis1", lambda: layers.Softmax(axis=1), (2, 3, 4)),
    LayerCase("prelu", lambda: layers.PReLU(alpha_initializer="random_uniform"), (3, 4), _away_from_zero),
    LayerCase("prelu_shared", lambda: layers.PReLU(alpha_initializer="random_uniform", shared_axes=[1]),
              (3, 4, 2), _away_from_zero),
    # optimization and regularization (issue 4)
    LayerCase("dense_regularized_constrained", lambda: layers.Dense(
        4, activation="relu", kernel_regularizer="l1_l2", bias_regularizer="l2", activity_regularizer="l1",
        kernel_constraint="max_norm", bias_constraint="non_neg"), (3, 5)),
    LayerCase("prelu_regularized_constrained", lambda: layers.PReLU(
        alpha_initializer="random_uniform", alpha_regularizer="l2", alpha_constraint="non_neg"),
        (3, 4), _away_from_zero),
    LayerCase("conv2d_regularized_constrained", lambda: layers.Conv2D(
        3, 3, padding="same", kernel_regularizer="l1_l2", bias_regularizer="l2", activity_regularizer="l1",
        kernel_constraint=layerwise.constraints.MaxNorm(0.5, axis=[0, 1, 2]), bias_constraint="non_neg"),
        (2, 5, 5, 2)),
    LayerCase("depthwise_conv2d_regularized_constrained", lambda: layers.DepthwiseConv2D(
        3, depthwise_regularizer="l2", bias_regularizer="l1", depthwise_constraint="unit_norm",
        bias_constraint="non_neg"), (2, 5, 5, 2)),
    LayerCase("lstm_regularized_constrained", lambda: layers.LSTM(
        3, kernel_regularizer="l2", recurrent_regularizer="l1", bias_regularizer="l1_l2",
        kernel_constraint="max_norm", recurrent_constraint="unit_norm", bias_constraint="non_neg"), (2, 5, 4)),
    LayerCase("dropout", lambda: layers.Dropout(0.4), (4, 6)),
    LayerCase("dropout_classic_seeded", lambda: layers.Dropout(0.3, seed=7, scaling="classic"), (4, 6)),
    LayerCase("dropout_noise_shape", lambda: layers.Dropout(0.5, noise_shape=(None, 1, 3)), (2, 4, 3)),
    LayerCase("gaussian_noise", lambda: layers.GaussianNoise(0.3), (3, 5)),
    LayerCase("gaussian_dropout", lambda: layers.GaussianDropout(0.4, seed=3), (3, 5)),
    # pretraining (issue 21): denoising corruption, sparsity penalties, the tied decoder
    LayerCase("masking_noise", lambda: layers.MaskingNoise(0.4, seed=2), (3, 5)),
    LayerCase("activity_regularization_l1", lambda: layers.ActivityRegularization(l1=0.1, l2=0.2), (3, 5)),
    LayerCase("activity_regularization_kl_sparsity", lambda: layers.ActivityRegularization(
        activity_regularizer=layerwise.regularizers.KLSparsity(0.1, 3.0)), (3, 5),
        lambda rng, shape: rng.uniform(0.05, 0.95, size=shape)),
    LayerCase("dense_transpose_sigmoid", lambda: _tied_decoder("sigmoid"), (3, 4)),
    LayerCase("dense_transpose_linear_no_bias", lambda: _tied_decoder(None, use_bias=False), (3, 4)),
    # DropConnect, maxout, stochastic pooling (issue 9): Gaussian inference is seeded so config clones draw alike.
    LayerCase("drop_connect", lambda: layers.DropConnect(4, rate=0.5, activation="tanh", seed=1), (3, 5)),
    LayerCase("drop_connect_library_generator_no_bias", lambda: layers.DropConnect(3, use_bias=False), (4, 5)),
    LayerCase("drop_connect_per_sample_rank3",
              lambda: layers.DropConnect(4, rate=0.3, activation="relu", per_sample=True, seed=2), (3, 2, 5)),
    LayerCase("drop_connect_gaussian",
              lambda: layers.DropConnect(3, rate=0.4, activation="sigmoid", inference="gaussian",
                                         inference_samples=7, seed=3), (3, 5)),
    LayerCase("drop_connect_gaussian_relu_no_bias",
              lambda: layers.DropConnect(3, rate=0.6, activation="relu", inference="gaussian", use_bias=False,
                                         inference_samples=5, seed=4), (2, 4)),
    LayerCase("maxout", lambda: layers.Maxout(3), (4, 6)),
    LayerCase("maxout_nhwc", lambda: layers.Maxout(2), (2, 3, 3, 4)),
    LayerCase("maxout_nchw", lambda: layers.Maxout(2, axis=1), (2, 4, 3, 3)),
    LayerCase("stochastic_pooling2d", lambda: layers.StochasticPooling2D(seed=5), (2, 4, 4, 3), _positive),
    LayerCase("stochastic_pooling2d_cropped", lambda: layers.StochasticPooling2D((2, 3), seed=6), (2, 5, 7, 2),
              _positive),
    # recurrent family: batch 2, 5 steps, 4 features, 3 units (stateful and return_state: tests/layers/recurrent)
    LayerCase("simple_rnn", lambda: layers.SimpleRNN(3), (2, 5, 4)),
    LayerCase("simple_rnn_sequences_backwards_softplus",
              lambda: layers.SimpleRNN(3, activation="softplus", return_sequences=True, go_backwards=True),
              (2, 5, 4)),
    LayerCase("simple_rnn_dropout", lambda: layers.SimpleRNN(3, dropout=0.3, recurrent_dropout=0.4, seed=1),
              (2, 5, 4)),
    LayerCase("lstm", lambda: layers.LSTM(3), (2, 5, 4)),
    LayerCase("lstm_sequences_backwards", lambda: layers.LSTM(3, return_sequences=True, go_backwards=True),
              (2, 5, 4)),
    LayerCase("lstm_dropout_sequences",
              lambda: layers.LSTM(3, dropout=0.3, recurrent_dropout=0.4, return_sequences=True, seed=2),
              (2, 5, 4)),
    LayerCase("lstm_no_bias_softsign", lambda: layers.LSTM(
        3, activation="softsign", recurrent_activation="hard_sigmoid", use_bias=False,
        unit_forget_bias=False), (2, 5, 4)),
    LayerCase("gru", lambda: layers.GRU(3, bias_initializer="random_normal"), (2, 5, 4)),
    LayerCase("gru_reset_before", lambda: layers.GRU(3, reset_after=False, bias_initializer="random_normal"),
              (2, 5, 4)),
    LayerCase("gru_dropout_sequences_backwards", lambda: layers.GRU(
        3, dropout=0.3, recurrent_dropout=0.4, return_sequences=True, go_backwards=True, seed=3), (2, 5, 4)),
    LayerCase("gru_reset_before_dropout_no_bias", lambda: layers.GRU(
        3, reset_after=False, recurrent_dropout=0.4, use_bias=False, seed=4), (2, 5, 4)),
    # issue 18: recurrent (the cells and the RNN layer that runs them; their own tests: tests/layers/recurrent)
    LayerCase("rnn_simple_rnn_cell", lambda: layers.RNN(layers.SimpleRNNCell(3, bias_initializer="random_normal")),
              (2, 5, 4)),
    LayerCase("rnn_simple_rnn_cell_dropout_sequences", lambda: layers.RNN(
        layers.SimpleRNNCell(3, activation="softplus", dropout=0.3, recurrent_dropout=0.4, seed=1),
        return_sequences=True), (2, 5, 4)),
    LayerCase("rnn_lstm_cell", lambda: layers.RNN(layers.LSTMCell(3)), (2, 5, 4)),
    LayerCase("rnn_lstm_cell_dropout_sequences_backwards", lambda: layers.RNN(
        layers.LSTMCell(3, dropout=0.3, recurrent_dropout=0.4, seed=2, kernel_regularizer="l2",
                        recurrent_constraint="unit_norm"), return_sequences=True, go_backwards=True), (2, 5, 4)),
    LayerCase("rnn_gru_cell", lambda: layers.RNN(layers.GRUCell(3, bias_initializer="random_normal")), (2, 5, 4)),
    LayerCase("rnn_gru_cell_reset_before_dropout", lambda: layers.RNN(layers.GRUCell(
        3, reset_after=False, dropout=0.3, recurrent_dropout=0.4, seed=3, bias_initializer="random_normal")),
        (2, 5, 4)),
    LayerCase("rnn_stacked_rnn_cells", lambda: layers.RNN(layers.StackedRNNCells([
        layers.LSTMCell(3, dropout=0.2, seed=4), layers.GRUCell(2, recurrent_dropout=0.3, seed=5),
        layers.SimpleRNNCell(2)]), return_sequences=True), (2, 5, 4)),
    LayerCase("rnn_cell_list_backwards", lambda: layers.RNN(
        [layers.SimpleRNNCell(3), layers.LSTMCell(2, use_bias=False)], go_backwards=True), (2, 5, 4)),
    LayerCase("conv_lstm2d_same", lambda: layers.ConvLSTM2D(2, 3, padding="same", bias_initializer="random_normal"),
              (2, 3, 4, 5, 2)),
    LayerCase("conv_lstm2d_strided_dropout_sequences_backwards", lambda: layers.ConvLSTM2D(
        2, (2, 3), strides=2, dropout=0.3, recurrent_dropout=0.3, seed=6, return_sequences=True, go_backwards=True),
        (2, 3, 5, 6, 2)),
    LayerCase("conv_lstm1d_dilated_sequences", lambda: layers.ConvLSTM1D(
        3, 3, padding="same", dilation_rate=2, recurrent_activation="hard_sigmoid", return_sequences=True),
        (2, 4, 7, 2)),
    LayerCase("conv_lstm3d_same_strided", lambda: layers.ConvLSTM3D(
        2, (2, 3, 2), strides=(2, 1, 1), padding="same", bias_initializer="random_normal"), (2, 3, 3, 4, 3, 2)),
    LayerCase("conv_lstm3d_dropout_sequences", lambda: layers.ConvLSTM3D(
        2, 2, dropout=0.3, recurrent_dropout=0.3, seed=7, return_sequences=True), (2, 3, 3, 3, 3, 1)),
    LayerCase("bidirectional_rnn_stacked_cells", lambda: layers.Bidirectional(layers.RNN(
        [layers.GRUCell(3, dropout=0.2, seed=8), layers.LSTMCell(2)], return_sequences=True)), (2, 5, 4)),
    LayerCase("bidirectional_conv_lstm2d_sum", lambda: layers.Bidirectional(
        layers.ConvLSTM2D(2, 3, padding="same"), merge_mode="sum"), (2, 3, 4, 4, 1)),
    LayerCase("embedding", lambda: layers.Embedding(7, 3), (2, 5), lambda rng, shape: rng.integers(0, 7, shape)),
    LayerCase("embedding_mask_zero", lambda: layers.Embedding(7, 3, mask_zero=True), (2, 5),
              lambda rng, shape: rng.integers(0, 7, shape)),
    LayerCase("masking", lambda: layers.Masking(mask_value=0.0), (2, 5, 4)),
    LayerCase("bidirectional_concat", lambda: layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
              (2, 5, 4)),
    LayerCase("bidirectional_sum_dropout", lambda: layers.Bidirectional(
        layers.GRU(3, dropout=0.3, recurrent_dropout=0.3), merge_mode="sum"), (2, 5, 4)),
    LayerCase("bidirectional_ave", lambda: layers.Bidirectional(layers.SimpleRNN(3), merge_mode="ave"),
              (2, 5, 4)),
    LayerCase("bidirectional_mul_backward_layer", lambda: layers.Bidirectional(
        layers.SimpleRNN(3, return_sequences=True), merge_mode="mul",
        backward_layer=layers.GRU(3, return_sequences=True, go_backwards=True)), (2, 5, 4)),
    LayerCase("time_distributed_dense", lambda: layers.TimeDistributed(layers.Dense(3, activation="tanh")),
              (2, 5, 4)),
    LayerCase("time_distributed_lstm", lambda: layers.TimeDistributed(layers.LSTM(3)), (2, 3, 5, 4)),
    # convolutional networks (lecture 004): every padding/stride/dilation/groups combination
    LayerCase("conv2d_valid", lambda: layers.Conv2D(3, 3), (2, 5, 6, 2)),
    LayerCase("conv2d_same_relu", lambda: layers.Conv2D(3, 3, padding="same", activation="relu",
                                                        bias_initializer="random_normal"), (2, 5, 6, 2),
              _away_from_zero),
    LayerCase("conv2d_same_even_kernel_stride2", lambda: layers.Conv2D(2, (2, 4), strides=2, padding="same"),
              (2, 7, 6, 2)),
    LayerCase("conv2d_valid_stride3", lambda: layers.Conv2D(2, 2, strides=(3, 2)), (2, 8, 7, 3)),
    LayerCase("conv2d_same_dilated", lambda: layers.Conv2D(2, 3, padding="same", dilation_rate=(2, 1),
                                                           activation="tanh"), (2, 6, 5, 2)),
    LayerCase("conv2d_valid_dilated_no_bias", lambda: layers.Conv2D(2, 2, dilation_rate=2, use_bias=False),
              (2, 5, 5, 2)),
    LayerCase("conv2d_groups_same_stride2", lambda: layers.Conv2D(4, 3, strides=2, padding="same", groups=2),
              (2, 5, 6, 4)),
    LayerCase("conv2d_transpose_valid", lambda: layers.Conv2DTranspose(2, 3), (2, 3, 4, 3)),
    LayerCase("conv2d_transpose_same_stride2", lambda: layers.Conv2DTranspose(3, 3, strides=2, padding="same",
                                                                              activation="sigmoid"),
              (2, 3, 4, 2)),
    LayerCase("conv2d_transpose_valid_stride2_even", lambda: layers.Conv2DTranspose(2, (2, 4), strides=(2, 3)),
              (2, 3, 3, 2)),
    LayerCase("conv2d_transpose_same_dilated", lambda: layers.Conv2DTranspose(2, 2, padding="same",
                                                                              dilation_rate=2), (2, 4, 3, 2)),
    LayerCase("conv2d_transpose_valid_output_padding",
              lambda: layers.Conv2DTranspose(2, 3, strides=2, output_padding=(1, 0)), (2, 3, 4, 2)),
    LayerCase("conv2d_transpose_same_output_padding",
              lambda: layers.Conv2DTranspose(2, 3, strides=(3, 2), padding="same", output_padding=(2, 1)),
              (2, 3, 2, 2)),
    LayerCase("depthwise_conv2d_same", lambda: layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2),
              (2, 5, 4, 3)),
    LayerCase("depthwise_conv2d_valid_stride2", lambda: layers.DepthwiseConv2D(2, strides=2), (2, 5, 6, 2)),
    LayerCase("conv1d_valid", lambda: layers.Conv1D(3, 3), (2, 7, 2)),
    LayerCase("depthwise_conv1d_same_multiplier", lambda: layers.DepthwiseConv1D(3, padding="same", depth_multiplier=2),
              (2, 7, 3)),
    LayerCase("depthwise_conv1d_valid_stride2", lambda: layers.DepthwiseConv1D(2, strides=2), (2, 7, 2)),
    LayerCase("conv1d_causal_dilated", lambda: layers.Conv1D(2, 2, padding="causal", dilation_rate=2), (2, 6, 3)),
    LayerCase("conv1d_same_stride2_groups", lambda: layers.Conv1D(4, 4, strides=2, padding="same", groups=2),
              (2, 7, 2)),
    # issue 18: convolutional
    LayerCase("conv3d_valid", lambda: layers.Conv3D(2, (2, 3, 2)), (2, 3, 4, 3, 2)),
    LayerCase("conv3d_same_stride_tanh", lambda: layers.Conv3D(3, 3, strides=(2, 1, 2), padding="same",
                                                               activation="tanh", bias_initializer="random_normal"),
              (2, 3, 4, 3, 2)),
    LayerCase("conv3d_same_dilated_groups_no_bias", lambda: layers.Conv3D(4, 2, padding="same", dilation_rate=(2, 1, 1),
                                                                          groups=2, use_bias=False), (2, 3, 3, 2, 4)),
    LayerCase("conv1d_transpose_valid", lambda: layers.Conv1DTranspose(2, 3), (2, 4, 3)),
    LayerCase("conv1d_transpose_same_stride2_output_padding",
              lambda: layers.Conv1DTranspose(3, 4, strides=2, padding="same", output_padding=1,
                                             bias_initializer="random_normal", activation="sigmoid"), (2, 4, 2)),
    LayerCase("conv1d_transpose_valid_dilated", lambda: layers.Conv1DTranspose(2, 2, dilation_rate=2), (2, 5, 2)),
    LayerCase("conv3d_transpose_same_stride2", lambda: layers.Conv3DTranspose(2, 3, strides=(2, 1, 2), padding="same",
                                                                              bias_initializer="random_normal"),
              (2, 2, 3, 2, 3)),
    LayerCase("conv3d_transpose_valid_output_padding",
              lambda: layers.Conv3DTranspose(2, (2, 3, 2), strides=(3, 2, 1), output_padding=(1, 1, 0)),
              (2, 2, 2, 3, 2)),
    LayerCase("separable_conv1d_same_multiplier", lambda: layers.SeparableConv1D(
        3, 3, padding="same", depth_multiplier=2, activation="tanh", bias_initializer="random_normal"), (2, 6, 2)),
    LayerCase("separable_conv1d_valid_stride2_no_bias", lambda: layers.SeparableConv1D(2, 2, strides=2, use_bias=False),
              (2, 7, 3)),
    LayerCase("separable_conv2d_same_stride2", lambda: layers.SeparableConv2D(
        4, 3, strides=2, padding="same", depth_multiplier=2, bias_initializer="random_normal"), (2, 5, 4, 2)),
    LayerCase("separable_conv2d_valid_dilated_regularized", lambda: layers.SeparableConv2D(
        3, 2, dilation_rate=(2, 1), depthwise_regularizer="l2", pointwise_regularizer="l1", bias_regularizer="l2",
        depthwise_constraint="max_norm", pointwise_constraint="unit_norm", activity_regularizer="l1"), (2, 5, 4, 3)),
    LayerCase("max_pooling2d", lambda: layers.MaxPooling2D(), (2, 4, 6, 3)),
    LayerCase("max_pooling2d_odd_valid", lambda: layers.MaxPooling2D(), (2, 5, 7, 2)),
    LayerCase("max_pooling2d_same_overlapping", lambda: layers.MaxPooling2D(3, strides=2, padding="same"),
              (2, 5, 6, 2)),
    LayerCase("max_pooling2d_stride3", lambda: layers.MaxPooling2D((2, 3), strides=3), (2, 7, 8, 2)),
    LayerCase("average_pooling2d", lambda: layers.AveragePooling2D(), (2, 4, 5, 3)),
    LayerCase("average_pooling2d_same", lambda: layers.AveragePooling2D(3, strides=2, padding="same"),
              (2, 5, 6, 2)),
    LayerCase("max_pooling1d_same", lambda: layers.MaxPooling1D(3, strides=2, padding="same"), (2, 7, 3)),
    LayerCase("global_average_pooling2d", lambda: layers.GlobalAveragePooling2D(), (2, 3, 4, 5)),
    LayerCase("global_max_pooling2d_keepdims", lambda: layers.GlobalMaxPooling2D(keepdims=True), (2, 3, 4, 5)),
    LayerCase("zero_padding2d", lambda: layers.ZeroPadding2D(((1, 0), (2, 1))), (2, 3, 4, 2)),
    LayerCase("cropping2d", lambda: layers.Cropping2D(((1, 0), (0, 2))), (2, 4, 5, 2)),
    LayerCase("up_sampling2d", lambda: layers.UpSampling2D((2, 3)), (2, 2, 3, 2)),
    LayerCase("spatial_dropout2d", lambda: layers.SpatialDropout2D(0.5, seed=3), (4, 3, 3, 6)),
    # preprocessing and augmentation (random draws are replayed by check_gradients)
    LayerCase("rescaling", lambda: layers.Rescaling(1 / 255, offset=-0.5), (3, 4)),
    LayerCase("normalization", lambda: layers.Normalization(mean=[0.5, -1.0, 2.0], variance=[4.0, 0.25, 1.0]),
              (2, 4, 3)),
    LayerCase("normalization_inverted_axis1", lambda: layers.Normalization(axis=1, mean=1.0, variance=9.0,
                                                                           invert=True), (2, 3, 4)),
    LayerCase("random_translation", lambda: layers.RandomTranslation(0.3, (-0.2, 0.4), seed=1), (2, 5, 6, 2)),
    LayerCase("random_translation_constant_nearest", lambda: layers.RandomTranslation(
        0.4, 0.4, fill_mode="constant", interpolation="nearest", fill_value=0.5, seed=2), (2, 5, 6, 1)),
    LayerCase("random_rotation_wrap", lambda: layers.RandomRotation(0.2, fill_mode="wrap", seed=3), (2, 6, 5, 2)),
    LayerCase("random_zoom_nearest_fill", lambda: layers.RandomZoom(0.4, (-0.3, 0.5), fill_mode="nearest", seed=4),
              (3, 5, 5, 1)),
    LayerCase("random_flip", lambda: layers.RandomFlip(seed=5), (4, 3, 4, 2)),
    LayerCase("random_contrast", lambda: layers.RandomContrast(0.3, seed=6), (3, 4, 4, 2),
              lambda rng, shape: rng.uniform(100, 150, size=shape)),
    # issue 18: pooling (3-D windows and adaptive), normalization (spectral), core (reversible embedding)
    LayerCase("max_pooling3d", lambda: layers.MaxPooling3D(), (2, 4, 4, 6, 2)),
    LayerCase("max_pooling3d_same_overlapping", lambda: layers.MaxPooling3D((3, 2, 3), strides=(2, 1, 2),
                                                                            padding="same"), (2, 5, 4, 5, 2)),
    LayerCase("average_pooling3d_odd_valid", lambda: layers.AveragePooling3D((2, 3, 2)), (2, 5, 7, 4, 2)),
    LayerCase("average_pooling3d_same", lambda: layers.AveragePooling3D(3, strides=2, padding="same"),
              (2, 5, 4, 6, 2)),
    LayerCase("adaptive_average_pooling3d", lambda: layers.AdaptiveAveragePooling3D((2, 3, 4)), (2, 5, 4, 3, 2)),
    LayerCase("adaptive_max_pooling3d", lambda: layers.AdaptiveMaxPooling3D((2, 3, 2)), (2, 5, 4, 3, 2)),
    # The backward treats u and v as constants (Keras, PyTorch): the training check sees the exact derivative once
    # the power iteration has converged, hence the many iterations on a seeded kernel (sigma2 / sigma1 < 0.6).
    LayerCase("spectral_normalization_dense", lambda: layers.SpectralNormalization(
        layers.Dense(3, activation="tanh", kernel_initializer=layerwise.initializers.RandomNormal(seed=0)),
        power_iterations=30), (4, 5)),
    LayerCase("spectral_normalization_conv2d", lambda: layers.SpectralNormalization(
        layers.Conv2D(2, 2, kernel_initializer=layerwise.initializers.RandomNormal(seed=0),
                      bias_initializer="random_normal"), power_iterations=30), (2, 4, 4, 3)),
    # The lookup call; the reverse call (hidden vectors to logits) is checked in tests/layers/core.
    LayerCase("reversible_embedding", lambda: layers.ReversibleEmbedding(7, 3), (2, 5),
              lambda rng, shape: rng.integers(0, 7, shape)),
    LayerCase("reversible_embedding_untied_mask_zero", lambda: layers.ReversibleEmbedding(
        7, 3, tie_weights=False, mask_zero=True, logit_soft_cap=2.0), (2, 5),
        lambda rng, shape: rng.integers(0, 7, shape)),
    # normalization
    LayerCase("batch_norm_dense", lambda: layers.BatchNormalization(
        gamma_initializer=_around_one, beta_initializer="random_normal",
        moving_mean_initializer="random_normal", moving_variance_initializer=_around_one), (6, 4)),
    LayerCase("batch_norm_nhwc", lambda: layers.BatchNormalization(gamma_initializer=_around_one, momentum=0.9),
              (2, 3, 3, 2)),
    LayerCase("batch_norm_axis1_no_affine", lambda: layers.BatchNormalization(axis=1, center=False, scale=False),
              (4, 3, 2)),
    LayerCase("layer_norm", lambda: layers.LayerNormalization(gamma_initializer=_around_one,
                                                             beta_initializer="random_normal"), (3, 5)),
    LayerCase("layer_norm_two_axes", lambda: layers.LayerNormalization(axis=[1, 2], gamma_initializer=_around_one),
              (2, 3, 4)),
    LayerCase("group_norm", lambda: layers.GroupNormalization(groups=2, gamma_initializer=_around_one),
              (2, 3, 2, 4)),
    LayerCase("group_norm_axis1", lambda: layers.GroupNormalization(groups=3, axis=1, gamma_initializer=_around_one),
              (2, 6, 3)),
    LayerCase("instance_norm", lambda: layers.InstanceNormalization(gamma_initializer=_around_one), (2, 3, 3, 2)),
    # issue 18: attention (and EinsumDense, the projection the attention layers share)
    LayerCase("einsum_dense_heads", lambda: layers.EinsumDense("abc,cde->abde", (None, 2, 3), bias_axes="de",
                                                              bias_initializer="random_normal"), (2, 4, 5)),
    LayerCase("einsum_dense_ellipsis_relu", lambda: layers.EinsumDense("...b,bc->...c", 3, activation="relu",
                                                                      bias_axes="c"), (2, 3, 4), _away_from_zero),
    LayerCase("einsum_dense_right_ellipsis_summed_axis", lambda: layers.EinsumDense(
        "abc...,bd->ad...", 3, bias_axes="d", bias_initializer="random_normal"), (2, 4, 3, 2)),
    LayerCase("attention_dot", lambda: layers.Attention(), [(2, 3, 4), (2, 5, 4)]),
    LayerCase("attention_scaled_with_key_dropout", lambda: layers.Attention(use_scale=True, dropout=0.3, seed=1),
              [(2, 3, 4), (2, 5, 2), (2, 5, 4)]),
    LayerCase("attention_concat_scaled", lambda: layers.Attention(use_scale=True, score_mode="concat"),
              [(2, 3, 4), (2, 5, 3), (2, 5, 4)]),
    LayerCase("additive_attention", lambda: layers.AdditiveAttention(dropout=0.2, seed=2), [(2, 3, 4), (2, 5, 4)]),
    LayerCase("additive_attention_no_scale_key", lambda: layers.AdditiveAttention(use_scale=False),
              [(2, 3, 4), (2, 5, 2), (2, 5, 4)]),
    LayerCase("multi_head_attention", lambda: layers.MultiHeadAttention(2, 3, bias_initializer="random_normal"),
              [(2, 3, 4), (2, 5, 6)]),
    LayerCase("multi_head_attention_key_dropout_output_shape", lambda: layers.MultiHeadAttention(
        2, 3, value_dim=2, dropout=0.3, output_shape=(2, 3), use_bias=False, seed=3),
        [(2, 3, 4), (2, 5, 6), (2, 5, 3)]),
    LayerCase("multi_head_attention_2d_steps", lambda: layers.MultiHeadAttention(
        2, 2, bias_initializer="random_normal", kernel_regularizer="l2"), [(2, 2, 3, 4), (2, 3, 1, 5)]),
    LayerCase("group_query_attention", lambda: layers.GroupQueryAttention(
        2, 4, 2, dropout=0.2, bias_initializer="random_normal", seed=4), [(2, 3, 4), (2, 5, 6), (2, 5, 3)]),
    LayerCase("group_query_attention_multi_query", lambda: layers.GroupQueryAttention(3, 2, 1, use_bias=False),
              [(2, 3, 4), (2, 5, 4)]),
    # merging
    LayerCase("add_three", lambda: layers.Add(), [(2, 3)] * 3),
    LayerCase("subtract", lambda: layers.Subtract(), [(2, 3, 2)] * 2),
    LayerCase("multiply_three", lambda: layers.Multiply(), [(2, 3)] * 3),
    LayerCase("average", lambda: layers.Average(), [(2, 4)] * 2),
    LayerCase("maximum", lambda: layers.Maximum(), [(3, 4)] * 3),
    LayerCase("minimum", lambda: layers.Minimum(), [(3, 4)] * 3),
    LayerCase("dot_vectors", lambda: layers.Dot(axes=1), [(3, 4)] * 2),
    LayerCase("dot_axes_pair_rank3", lambda: layers.Dot(axes=(1, 2)), [(2, 3, 4), (2, 5, 3)]),
    LayerCase("dot_normalized", lambda: layers.Dot(axes=-1, normalize=True), [(2, 3, 4), (2, 5, 4)]),
    LayerCase("concatenate_axis1", lambda: layers.Concatenate(axis=1), [(2, 1, 3), (2, 2, 3), (2, 3, 3)]),
    # Keras's simple layers (issue 18)
    LayerCase("identity", lambda: layers.Identity(), (3, 4)),
    # a function of layerwise.ops as a layer: its backward derived from the record of each call
    LayerCase("lambda_ops_function", lambda: layers.Lambda(layerwise.ops.softplus), (3, 4)),
    LayerCase("lambda_arguments_output_shape", lambda: layers.Lambda(
        layerwise.ops.logsumexp, output_shape=(3,), arguments={"axis": -1}), (2, 3, 4)),
    LayerCase("repeat_vector", lambda: layers.RepeatVector(3), (2, 4)),
    LayerCase("permute", lambda: layers.Permute((3, 1, 2)), (2, 3, 4, 5)),
    LayerCase("cropping1d", lambda: layers.Cropping1D((1, 2)), (2, 6, 3)),
    LayerCase("zero_padding1d", lambda: layers.ZeroPadding1D((2, 1)), (2, 4, 3)),
    LayerCase("up_sampling1d", lambda: layers.UpSampling1D(3), (2, 3, 2)),
    LayerCase("zero_padding3d", lambda: layers.ZeroPadding3D(((1, 0), (0, 2), 1)), (2, 2, 3, 2, 2)),
    LayerCase("cropping3d", lambda: layers.Cropping3D(((1, 0), (0, 1), (1, 1))), (2, 3, 3, 4, 2)),
    LayerCase("up_sampling3d", lambda: layers.UpSampling3D((1, 2, 3)), (2, 2, 2, 2, 2)),
    LayerCase("average_pooling1d_same", lambda: layers.AveragePooling1D(3, strides=2, padding="same"), (2, 7, 3)),
    LayerCase("global_average_pooling1d", lambda: layers.GlobalAveragePooling1D(), (2, 5, 3)),
    LayerCase("adaptive_average_pooling1d", lambda: layers.AdaptiveAveragePooling1D(3), (2, 7, 2)),
    LayerCase("adaptive_average_pooling2d", lambda: layers.AdaptiveAveragePooling2D((2, 4)), (2, 5, 3, 2)),
    LayerCase("adaptive_max_pooling1d", lambda: layers.AdaptiveMaxPooling1D(3), (2, 7, 2)),
    LayerCase("adaptive_max_pooling2d", lambda: layers.AdaptiveMaxPooling2D((2, 4)), (2, 5, 3, 2)),
    LayerCase("global_max_pooling1d_keepdims", lambda: layers.GlobalMaxPooling1D(keepdims=True), (2, 5, 3)),
    LayerCase("spatial_dropout1d", lambda: layers.SpatialDropout1D(0.5, seed=2), (4, 3, 5)),
    LayerCase("spatial_dropout3d", lambda: layers.SpatialDropout3D(0.5, seed=3), (4, 2, 3, 2, 3)),
    LayerCase("global_average_pooling3d", lambda: layers.GlobalAveragePooling3D(), (2, 2, 3, 2, 3)),
    LayerCase("global_max_pooling3d_keepdims", lambda: layers.GlobalMaxPooling3D(keepdims=True), (2, 2, 3, 2, 3)),
    LayerCase("alpha_dropout", lambda: layers.AlphaDropout(0.3, seed=4), (4, 6)),
    LayerCase("alpha_dropout_noise_shape", lambda: layers.AlphaDropout(0.4, noise_shape=(None, 1, 3), seed=5),
              (2, 4, 3)),
    LayerCase("unit_normalization", lambda: layers.UnitNormalization(), (3, 5)),
    LayerCase("unit_normalization_two_axes", lambda: layers.UnitNormalization(axis=[1, 2]), (2, 3, 4)),
    LayerCase("rms_normalization", lambda: layers.RMSNormalization(), (3, 5)),
    LayerCase("rms_normalization_axis1", lambda: layers.RMSNormalization(axis=1), (2, 4, 3)),
    LayerCase("resizing_bilinear_up", lambda: layers.Resizing(5, 7), (2, 3, 4, 2)),
    LayerCase("resizing_nearest_down_cropped", lambda: layers.Resizing(2, 3, "nearest", crop_to_aspect_ratio=True),
              (2, 5, 4, 2)),
    LayerCase("center_crop", lambda: layers.CenterCrop(3, 2), (2, 6, 5, 2)),
    LayerCase("random_crop", lambda: layers.RandomCrop(3, 2, seed=7), (2, 6, 5, 2)),
    LayerCase("random_brightness", lambda: layers.RandomBrightness(0.2, value_range=(-1, 1), seed=8), (3, 4, 4, 2),
              lambda rng, shape: rng.uniform(-0.5, 0.5, size=shape)),
    LayerCase("random_invert", lambda: layers.RandomInvert(seed=9), (4, 3, 3, 2)),
    LayerCase("random_grayscale", lambda: layers.RandomGrayscale(0.6, seed=10), (4, 3, 3, 3)),
    LayerCase("random_shear", lambda: layers.RandomShear(0.3, (0.1, 0.2), seed=11), (2, 5, 6, 2)),
    LayerCase("random_shear_nearest_constant", lambda: layers.RandomShear(
        y_factor=0.4, interpolation="nearest", fill_mode="constant", seed=12), (2, 5, 5, 1)),
    LayerCase("random_color_degeneration", lambda: layers.RandomColorDegeneration(0.8, value_range=(-5, 5), seed=13),
              (3, 3, 3, 3)),
    LayerCase("solarization", lambda: layers.Solarization(0.2, (0.3, 0.6), value_range=(0, 1), seed=14), (3, 3, 4, 2),
              lambda rng, shape: rng.uniform(0.05, 0.7, size=shape)),
    LayerCase("auto_contrast", lambda: layers.AutoContrast(value_range=(0, 1)), (2, 4, 3, 2)),
    # issue 18: preprocessing (colour, blur and erasing augmentations; step functions have dJ/dx = 0)
    LayerCase("random_erasing_noise", lambda: layers.RandomErasing(0.9, value_range=(-3, 3), seed=20), (3, 5, 6, 2)),
    LayerCase("random_erasing_rgb_fill", lambda: layers.RandomErasing(
        (1.0, 1.0), scale=(0.1, 0.5), fill_value=[0.2, 0.5, 0.8], value_range=(0, 1), seed=21), (2, 5, 5, 3)),
    LayerCase("random_gaussian_blur", lambda: layers.RandomGaussianBlur(
        0.8, kernel_size=(3, 5), sigma=(0.5, 1.5), value_range=(-10, 10), seed=22), (3, 5, 6, 2)),
    LayerCase("random_hue", lambda: layers.RandomHue(0.8, value_range=(0, 1), seed=23), (3, 3, 4, 3),
              lambda rng, shape: rng.uniform(0.05, 0.95, size=shape)),
    LayerCase("random_saturation", lambda: layers.RandomSaturation((0.2, 0.9), value_range=(-1, 1), seed=24),
              (4, 3, 3, 3), lambda rng, shape: rng.uniform(-0.9, 0.9, size=shape)),
    LayerCase("random_color_jitter", lambda: layers.RandomColorJitter(
        (0, 1), brightness_factor=0.1, contrast_factor=0.2, saturation_factor=(0.3, 0.7), hue_factor=0.3, seed=25),
        (3, 3, 3, 3), lambda rng, shape: rng.uniform(0.3, 0.7, size=shape)),
    LayerCase("random_posterization", lambda: layers.RandomPosterization((2, 8), value_range=(0, 1), seed=26),
              (3, 3, 3, 2), lambda rng, shape: (rng.integers(0, 255, size=shape) + 0.5) / 255),
    LayerCase("random_sharpness", lambda: layers.RandomSharpness(0.9, value_range=(-10, 10), seed=27), (3, 4, 5, 2)),
    LayerCase("equalization", lambda: layers.Equalization(value_range=(0, 1), bins=64), (2, 4, 4, 2),
              lambda rng, shape: (rng.integers(0, 63, size=shape) + 0.5) / 63),
    LayerCase("mix_up", lambda: layers.MixUp(alpha=0.4, seed=28), (4, 3, 3, 2)),
    LayerCase("cut_mix", lambda: layers.CutMix(seed=29), (4, 5, 6, 2)),
    LayerCase("cut_mix_narrow_factor", lambda: layers.CutMix((0.3, 0.6), seed=30), (3, 4, 4, 1)),
    # issue 18: preprocessing (categorical layers: piecewise constant, their dJ/dx is 0; integer inputs as Embedding's)
    LayerCase("discretization_int", lambda: layers.Discretization(bin_boundaries=[-1.0, 0.0, 0.5, 1.0]), (3, 4),
              away_from(-1.0, 0.0, 0.5, 1.0)),
    LayerCase("discretization_adapted_one_hot", lambda: _adapted(layers.Discretization(
        num_bins=3, output_mode="one_hot"), np.arange(6.0)), (3, 1), away_from(1.0, 3.0, scale=2.0)),
    LayerCase("discretization_multi_hot", lambda: layers.Discretization(bin_boundaries=[0.0, 1.0],
                                                                        output_mode="multi_hot"), (3, 5),
              away_from(0.0, 1.0)),
    LayerCase("category_encoding_multi_hot", lambda: layers.CategoryEncoding(5), (3, 4),
              lambda rng, shape: rng.integers(0, 5, shape)),
    LayerCase("category_encoding_one_hot", lambda: layers.CategoryEncoding(4, output_mode="one_hot"), (3, 1),
              lambda rng, shape: rng.integers(0, 4, shape)),
    LayerCase("category_encoding_count", lambda: layers.CategoryEncoding(6, output_mode="count"), (2, 3, 5),
              lambda rng, shape: rng.integers(0, 6, shape)),
    LayerCase("integer_lookup", lambda: layers.IntegerLookup(vocabulary=[12, 7, 30, 4]), (3, 4),
              lambda rng, shape: rng.choice([4, 7, 12, 30, 99, -5], shape)),
    LayerCase("integer_lookup_adapted_mask_two_oov_count", lambda: _adapted(layers.IntegerLookup(
        num_oov_indices=2, mask_token=0, output_mode="count"), np.array([5, 5, 5, 9, 9, 3, 0, 0, -1, 7])),
        (3, 4), lambda rng, shape: rng.choice([0, 3, 5, 7, 9, 11, -4], shape)),
    LayerCase("integer_lookup_one_hot_padded", lambda: layers.IntegerLookup(
        max_tokens=8, vocabulary=[3, 1], output_mode="one_hot", pad_to_max_tokens=True), (4, 1),
        lambda rng, shape: rng.choice([1, 2, 3], shape)),
    LayerCase("integer_lookup_invert_mask", lambda: layers.IntegerLookup(
        vocabulary=[12, 7, 30], mask_token=0, invert=True), (3, 4), lambda rng, shape: rng.integers(0, 7, shape)),
    # issue 18: preprocessing (Pipeline: layers in sequence as one layer)
    LayerCase("pipeline_augmentations", lambda: layers.Pipeline([
        layers.Rescaling(2.0, offset=-1.0), layers.RandomTranslation(0.2, 0.2, seed=31), layers.RandomFlip(seed=32),
        layers.Normalization(mean=0.5, variance=4.0)]), (2, 5, 6, 2)),
    LayerCase("pipeline_with_weights", lambda: layers.Pipeline([
        layers.Dense(3, bias_initializer="random_normal", activity_regularizer="l2"), layers.Activation("tanh"),
        layers.MixUp(seed=33), layers.Dense(2)]), (4, 2, 3, 5)),
    # preprocessing (the constant-scaling shortcut)
    LayerCase("rescaling", lambda: layers.Rescaling(0.5, offset=-1.0), (3, 4)),
]
IDS = [case.id for case in LAYER_CASES]


@pytest.mark.parametrize("case", LAYER_CASES, ids=IDS)
def test_gradients_float64_both_modes(case, float64, rng):
    layer = case.factory()
    report = check_gradients(layer, case.sample(rng), modes=("inference", "training"))
    assert report.passed, f"\n{report}"
    inputs = {"input"} if len(case.shapes) == 1 else {f"input_{i}" for i in range(len(case.shapes))}
    assert {row[1] for row in report.rows} >= inputs | {p.name for p in layer.trainable_weights}


@pytest.mark.parametrize("case", LAYER_CASES, ids=IDS)
def test_output_shape_and_dtype_kept(case, rng):
    layer = case.factory()
    for training in (False, True):
        y = layer(case.sample(rng, "float32"), training=training)
        assert y.dtype == np.float32
        assert y.shape == layer.compute_output_shape(case.input_shape)
    assert all(p.value.dtype == np.float32 and p.grad.dtype == np.float32 for p in layer.weights)
    dxs = layer.backward(np.ones_like(y))
    for dx, shape in zip(dxs if isinstance(case.input_shape, list) else [dxs], case.shapes, strict=True):
        assert dx.shape == shape and dx.dtype == np.float32


# A tied layer is saved with the model that holds the layer it is tied to (tests/pretraining).
STANDALONE_CASES = [case for case in LAYER_CASES if not case.id.startswith("dense_transpose")]


@pytest.mark.parametrize("case", STANDALONE_CASES, ids=[case.id for case in STANDALONE_CASES])
def test_config_round_trip(case, rng):
    layer = case.factory()
    x = case.sample(rng, "float32")
    layer(x)
    config = serialization.serialize(layer)
    clone = serialization.deserialize(config)
    assert serialization.serialize(clone) == config
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x), layer(x))


@pytest.mark.parametrize("case", LAYER_CASES, ids=IDS)
def test_wrong_input_shape_names_layer_and_shapes(case, rng):
    layer = case.factory()
    layer(case.sample(rng, "float32"))
    shape = case.shapes[-1]
    wrong = np.zeros(shape[:-1] + (shape[-1] + 1,), dtype="float32")
    x = case.sample(rng, "float32")
    with pytest.raises(ValueError) as error:
        layer(x[:-1] + [wrong] if isinstance(x, list) else wrong)
    message = str(error.value)
    assert layer.name in message and str(wrong.shape) in message


def test_every_public_layer_has_a_row():
    # A layer that a row runs inside another (a cell inside RNN) is covered by that row.
    covered = {type(layer) for case in LAYER_CASES for layer in case.factory().flatten_layers()}
    public = {getattr(layers, name) for name in layers.__all__}  # an alias (MaxPool2D) is its class
    public = {obj for obj in public if isinstance(obj, type) and issubclass(obj, layers.Layer)}
    # Not directly usable layers: Wrapper is the abstract base of the wrappers (no forward of its own; its subclasses
    # TimeDistributed, Bidirectional and SpectralNormalization have rows), and InputSpec describes a layer's inputs
    # (no Layer at all, so the filter above drops it already; named here so the exclusion is explicit).
    not_layers = {"Layer", "InputLayer", "Wrapper", "InputSpec"}
    assert {cls.__name__ for cls in public - covered} - not_layers == set()
    assert layerwise.layers.Input is not None
