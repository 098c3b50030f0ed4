"""Layers, as `keras.layers`: every layer class, importable from here."""

from layerwise.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from layerwise.layers.attention import AdditiveAttention, Attention, GroupQueryAttention, MultiHeadAttention
from layerwise.layers.base import Layer, Parameter
from layerwise.layers.input_spec import InputSpec
from layerwise.layers.convolutional import (Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, Conv3D, Conv3DTranspose,
                                           DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D)
from layerwise.layers.core import (Activation, ActivityRegularization, Dense, DenseTranspose, EinsumDense, Embedding,
                                   Flatten, Identity, Input, InputLayer, Lambda, Masking, Maxout, Reshape,
                                   ReversibleEmbedding, Wrapper)
from layerwise.layers.merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add,
                                     average, concatenate, dot, maximum, minimum, multiply, subtract)
from layerwise.layers.normalization import (BatchNormalization, GroupNormalization, InstanceNormalization,
                                           LayerNormalization, RMSNormalization, SpectralNormalization,
                                           UnitNormalization)
from layerwise.layers.pooling import (AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D,
                                      AdaptiveMaxPooling1D, AdaptiveMaxPooling2D, AdaptiveMaxPooling3D,
                                      AveragePooling1D, AveragePooling2D, AveragePooling3D, GlobalAveragePooling1D,
                                      GlobalAveragePooling2D, GlobalAveragePooling3D, GlobalMaxPooling1D,
                                      GlobalMaxPooling2D, GlobalMaxPooling3D, MaxPooling1D, MaxPooling2D, MaxPooling3D,
                                      StochasticPooling2D)
from layerwise.layers.preprocessing import (AutoContrast, CenterCrop, Normalization, RandomBrightness,
                                            RandomColorDegeneration, RandomContrast, RandomCrop, RandomFlip,
                                            RandomGrayscale, RandomInvert, RandomRotation, RandomShear,
                                            RandomTranslation, RandomZoom, Rescaling, Resizing, Solarization)
from layerwise.layers.preprocessing import (CategoryEncoding, CutMix, Discretization, Equalization, IntegerLookup,
                                            MixUp, RandomColorJitter, RandomErasing, RandomGaussianBlur, RandomHue,
                                            Pipeline, RandomPosterization, RandomSaturation, RandomSharpness)
from layerwise.layers.recurrent import (GRU, LSTM, RNN, Bidirectional, ConvLSTM1D, ConvLSTM2D, ConvLSTM3D,
                                       GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell, StackedRNNCells,
                                       TimeDistributed)
from layerwise.layers.regularization import (AlphaDropout, DropConnect, Dropout, GaussianDropout, GaussianNoise,
                                             MaskingNoise, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D)
from layerwise.layers.reshaping import (Cropping1D, Cropping2D, Cropping3D, Permute, RepeatVector, UpSampling1D,
                                        UpSampling2D, UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D)
from layerwise.layers.serialization import deserialize, serialize

# Keras's other names of the same classes.
Convolution1D, Convolution2D, Convolution2DTranspose = Conv1D, Conv2D, Conv2DTranspose
Convolution3D, Convolution1DTranspose, Convolution3DTranspose = Conv3D, Conv1DTranspose, Conv3DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D
MaxPool3D, AvgPool3D = MaxPooling3D, AveragePooling3D

__all__ = [
    "Activation", "ActivityRegularization", "Dense", "DenseTranspose", "EinsumDense", "Embedding", "Flatten",
    "Identity", "Input", "InputLayer", "Lambda", "Layer", "Masking", "Maxout", "Parameter", "Permute", "RepeatVector", "Reshape",
    # activations
    "ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax",
    # convolutional networks (lecture 004)
    "Conv1D", "Conv2D", "Conv2DTranspose", "Cropping1D", "Cropping2D", "DepthwiseConv1D", "DepthwiseConv2D",
    "UpSampling1D",
    "Conv1DTranspose", "Conv3D", "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D",
    "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D", "Cropping3D", "UpSampling3D", "ZeroPadding3D",
    # attention
    "AdditiveAttention", "Attention", "GroupQueryAttention", "MultiHeadAttention",
    # merging, and the functions of the functional API
    "Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract", "add", "average",
    "concatenate", "dot", "maximum", "minimum", "multiply", "subtract",
    # normalization
    "BatchNormalization", "GroupNormalization", "InstanceNormalization", "LayerNormalization", "RMSNormalization",
    "UnitNormalization",
    # pooling
    "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D",
    "AveragePooling1D", "AveragePooling2D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D",
    "GlobalMaxPooling2D", "GlobalAveragePooling3D", "GlobalMaxPooling3D", "MaxPooling1D", "MaxPooling2D",
    "StochasticPooling2D",
    # issue 18: the wrappers' base class, spectral normalization, and what a layer accepts
    "InputSpec", "SpectralNormalization", "Wrapper",
    # issue 18: core
    "ReversibleEmbedding",
    # issue 18: pooling
    "AdaptiveAveragePooling3D", "AdaptiveMaxPooling3D", "AveragePooling3D", "AvgPool3D", "MaxPool3D", "MaxPooling3D",
    # regularization
    "AlphaDropout", "DropConnect", "Dropout", "GaussianDropout", "GaussianNoise", "MaskingNoise", "SpatialDropout1D",
    "SpatialDropout2D", "SpatialDropout3D",
    # preprocessing and augmentation
    "AutoContrast", "CenterCrop", "Normalization", "RandomBrightness", "RandomColorDegeneration", "RandomContrast",
    "RandomCrop", "RandomFlip", "RandomGrayscale", "RandomInvert", "RandomRotation", "RandomShear",
    "RandomTranslation", "RandomZoom", "Rescaling", "Resizing", "Solarization",
    "Equalization", "RandomColorJitter", "RandomErasing", "RandomGaussianBlur", "RandomHue", "RandomPosterization",
    "RandomSaturation", "RandomSharpness", "CutMix", "MixUp", "CategoryEncoding", "Discretization", "IntegerLookup",
    "Pipeline",
    # recurrent
    "Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "GRU", "GRUCell", "LSTM", "LSTMCell", "RNN",
    "SimpleRNN", "SimpleRNNCell", "StackedRNNCells", "TimeDistributed",
    # Keras's aliases
    "AvgPool1D", "AvgPool2D", "Convolution1D", "Convolution2D", "Convolution2DTranspose", "GlobalAvgPool1D",
    "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D", "MaxPool1D",
    "MaxPool2D",
    "Convolution1DTranspose", "Convolution3D", "Convolution3DTranspose", "SeparableConvolution1D",
    "SeparableConvolution2D",
    "deserialize", "serialize",
]
