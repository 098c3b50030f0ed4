"""CIFAR-10: 50,000 training and 10,000 test colour images, 32x32, in 10 classes of 6,000 each.

Classes: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck.
Read from the official binary version (never the pickled one); see `layerwise.datasets._cifar`.

References:
    A. Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", 2009.
"""

from layerwise.datasets import _cifar

CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
ARCHIVE = _cifar.CifarArchive(
    dataset="cifar10", archive="cifar-10-binary.tar.gz", url="https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
    md5="c32a1d4ab5d03f1284b67883e8d87530", folder="cifar-10-batches-bin",
    train=tuple(f"data_batch_{i}.bin" for i in range(1, 6)), test=("test_batch.bin",), label_classes=(10,))


def load_data(path=None):
    """Load CIFAR-10, with the same return value as ``keras.datasets.cifar10.load_data()``.

    Looks in ``path`` if given, else in ``$LAYERWISE_DATA/cifar10/``, ``$LAYERWISE_DATA/`` and the
    per-user cache (``~/.cache/layerwise/cifar10/``), for ``cifar-10-binary.tar.gz`` (MD5-checked) or
    its extracted folder ``cifar-10-batches-bin/`` (or the .bin files themselves); else downloads the
    tarball from the official site into ``$LAYERWISE_DATA/cifar10/`` or the cache.

    Args:
        path: A directory holding the tarball, the folder, or ``data_batch_1.bin`` ..
            ``data_batch_5.bin`` and ``test_batch.bin``.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``, all uint8: images (N, 32, 32, 3) (channels last),
        labels (N, 1) with classes 0..9 (`CLASS_NAMES`); N = 50000 then 10000.

    Raises:
        DatasetError: The data are missing and cannot be downloaded (the message says what to put
            where), the tarball fails its MD5 check, or a batch is truncated or not in the binary format.
    """
    return _cifar.load(ARCHIVE, path)
