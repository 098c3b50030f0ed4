"""MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grayscale, labels 0-9.

License: CC BY-SA 3.0 (Yann LeCun and Corinna Cortes). A copy ships inside the package, so no
download is needed; see ``layerwise.datasets._files`` for how to point the loader elsewhere.

References:
    Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to document
    recognition", Proc. IEEE 86(11), 1998.
"""

from layerwise.datasets._files import IdxFile, load_idx_files

# Official MD5s of the uncompressed files, as published with the data set.
FILES = (
    IdxFile("train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb"),
    IdxFile("train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624"),
    IdxFile("t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea"),
    IdxFile("t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637"),
)


def load_data(path=None):
    """Load MNIST, with the same return value as ``keras.datasets.mnist.load_data()``.

    The files are taken from ``path`` if given, else from ``$LAYERWISE_DATA/mnist/`` or
    ``$LAYERWISE_DATA/``, else from the copy shipped with layerwise. Each file may be gzipped or
    not, and the MD5 of its content is checked against the official one.

    Args:
        path: A directory holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
            ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each optionally ``.gz``).

    Returns:
        ``((x_train, y_train), (x_test, y_test))``, all uint8: images of shape (N, 28, 28) with
        pixels in 0..255, labels of shape (N,) with digits 0..9; N = 60000 then 10000.

    Raises:
        DatasetError: A file is missing, truncated, malformed or fails its MD5 check.

    Example:
        >>> from layerwise.datasets import mnist
        >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()
        >>> x_train.shape, y_train.shape, x_test.shape, y_test.shape
        ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))
        >>> x_train.dtype, y_test.dtype
        (dtype('uint8'), dtype('uint8'))
    """
    x_train, y_train, x_test, y_test = load_idx_files("mnist", FILES, path)
    return (x_train, y_train), (x_test, y_test)
