"""The table of layers that take per-weight regularizers and constraints, shared by their tests.

A row names Keras's argument prefix of each weight ("kernel" -> ``kernel_regularizer`` and
``kernel_constraint`` on ``layer.kernel``; DepthwiseConv2D's "depthwise" -> ``layer.kernel``), so one
test covers every layer and a new layer is one new row.
"""

from dataclasses import dataclass
from typing import Callable, Optional

import layerwise
from layerwise import layers


@dataclass
class WeightArguments:
    id: str
    factory: Callable  # builds the layer from the regularizer and constraint keyword arguments
    input_shape: tuple
    weights: dict  # argument prefix -> weight attribute
    input_sampler: Optional[Callable] = None

    def sample(self, rng):
        draw = self.input_sampler or (lambda rng, shape: rng.normal(size=shape))
        return draw(rng, self.input_shape).astype(layerwise.config.floatx())

    def model(self, rng, learning_rate, **arguments):
        """A compiled Sequential of the one layer, its weights drawn from N(0, 1) (no zero bias)."""
        model = layerwise.Sequential([layerwise.Input(shape=self.input_shape[1:]), self.factory(**arguments)])
        model.compile(optimizer=layerwise.optimizers.SGD(learning_rate), loss="mse")
        for parameter in model.weights:
            parameter.assign(rng.normal(size=parameter.shape))
        return model


_DENSE_WEIGHTS = {"kernel": "kernel", "bias": "bias"}
_RECURRENT_WEIGHTS = {"kernel": "kernel", "recurrent": "recurrent_kernel", "bias": "bias"}
_SEPARABLE_WEIGHTS = {"depthwise": "depthwise_kernel", "pointwise": "pointwise_kernel", "bias": "bias"}

WEIGHT_ARGUMENT_CASES = [
    WeightArguments("dense", lambda **kw: layers.Dense(3, **kw), (4, 5), _DENSE_WEIGHTS),
    WeightArguments("prelu", lambda **kw: layers.PReLU(**kw), (4, 5), {"alpha": "alpha"}),
    WeightArguments("conv1d", lambda **kw: layers.Conv1D(3, 3, **kw), (2, 7, 2), _DENSE_WEIGHTS),
    WeightArguments("conv2d", lambda **kw: layers.Conv2D(3, 3, padding="same", **kw), (2, 5, 5, 2),
                    _DENSE_WEIGHTS),
    WeightArguments("conv2d_transpose", lambda **kw: layers.Conv2DTranspose(2, 3, strides=2, **kw),
                    (2, 3, 3, 2), _DENSE_WEIGHTS),
    WeightArguments("depthwise_conv2d", lambda **kw: layers.DepthwiseConv2D(3, depth_multiplier=2, **kw),
                    (2, 5, 5, 2), {"depthwise": "kernel", "bias": "bias"}),
    WeightArguments("conv3d", lambda **kw: layers.Conv3D(3, 2, padding="same", **kw), (2, 3, 4, 3, 2),
                    _DENSE_WEIGHTS),
    WeightArguments("conv1d_transpose", lambda **kw: layers.Conv1DTranspose(2, 3, strides=2, **kw), (2, 4, 2),
                    _DENSE_WEIGHTS),
    WeightArguments("conv3d_transpose", lambda **kw: layers.Conv3DTranspose(2, 2, strides=2, **kw),
                    (2, 2, 3, 2, 2), _DENSE_WEIGHTS),
    WeightArguments("separable_conv1d", lambda **kw: layers.SeparableConv1D(3, 3, depth_multiplier=2, **kw),
                    (2, 6, 2), _SEPARABLE_WEIGHTS),
    WeightArguments("separable_conv2d", lambda **kw: layers.SeparableConv2D(3, 2, padding="same", **kw),
                    (2, 4, 4, 2), _SEPARABLE_WEIGHTS),
    WeightArguments("simple_rnn", lambda **kw: layers.SimpleRNN(3, **kw), (2, 4, 3), _RECURRENT_WEIGHTS),
    WeightArguments("lstm", lambda **kw: layers.LSTM(3, return_sequences=True, **kw), (2, 4, 3),
                    _RECURRENT_WEIGHTS),
    WeightArguments("gru", lambda **kw: layers.GRU(3, **kw), (2, 4, 3), _RECURRENT_WEIGHTS),
    WeightArguments("gru_reset_before", lambda **kw: layers.GRU(3, reset_after=False, **kw), (2, 4, 3),
                    _RECURRENT_WEIGHTS),
    WeightArguments("embedding", lambda **kw: layers.Embedding(6, 3, **kw), (2, 4), {"embeddings": "embeddings"},
                    lambda rng, shape: rng.integers(0, 6, shape)),
]
WEIGHT_ARGUMENT_IDS = [case.id for case in WEIGHT_ARGUMENT_CASES]
