"""The version of layerwise: `layerwise.__version__`, and what model files record as their writer."""

__version__ = "0.1.0"
