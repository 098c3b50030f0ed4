"""SpatialDropout2D: dropout of whole feature maps."""

from layerwise.layers._spatial import LAYOUTS, check_rank
from layerwise.layers.base import Layer
from layerwise.utils.random import make_generator


class SpatialDropout2D(Layer):
    """Dropout that drops entire channels, since neighbouring pixels of one feature map are correlated.

    In training, with keep probability p = 1 - rate and one draw per sample and channel (lecture 000,
    eqs. 1-4, with inverted scaling so inference needs no rescaling):
        m[n, c] ~ Bernoulli(p),  y[n, h, w, c] = x[n, h, w, c] m[n, c] / p,  dJ/dx = dJ/dy m[n, c] / p.
    In inference y = x and dJ/dx = dJ/dy.

    Args:
        rate: the fraction of channels to drop, in [0, 1).
        seed: seed of the layer's own random stream (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> y = SpatialDropout2D(0.5, seed=1)(np.ones((1, 2, 2, 4)), training=True)
        >>> sorted(set(y.ravel().tolist()))
        [0.0, 2.0]

    References:
        Tompson et al., "Efficient Object Localization Using Convolutional Networks", CVPR 2015.
        Srivastava et al., "Dropout", JMLR 2014. Lecture 000 (dropout).
    """

    #: The spatial axes between the batch and the channels (the 1-D variant has one, the steps).
    rank = 2

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError(f"{type(self).__name__}: rate must lie in [0, 1), received {rate!r}")
        self.rate = float(rate)
        self.seed = seed
        self.rng = make_generator(seed)

    def build(self, input_shape):
        check_rank(input_shape, self.rank + 2, f"{type(self).__name__} '{self.name}'",
                   LAYOUTS[self.rank])

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self.mask = None
            return x
        keep = 1.0 - self.rate
        self.mask = (self.rng.random((len(x),) + (1,) * self.rank + (x.shape[-1],)) < keep).astype(x.dtype)
        self.mask *= 1.0 / keep
        return x * self.mask

    def backward(self, dy):
        return dy if self.mask is None else dy * self.mask

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
