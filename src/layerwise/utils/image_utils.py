"""Images as arrays and files (`keras.utils.load_img` ...), through Pillow, which is imported on first use.

Arrays are channels-last (height, width, channels), as everywhere in layerwise.
"""

import numpy as np

from layerwise.config import floatx

_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}


def _pillow():
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError("layerwise's image utilities read and write images with Pillow: pip install "
                          "'layerwise[image]' (or pip install pillow)") from error
    return Image


def _channels_last(data_format, where):
    if data_format not in (None, "channels_last"):
        raise ValueError(f"{where}: layerwise runs channels-last only, received data_format={data_format!r}")


def img_to_array(img, data_format=None, dtype=None):
    """An image (a Pillow image) as a float array (height, width, channels); a grayscale image has 1 channel.

    Example:
        >>> from PIL import Image
        >>> array = img_to_array(Image.new("L", (3, 2), color=7))  # Pillow's size is (width, height)
        >>> array.shape, array.dtype, float(array.max())
        ((2, 3, 1), dtype('float32'), 7.0)
        >>> img_to_array(Image.new("RGB", (3, 2), color=(255, 0, 0)))[0, 0].tolist()
        [255.0, 0.0, 0.0]
    """
    _channels_last(data_format, "img_to_array")
    array = np.asarray(img, dtype=dtype or floatx())
    return array[..., None] if array.ndim == 2 else array


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """An array (height, width, 1, 3 or 4 channels) as a Pillow image; ``scale`` maps its range onto 0-255 first.

    Example:
        >>> array_to_img(np.array([[[0.0], [0.5]]])).getpixel((1, 0))
        255
    """
    _channels_last(data_format, "array_to_img")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3 or x.shape[-1] not in (1, 3, 4):
        raise ValueError(f"array_to_img: expected an array (height, width, 1, 3 or 4 channels), received shape "
                         f"{x.shape}")
    if scale:
        x = x - x.min()
        peak = x.max()
        x = x / peak * 255 if peak > 0 else x
    pixels = np.clip(np.round(x), 0, 255).astype(np.uint8)
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[x.shape[-1]]
    return _pillow().fromarray(pixels[..., 0] if mode == "L" else pixels, mode)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """Read an image file as a Pillow image in ``color_mode`` ("grayscale", "rgb" or "rgba"), resized to
    ``target_size`` (height, width) with ``interpolation`` ("nearest", "bilinear", "bicubic", ...), after cutting
    the centred window of the target's aspect ratio when ``keep_aspect_ratio``.

    Example:
        >>> import os, tempfile
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     path = os.path.join(directory, "image.png")
        ...     save_img(path, np.zeros((2, 3, 3)))
        ...     img = load_img(path, color_mode="grayscale", target_size=(4, 6))
        ...     print(img.mode, img.size, img_to_array(img).shape)
        L (6, 4) (4, 6, 1)
    """
    if color_mode not in _MODES:
        raise ValueError(f"load_img: color_mode must be one of {sorted(_MODES)}, received {color_mode!r}")
    Image = _pillow()
    with Image.open(path) as opened:
        img = opened.convert(_MODES[color_mode])
    if target_size is None or img.size == (target_size[1], target_size[0]):
        return img
    resample = getattr(Image.Resampling, interpolation.upper(), None)
    if resample is None:
        raise ValueError(f"load_img: unknown interpolation {interpolation!r}")
    box = None
    if keep_aspect_ratio:
        from layerwise.ops.resize import aspect_crop_box

        top, left, height, width = aspect_crop_box(img.height, img.width, *target_size)
        box = (left, top, left + width, top + height)
    return img.resize((target_size[1], target_size[0]), resample, box=box)


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Write an array (height, width, channels) as an image file (`array_to_img`, then Pillow's ``save``).

    Example:
        With ``scale``, the values 0 .. 3 become 0 .. 255:

        >>> import os, tempfile
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     path = os.path.join(directory, "ramp.png")
        ...     save_img(path, np.array([[[0.0], [1.0]], [[2.0], [3.0]]]))
        ...     pixels = img_to_array(load_img(path, color_mode="grayscale"))
        >>> pixels[..., 0].tolist()
        [[0.0, 85.0], [170.0, 255.0]]
    """
    array_to_img(x, data_format, scale).save(path, format=file_format, **kwargs)
