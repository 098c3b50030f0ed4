"""Exceptions raised by layerwise.

Each one subclasses ``LayerwiseError`` so callers can catch every library error at once, and the
matching built-in (``ValueError``, ``NotImplementedError``) so existing ``except ValueError`` code keeps working.
"""


class LayerwiseError(Exception):
    """Base class of every error raised on purpose by layerwise."""


class DatasetError(LayerwiseError, ValueError):
    """A data set file is missing, truncated, malformed or fails its checksum."""


class ModelFileError(LayerwiseError, ValueError):
    """A saved model file is missing, malformed or of an unsupported version."""


class DivergenceError(LayerwiseError, FloatingPointError):
    """The training loss became NaN or infinite; the message says at which epoch and batch."""


class ExportError(LayerwiseError, NotImplementedError):
    """A layer or activation cannot be exported: it has no exporter, or its inference pass has no
    deterministic equivalent in the target format. The message names the layer and the reason."""
