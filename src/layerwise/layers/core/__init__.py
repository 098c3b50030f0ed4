"""Core layers."""

from layerwise.layers.core.activation import Activation
from layerwise.layers.core.activity_regularization import ActivityRegularization
from layerwise.layers.core.dense import Dense
from layerwise.layers.core.dense_transpose import DenseTranspose
from layerwise.layers.core.einsum_dense import EinsumDense
from layerwise.layers.core.embedding import Embedding
from layerwise.layers.core.flatten import Flatten
from layerwise.layers.core.identity import Identity
from layerwise.layers.core.input_layer import Input, InputLayer
from layerwise.layers.core.lambda_layer import Lambda
from layerwise.layers.symbolic import SymbolicTensor
from layerwise.layers.core.masking import Masking
from layerwise.layers.core.maxout import Maxout
from layerwise.layers.core.reshape import Reshape
from layerwise.layers.core.reversible_embedding import ReversibleEmbedding
from layerwise.layers.core.wrapper import Wrapper

__all__ = ["Activation", "ActivityRegularization", "Dense", "DenseTranspose", "EinsumDense", "Embedding", "Flatten",
           "Identity", "Input", "InputLayer", "Lambda", "Masking", "Maxout", "Reshape", "ReversibleEmbedding",
           "SymbolicTensor", "Wrapper"]
