"""CIFAR-100: 50,000 training and 10,000 test colour images, 32x32, in 100 fine classes (20 coarse).

Read from the official binary version (never the pickled one); see `layerwise.datasets._cifar`.

References:
    A. Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", 2009.
"""

from layerwise.datasets import _cifar

ARCHIVE = _cifar.CifarArchive(
    dataset="cifar100", archive="cifar-100-binary.tar.gz",
    url="https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", md5="03b5dce01913d631647c71ecec9e9cb8",
    folder="cifar-100-binary", train=("train.bin",), test=("test.bin",), label_classes=(20, 100))
LABEL_MODES = {"coarse": 0, "fine": 1}


def load_data(label_mode="fine", path=None):
    """Load CIFAR-100, with the same return value as ``keras.datasets.cifar100.load_data(label_mode)``.

    Looks for ``cifar-100-binary.tar.gz`` (MD5-checked) or its folder ``cifar-100-binary/`` (or
    ``train.bin`` and ``test.bin`` themselves) in the places `layerwise.datasets.cifar10.load_data`
    searches, under ``cifar100/``, and downloads the tarball when absent.

    Args:
        label_mode: "fine" (100 classes) or "coarse" (20 superclasses).
        path: A directory holding the tarball, the folder or the two .bin files.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``, all uint8: images (N, 32, 32, 3), labels (N, 1);
        N = 50000 then 10000.

    Raises:
        ValueError: An unknown ``label_mode``.
        DatasetError: As `layerwise.datasets.cifar10.load_data`.
    """
    if label_mode not in LABEL_MODES:
        raise ValueError(f"cifar100.load_data: label_mode must be 'fine' or 'coarse', received {label_mode!r}")
    column = LABEL_MODES[label_mode]
    (x_train, labels_train), (x_test, labels_test) = _cifar.load(ARCHIVE, path)
    return (x_train, labels_train[:, column:column + 1].copy()), (x_test, labels_test[:, column:column + 1].copy())
