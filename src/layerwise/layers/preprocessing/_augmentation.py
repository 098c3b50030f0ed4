"""What the random augmentation layers share: seeding, factor ranges, image checks, affine resampling.

Augmentation is lecture 003's "create more training data": each layer draws one random transform per
image when ``training=True`` and is the identity at inference. The draws come from ``self.rng``
(`layerwise.utils.random.make_generator(seed)`), so `check_gradients` can replay them.
"""

import numpy as np

from layerwise.layers.base import Layer
from layerwise.ops.affine import FILL_MODES, INTERPOLATIONS, affine_resample, affine_resample_backward
from layerwise.utils.random import make_generator


def config_factor(factor):
    """A factor as get_config gives it: a pair as a list (what a JSON round trip returns), else as is."""
    return list(factor) if isinstance(factor, tuple) else factor


def factor_range(layer, argument, factor, symmetric_bound=None):
    """Keras's factor convention: a number f means (-f, f), a pair (lower, upper) is used as is.

    Args:
        layer: the class name, for error messages.
        argument: the argument's name, for error messages.
        factor: the received value.
        symmetric_bound: if given, |f| must not exceed it.
    """
    if isinstance(factor, (int, float, np.integer, np.floating)) and not isinstance(factor, bool):
        lower, upper = -abs(float(factor)), abs(float(factor))
    elif isinstance(factor, (tuple, list)) and len(factor) == 2:
        lower, upper = float(factor[0]), float(factor[1])
    else:
        raise ValueError(f"{layer}: {argument} must be a number or a pair (lower, upper), received {factor!r}")
    if lower > upper or (symmetric_bound is not None and max(-lower, upper) > symmetric_bound):
        bound = "" if symmetric_bound is None else f" within [-{symmetric_bound}, {symmetric_bound}]"
        raise ValueError(f"{layer}: {argument} must satisfy lower <= upper{bound}, received {factor!r}")
    return lower, upper


def unit_range(layer, argument, factor, bounds=(0, 1)):
    """Keras's bounded factor: a number f in [low, high] means (low, f), a pair of numbers in it is sorted."""
    values = [bounds[0], factor] if np.ndim(factor) == 0 else list(factor)
    if len(values) != 2 or not all(bounds[0] <= value <= bounds[1] for value in values):
        raise ValueError(f"{layer}: {argument} must be a number in [{bounds[0]}, {bounds[1]}] or a pair of them, "
                         f"received {factor!r}")
    return tuple(sorted(float(value) for value in values))


def random_boxes(rng, lengths, height, width):
    """Boxes of (width, height) ``lengths`` (N, 2) in pixels at uniform corners inside the image, as Keras's erasing
    and CutMix place them: the (N, height, width, 1) mask of pixels with start <= index < start + length."""
    starts = rng.uniform(size=lengths.shape) * ([width, height] - lengths)
    ends = starts + lengths
    columns, rows = np.arange(width)[None, None, :], np.arange(height)[None, :, None]
    inside = ((columns >= starts[:, 0, None, None]) & (columns < ends[:, 0, None, None])
              & (rows >= starts[:, 1, None, None]) & (rows < ends[:, 1, None, None]))
    return inside[..., None]


def check_choice(layer, argument, value, choices):
    if value not in choices:
        raise ValueError(f"{layer}: {argument} must be one of {choices}, received {value!r}")
    return value


class RandomLayer(Layer):
    """A layer on image batches (N, H, W, C) that draws from ``self.rng``, seeded by ``seed``."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.rng = make_generator(seed)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects images of shape "
                             f"(batch, height, width, channels), received {tuple(input_shape)}")

    def draw_applied(self, count, probability_range):
        """Keras's per-image coin: p_n ~ U(probability_range), u_n ~ U(0, 1), applied where u_n < p_n; (count,)."""
        probability = self.rng.uniform(*probability_range, size=count)
        return self.rng.uniform(size=count) < probability

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


class RGBLayer(RandomLayer):
    """A random colour layer on RGB images: the rank and 3-channel check."""

    def build(self, input_shape):
        super().build(input_shape)
        if input_shape[-1] != 3:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects RGB images of 3 channels, "
                             f"received {tuple(input_shape)}")


class AffineAugmentation(RandomLayer):
    """Base of the geometric augmentations: subclasses draw the (N, 6) transforms, this class resamples.

    Forward (training): y = resample(x, T) with T from `draw_transforms` (see `layerwise.ops.affine`);
    backward: dJ/dx = resample^T(dJ/dy). Inference: y = x, dJ/dx = dJ/dy.
    """

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.fill_mode = check_choice(type(self).__name__, "fill_mode", fill_mode, FILL_MODES)
        self.interpolation = check_choice(type(self).__name__, "interpolation", interpolation, INTERPOLATIONS)
        self.fill_value = float(fill_value)
        self.sampling = None

    def draw_transforms(self, count, height, width):
        """Return (count, 6) transforms [a0, a1, a2, b0, b1, b2] mapping output to input points."""
        raise NotImplementedError

    def forward(self, x, training=False):
        self.sampling = None
        if not training:
            return x
        transforms = self.draw_transforms(len(x), x.shape[1], x.shape[2])
        y, self.sampling = affine_resample(x, transforms, self.interpolation, self.fill_mode, self.fill_value)
        return y

    def backward(self, dy):
        return dy if self.sampling is None else affine_resample_backward(dy, self.sampling)

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                "fill_value": self.fill_value}
