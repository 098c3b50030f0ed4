"""RandomColorJitter: random brightness, contrast, saturation and hue changes, one after the other."""

from layerwise.layers.preprocessing._augmentation import RandomLayer, config_factor
from layerwise.layers.preprocessing._value_range import check_value_range
from layerwise.layers.preprocessing.random_brightness import RandomBrightness
from layerwise.layers.preprocessing.random_contrast import RandomContrast
from layerwise.layers.preprocessing.random_hue import RandomHue
from layerwise.layers.preprocessing.random_saturation import RandomSaturation


class RandomColorJitter(RandomLayer):
    """In training, y = hue(saturation(contrast(brightness(x)))) with the `RandomBrightness`, `RandomContrast`,
    `RandomSaturation` and `RandomHue` layers of the factors given (a factor left None skips its layer), all drawing
    from this layer's generator; dJ/dx runs their backward passes in reverse order. The identity at inference.

    Args:
        value_range: (low, high), (0, 255) for raw pixels, passed to every layer.
        brightness_factor: `RandomBrightness`'s factor, or None.
        contrast_factor: `RandomContrast`'s factor, or None.
        saturation_factor: `RandomSaturation`'s factor, or None.
        hue_factor: `RandomHue`'s factor, or None.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, 3) (or any channels without saturation and hue).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> jitter = RandomColorJitter((0, 1), brightness_factor=(0.1, 0.1), saturation_factor=(0.0, 0.0), seed=0)
        >>> jitter(np.array([[[[0.5, 0.3, 0.2]]]]), training=True)[0, 0, 0]  # 0.1 brighter, then grey
        array([0.6, 0.6, 0.6], dtype=float32)

    References:
        Keras ``keras.layers.RandomColorJitter``; torchvision's ``ColorJitter``.
    """

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None, saturation_factor=None,
                 hue_factor=None, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.value_range = check_value_range("RandomColorJitter", value_range)
        self.brightness_factor, self.contrast_factor = brightness_factor, contrast_factor
        self.saturation_factor, self.hue_factor = saturation_factor, hue_factor
        factors = [("brightness", RandomBrightness, brightness_factor), ("contrast", RandomContrast, contrast_factor),
                   ("saturation", RandomSaturation, saturation_factor), ("hue", RandomHue, hue_factor)]
        # Named after this layer, so a loaded model finds each one's saved generator state under the same name.
        self.layers = [cls(factor, value_range=self.value_range, dtype=self.dtype.name, name=f"{self.name}_{what}")
                       for what, cls, factor in factors if factor is not None]
        for layer in self.layers:
            layer.rng = self.rng  # one stream for the four, as Keras's one seed generator
        self.calls = []

    def build(self, input_shape):
        super().build(input_shape)
        for layer in self.layers:
            layer.build_for(input_shape)

    def sublayers(self):
        return list(self.layers)

    def forward(self, x, training=False):
        self.calls = [layer.new_call() for layer in self.layers] if training else []
        for call in self.calls:
            x = call(x, training=True)
        return x

    def backward(self, dy):
        for call in reversed(self.calls):
            dy = call.backward(dy)
        return dy

    def get_config(self):
        return {**super().get_config(), "value_range": list(self.value_range),
                **{name: config_factor(getattr(self, name)) for name in
                   ("brightness_factor", "contrast_factor", "saturation_factor", "hue_factor")}}
