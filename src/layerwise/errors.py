"""Exceptions raised by layerwise.

Each one subclasses ``LayerwiseError`` so callers can catch every library error at once, and the
matching built-in (``ValueError``, ``NotImplementedError``) so existing ``except ValueError`` code keeps working.
"""


__all__ = [
    "LayerwiseError", "DatasetError", "ModelFileError", "DivergenceError", "ExportError",
]


class LayerwiseError(Exception):
    """Base class of every error raised on purpose by layerwise."""


class DatasetError(LayerwiseError, ValueError):
    """A data set file is missing, truncated, malformed or fails its checksum."""


class ModelFileError(LayerwiseError, ValueError):
    """A saved model file is missing, malformed or of an unsupported version."""


class DivergenceError(LayerwiseError, FloatingPointError):
    """Training diverged: a loss, gradient, parameter or optimizer state became NaN or infinite, or the loss
    grew past a set factor. The message says at which epoch and batch and which layer went first;
    ``divergence`` holds the same as a `layerwise.models._divergence.Divergence` (None when not known)."""

    def __init__(self, message, divergence=None):
        super().__init__(message)
        self.divergence = divergence


class ExportError(LayerwiseError, NotImplementedError):
    """A layer or activation cannot be exported: it has no exporter, or its inference pass has no
    deterministic equivalent in the target format. The message names the layer and the reason."""
