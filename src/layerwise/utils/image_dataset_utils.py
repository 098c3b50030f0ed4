"""`image_dataset_from_directory`: a folder of image files (one subfolder per class) as a `layerwise.data.Dataset`."""

import os
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from layerwise.utils._arguments import check_integer
from layerwise.utils.image_utils import _MODES, _channels_last, _pillow

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_LABEL_MODES = ("int", "categorical", "binary", None)
_SUBSETS = ("training", "validation", "both")
_INTERPOLATIONS = ("bilinear", "nearest")


def _valid_files(directory, follow_links):
    """(folder, file name) of every image file under ``directory``, folders and names in sorted order (Keras's)."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(ALLOWLIST_FORMATS):
                yield root, name


def index_directory(directory, labels, class_names, follow_links):
    """(file paths, integer labels or None, class names) as Keras indexes a directory, before shuffling.

    With ``labels="inferred"`` each subfolder (sorted, or in the order of ``class_names``) is a class and
    holds its images at any depth (files directly in ``directory`` are ignored); otherwise every image under
    ``directory`` is taken, and given ``labels`` in the order of their sorted paths.
    """
    where = "image_dataset_from_directory"
    if labels == "inferred":
        folders = sorted(name for name in os.listdir(directory)
                         if os.path.isdir(os.path.join(directory, name)) and not name.startswith("."))
        if class_names is not None:
            if not set(class_names) <= set(folders):
                raise ValueError(f"{where}: class_names must name subfolders of {directory} ({folders} or some "
                                 f"of them), received {class_names!r}")
            folders = list(class_names)
        paths, indices = [], []
        for index, folder in enumerate(folders):
            found = [os.path.join(root, name) for root, name in _valid_files(os.path.join(directory, folder),
                                                                                follow_links)]
            paths += found
            indices += [index] * len(found)
        return paths, np.asarray(indices, dtype=np.int32), list(folders)
    paths = [os.path.join(root, name) for root, name in _valid_files(directory, follow_links)]
    if labels is None:
        return paths, None, None
    if len(labels) != len(paths):
        raise ValueError(f"{where}: labels must give one label per image file; received {len(labels)} labels for "
                         f"{len(paths)} files in {directory}")
    given = np.asarray(labels)
    if given.ndim != 1 or given.dtype.kind not in "iu" or (given < 0).any():
        raise ValueError(f"{where}: labels must be non-negative integers, one per image file; received {labels!r}")
    # Classes 0 .. max(labels), so that each label indexes its one-hot column.
    return paths, given.astype(np.int32), [str(k) for k in range(int(given.max(initial=-1)) + 1)]


def _encoded(labels, label_mode, class_count):
    """int: int32 (n,); categorical: float32 one-hot (n, classes); binary: float32 (n, 1)."""
    if label_mode == "int":
        return labels
    if label_mode == "binary":
        return labels.astype(np.float32)[:, None]
    return np.eye(class_count, dtype=np.float32)[labels]


def load_image(path, channels, image_size, interpolation, crop_to_aspect_ratio):
    """One image file as a float32 (height, width, channels) array in [0, 255], resized to ``image_size`` as
    `layerwise.layers.Resizing` resizes (TensorFlow's half-pixel-centred sampling), after the centred crop to
    the target's aspect ratio when ``crop_to_aspect_ratio``. An animated GIF gives its first frame."""
    from layerwise.ops.resize import aspect_crop_box, resize, resize_matrix

    Image = _pillow()
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[channels]
    with Image.open(path) as opened:
        pixels = np.asarray(opened.convert(mode), dtype=np.float32)
    pixels = pixels.reshape(*pixels.shape[:2], channels)
    height, width = image_size
    if crop_to_aspect_ratio:
        top, left, crop_height, crop_width = aspect_crop_box(*pixels.shape[:2], height, width)
        pixels = pixels[top:top + crop_height, left:left + crop_width]
    if pixels.shape[:2] == (height, width):
        return pixels
    rows = resize_matrix(pixels.shape[0], height, interpolation, np.float32)
    columns = resize_matrix(pixels.shape[1], width, interpolation, np.float32)
    return resize(pixels[None], rows, columns)[0]


def _dataset_class():
    from layerwise.data import Dataset  # layerwise.data imports layerwise.utils

    @dataclass(frozen=True, eq=False)
    class ImageFileDataset(Dataset):
        """A `Dataset` of image files, decoded batch by batch; ``class_names`` and ``file_paths`` as Keras's."""

        class_names: Optional[list] = None
        file_paths: list = field(default_factory=list, repr=False)

    return ImageFileDataset


def _split(paths, labels, validation_split, subset):
    """The training (the first 1 - v) or validation (the last v) part of the files, as Keras splits them."""
    if not validation_split:
        return paths, labels
    validation_count = int(validation_split * len(paths))
    part = slice(0, len(paths) - validation_count) if subset == "training" else slice(len(paths) - validation_count,
                                                                                      None)
    return paths[part], None if labels is None else labels[part]


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, color_mode="rgb",
                                 batch_size=32, image_size=(256, 256), shuffle=True, seed=None, validation_split=None,
                                 subset=None, interpolation="bilinear", follow_links=False,
                                 crop_to_aspect_ratio=False, data_format=None, verbose=True):
    """A dataset of the image files (PNG, JPEG, BMP, GIF) in ``directory``, with a label per subfolder, as
    ``keras.utils.image_dataset_from_directory``; images are read with Pillow batch by batch, every epoch.

    For ``main/cat/1.png, main/cat/2.jpg, main/dog/a.bmp``, ``image_dataset_from_directory("main")`` yields
    (images, labels) batches with label 0 for cat and 1 for dog (the sorted folder names, ``class_names``).

    Args:
        directory: the folder of images.
        labels: "inferred" (the subfolder of each image), None (images alone), or a list of integer labels,
            one per image file under ``directory`` in sorted path order.
        label_mode: "int" (int32, (batch,)), "categorical" (float32 one-hot, (batch, classes)), "binary"
            (float32, (batch, 1), exactly two classes) or None (images alone).
        class_names: with inferred labels, the subfolders to use, in the order of their labels.
        color_mode: "grayscale", "rgb" or "rgba": 1, 3 or 4 channels.
        batch_size: images per batch (default 32); None: one batch of all (Keras then yields single images).
        image_size: (height, width) every image is resized to (default (256, 256)); an int for a square.
        shuffle: shuffle the files once (from ``seed``) and the batches' order every epoch; False: sorted order.
        seed: the seed of the shuffling; required with ``shuffle`` and ``validation_split``, so that the
            training and validation calls split the same order.
        validation_split: the fraction of the files (the last ones) kept for validation.
        subset: "training", "validation" or "both" (a (training, validation) pair), with ``validation_split``.
        interpolation: "bilinear" or "nearest", as `layerwise.layers.Resizing` (TensorFlow's resize).
        follow_links: follow symbolic links to folders.
        crop_to_aspect_ratio: crop the centred window of the target's aspect ratio before resizing, instead of
            stretching.
        data_format: None or "channels_last" (layerwise is channels-last).
        verbose: print how many files and classes were found, and how many each subset uses.

    Returns:
        A `layerwise.data.Dataset` of (images, labels) batches, images float32 (batch, height, width,
        channels) in [0, 255] (images alone when there are no labels), with ``class_names`` and ``file_paths``;
        or a (training, validation) pair for ``subset="both"``.

    Raises:
        ImportError: Pillow is not installed (``pip install 'layerwise[image]'``).

    Example:
        >>> import tempfile, pathlib
        >>> from layerwise.utils import save_img
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> for label, name in enumerate(["cat", "dog", "dog"]):
        ...     (root / name).mkdir(exist_ok=True)
        ...     save_img(root / name / f"{label}.png", np.full((4, 6, 3), 100.0 * label), scale=False)
        >>> data = image_dataset_from_directory(root, image_size=(2, 3), shuffle=False, verbose=False)
        >>> data.class_names
        ['cat', 'dog']
        >>> images, labels = next(iter(data))
        >>> images.shape, images.dtype, labels.tolist(), images[:, 0, 0, 0].tolist()
        ((3, 2, 3, 3), dtype('float32'), [0, 1, 1], [0.0, 100.0, 200.0])

    References:
        Keras 3, ``keras/src/utils/image_dataset_utils.py`` (the arguments, the file order and the split).
    """
    where = "image_dataset_from_directory"
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(f"{where}: labels must be 'inferred', None or a list of integer labels (one per image "
                             f"file), received {labels!r}")
        if class_names is not None:
            raise ValueError(f"{where}: class_names can only be given with labels='inferred', received "
                             f"labels={labels!r} and class_names={class_names!r}")
    if label_mode not in _LABEL_MODES:
        raise ValueError(f"{where}: label_mode must be one of {_LABEL_MODES}, received {label_mode!r}")
    if labels is None or label_mode is None:
        labels = label_mode = None
    if color_mode not in _MODES:
        raise ValueError(f"{where}: color_mode must be one of {sorted(_MODES)}, received {color_mode!r}")
    channels = {"grayscale": 1, "rgb": 3, "rgba": 4}[color_mode]
    if isinstance(image_size, int) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    if not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"{where}: image_size must be (height, width), received {image_size!r}")
    image_size = tuple(check_integer(size, "image_size", where) for size in image_size)
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{where}: interpolation must be one of {_INTERPOLATIONS}, received {interpolation!r}")
    _channels_last(data_format, where)
    batch_size = check_integer(batch_size, "batch_size", where, allow_none=True)
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(f"{where}: validation_split must lie in (0, 1), received {validation_split!r}")
    if (validation_split is None) != (subset is None):
        raise ValueError(f"{where}: give validation_split and subset together, received "
                         f"validation_split={validation_split!r} and subset={subset!r}")
    if subset not in (None, *_SUBSETS):
        raise ValueError(f"{where}: subset must be one of {_SUBSETS}, received {subset!r}")
    if validation_split and shuffle and seed is None:
        raise ValueError(f"{where}: a seed is needed to shuffle with validation_split (else the training and "
                         f"validation subsets of two calls could overlap)")
    if not os.path.isdir(directory):
        raise ValueError(f"{where}: directory {directory!r} is not a folder")
    _pillow()  # fail now, not at the first batch

    paths, indices, class_names = index_directory(directory, labels, class_names, follow_links)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f"{where}: label_mode='binary' needs exactly 2 classes, received {class_names}")
    if verbose:
        print(f"Found {len(paths)} files" + ("." if indices is None else f" belonging to {len(class_names)} classes."))
    if shuffle:
        from layerwise.utils.random import make_generator

        order = make_generator(seed).permutation(len(paths))
        paths = [paths[i] for i in order]
        indices = None if indices is None else indices[order]

    def make(subset_name, shuffle_batches):
        subset_paths, subset_indices = _split(paths, indices, validation_split, subset_name)
        if not subset_paths:
            raise ValueError(f"{where}: no {subset_name + ' ' if validation_split else ''}images found in "
                             f"{directory} (formats {', '.join(ALLOWLIST_FORMATS)})")
        if verbose and validation_split:
            print(f"Using {len(subset_paths)} files for {subset_name}.")

        def decode(batch_paths, *batch_labels):
            images = np.stack([load_image(path, channels, image_size, interpolation, crop_to_aspect_ratio)
                               for path in batch_paths])
            return (images, *batch_labels) if batch_labels else images

        y = None if subset_indices is None else _encoded(subset_indices, label_mode, len(class_names))
        dataset = _dataset_class()(np.asarray(subset_paths), y, class_names=class_names,
                                   file_paths=list(subset_paths)).map(decode)
        if shuffle_batches:
            dataset = dataset.shuffle(seed)
        return dataset.batch(batch_size) if batch_size is not None else dataset

    if subset == "both":  # Keras serves the validation part in a fixed order
        return make("training", shuffle), make("validation", False)
    return make(subset or "training", shuffle)
