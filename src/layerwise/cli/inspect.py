"""``layerwise info`` and ``layerwise summary``: what this installation and a saved model are."""

import importlib.util
import sys

#: Optional packages that switch features on: their extra, and what they enable.
OPTIONAL = (("threadpoolctl", "threads", "both cores for convolutional networks"),
            ("numba", "numba", "compiled kernels for max pooling and batch normalization"),
            ("matplotlib", "plot", "plots"),
            ("onnx", "onnx", "ONNX export"),
            ("onnxruntime", "onnx", "running exported ONNX files"),
            ("optuna", "tune", "hyperparameter search (layerwise.tuning, layerwise tune)"),
            ("distributed", "distributed", "trials on a Dask cluster (--workers, --scheduler)"),
            ("safetensors", "test", "the reference safetensors codec (tests only)"))


def info(args) -> int:
    """Print the versions, the CPU, the BLAS NumPy runs on, the threads layerwise uses and the extras found."""
    from layerwise.config import info as machine

    facts = machine()
    print(f"layerwise {facts['layerwise']} (Python {facts['python']}, NumPy {facts['numpy']})")
    print(f"CPU: {facts['cpu']} ({facts['cores']} cores); layerwise threads: {facts['threads']}; float type: "
          f"{facts['floatx']}")
    print(f"BLAS: {facts['blas']}; kernels: {facts['kernels']}")
    from layerwise.ops import _mkl

    found = [(module, importlib.util.find_spec(module) is not None, extra, feature)
             for module, extra, feature in OPTIONAL]
    # The mkl wheel holds MKL's libraries, no Python module: found where they can be called.
    found.insert(2, ("mkl", _mkl.available(), "mkl", "MKL's matrix products, where the calibration measures them "
                                                      "faster"))
    for module, present, extra, feature in found:
        print(f"  {module:<14} {'found' if present else 'missing':<8} {feature} (layerwise[{extra}])")
    return 0


def load_saved_model(path, command):
    """The model saved at ``path``, or None after printing why it cannot be loaded."""
    from layerwise.errors import ModelFileError
    from layerwise.models import load_model

    try:
        return load_model(path)
    except (ModelFileError, OSError) as error:
        print(f"layerwise {command}: {error}", file=sys.stderr)
        return None


def summary(args) -> int:
    """Print the summary table of a saved model file."""
    model = load_saved_model(args.model, "summary")
    if model is None:
        return 1
    model.summary(expand_nested=args.expand_nested)
    return 0
