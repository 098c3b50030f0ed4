"""What the adaptive pooling layers share: the output size, the rank check, the output shape and the config."""

from layerwise.layers._spatial import LAYOUTS, check_rank, normalize_tuple
from layerwise.layers.base import Layer


class BaseAdaptivePooling(Layer):
    """Pools (batch, *spatial, channels) over its `rank` spatial axes (height and width; steps for rank 1) to
    (batch, *output_size, channels), whatever the input's size."""

    #: The spatial axes pooled (the 1-D variants pool the steps of (N, L, C)).
    rank = 2

    def __init__(self, output_size, **kwargs):
        super().__init__(**kwargs)
        self.output_size = normalize_tuple(output_size, self.rank, "output_size", type(self).__name__)

    def build(self, input_shape):
        check_rank(input_shape, self.rank + 2, f"{type(self).__name__} '{self.name}'",
                   LAYOUTS[self.rank])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self.output_size, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "output_size": list(self.output_size)}
