"""Exceptions raised by layerwise.

Each one subclasses ``LayerwiseError`` so callers can catch every library error at once, and the
matching built-in (``ValueError``, ``NotImplementedError``) so existing ``except ValueError`` code keeps working.
"""


__all__ = [
    "LayerwiseError", "DatasetError", "ModelFileError", "DivergenceError", "ExportError",
]


class LayerwiseError(Exception):
    """Base class of every error raised on purpose by layerwise.

    Example:
        >>> import tempfile
        >>> from layerwise.models import load_model
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     try:
        ...         load_model(directory)  # a directory, not a model file
        ...     except LayerwiseError as error:  # whichever error layerwise raised on purpose
        ...         print(type(error).__name__, isinstance(error, ValueError))
        ModelFileError True
    """


class DatasetError(LayerwiseError, ValueError):
    """A data set file is missing, truncated, malformed or fails its checksum.

    Example:
        >>> import os, tempfile
        >>> from layerwise.datasets import mnist
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     for idx_file in mnist.FILES:  # MNIST's four file names, each holding text instead of IDX data
        ...         with open(os.path.join(directory, idx_file.name), "w") as file:
        ...             _ = file.write("not IDX data")
        ...     try:
        ...         mnist.load_data(path=directory)
        ...     except DatasetError as error:
        ...         print(str(error).replace(directory, "<directory>"))
        <directory>/train-images-idx3-ubyte: not an IDX file (expected magic 00 00 xx xx, got 6e 6f 74 20).
    """


class ModelFileError(LayerwiseError, ValueError):
    """A saved model file is missing, malformed or of an unsupported version.

    Example:
        >>> import os, tempfile
        >>> from layerwise.models import load_model
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     path = os.path.join(directory, "model.keras")
        ...     with open(path, "w") as file:
        ...         _ = file.write("not a model")
        ...     try:
        ...         load_model(path)
        ...     except ModelFileError as error:  # also a ValueError
        ...         print(str(error).replace(directory, "<directory>"))
        <directory>/model.keras is not a layerwise model file: it looks like an unknown format (starts with b'not a mo')
    """


class DivergenceError(LayerwiseError, FloatingPointError):
    """Training diverged: a loss, gradient, parameter or optimizer state became NaN or infinite, or the loss
    grew past a set factor. The message says at which epoch and batch and which layer went first;
    ``divergence`` holds the same as a `layerwise.models._divergence.Divergence` (None when not known).

    Example:
        >>> import numpy as np
        >>> import layerwise
        >>> from layerwise.layers import Dense, Input
        >>> model = layerwise.Sequential([Input(shape=(2,)), Dense(1, kernel_initializer="ones", name="out")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> try:
        ...     model.train_on_batch(np.full((1, 2), 1e20), np.zeros((1, 1)))  # unscaled data: (2e20)^2 overflows
        ... except DivergenceError as error:
        ...     print(str(error).split(";")[0])
        ...     print(error.divergence.kind, error.divergence.layer, error.divergence.applied)
        The training loss became inf
        loss out False
    """

    def __init__(self, message, divergence=None):
        super().__init__(message)
        self.divergence = divergence


class ExportError(LayerwiseError, NotImplementedError):
    """A layer or activation cannot be exported: it has no exporter, or its inference pass has no
    deterministic equivalent in the target format. The message names the layer and the reason.

    Example:
        >>> import layerwise
        >>> from layerwise.export import to_onnx
        >>> from layerwise.layers import DropConnect, Input
        >>> model = layerwise.Sequential([Input(shape=(4,)), DropConnect(2, inference="gaussian", name="drop")])
        >>> try:
        ...     to_onnx(model)
        ... except ExportError as error:  # also a NotImplementedError
        ...     print(str(error).split(",")[0])
        to_onnx: layer 'drop' (DropConnect) uses inference='gaussian'
    """
