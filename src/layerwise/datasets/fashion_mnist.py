"""Fashion-MNIST: 60,000 training and 10,000 test images of Zalando articles, 28x28 grayscale, 10 classes.

Classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag,
9 Ankle boot; 6,000 training and 1,000 test images each. License: MIT, Copyright (c) 2017 Zalando SE.
Not shipped with layerwise: see `load_data` for where the files are looked for and fetched from.

References:
    H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine
    Learning Algorithms", arXiv:1708.07747, 2017.
"""

from pathlib import Path

from layerwise.datasets._files import IdxFile, load_idx_files

# The official location (plain HTTP: S3 website endpoints serve no HTTPS); every file is MD5-checked.
URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
# Where Debian's package dataset-fashion-mnist installs the four .gz files.
DEBIAN_DIRECTORY = Path("/usr/share/dataset-fashion-mnist")
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot")

# Official MD5s of the uncompressed files, as published with the data set.
FILES = (
    IdxFile("train-images-idx3-ubyte", "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
    IdxFile("train-labels-idx1-ubyte", "9018921c3c673c538a1fc5bad174d6f9"),
    IdxFile("t10k-images-idx3-ubyte", "8181f5470baa50b63fa0f6fddb340f0a"),
    IdxFile("t10k-labels-idx1-ubyte", "15d484375f8d13e6eb1aabb0c3f46965"),
)


def load_data(path=None):
    """Load Fashion-MNIST, with the same return value as ``keras.datasets.fashion_mnist.load_data()``.

    The four IDX files (each gzipped or not) are taken from ``path`` if given; else from
    ``$LAYERWISE_DATA/fashion-mnist/`` or ``$LAYERWISE_DATA/``, the per-user cache
    (``~/.cache/layerwise/fashion-mnist/``) or Debian's ``/usr/share/dataset-fashion-mnist/``; else they
    are downloaded from the official site into ``$LAYERWISE_DATA/fashion-mnist/`` or the cache. The
    MD5 of each file's content is checked against the official one.

    Args:
        path: A directory holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
            ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each optionally ``.gz``).

    Returns:
        ``((x_train, y_train), (x_test, y_test))``, all uint8: images of shape (N, 28, 28) with
        pixels in 0..255, labels of shape (N,) with classes 0..9 (`CLASS_NAMES`); N = 60000 then 10000.

    Raises:
        DatasetError: A file is missing and cannot be downloaded (the message says which files to
            put where), or is truncated, malformed or fails its MD5 check.
    """
    x_train, y_train, x_test, y_test = load_idx_files("fashion-mnist", FILES, path, url=URL,
                                                      system_directories=[DEBIAN_DIRECTORY])
    return (x_train, y_train), (x_test, y_test)
