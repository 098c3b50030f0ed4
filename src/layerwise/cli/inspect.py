"""``layerwise info`` and ``layerwise summary``: what this installation and a saved model are."""

import importlib.util
import platform
import sys

#: Optional packages that switch features on: their extra, and what they enable.
OPTIONAL = (("threadpoolctl", "threads", "both cores for convolutional networks"),
            ("matplotlib", "plot", "plots"),
            ("onnx", "onnx", "ONNX export"),
            ("onnxruntime", "onnx", "running exported ONNX files"),
            ("safetensors", "test", "the reference safetensors codec (tests only)"))


def cpu_model() -> str:
    """The CPU's model name as the kernel reports it (what `lscpu` shows)."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def info(args) -> int:
    """Print the versions, the CPU, the BLAS NumPy runs on, the threads layerwise uses and the extras found."""
    import numpy as np

    import layerwise

    print(f"layerwise {layerwise.__version__} (Python {platform.python_version()}, NumPy {np.__version__})")
    print(f"CPU: {cpu_model()}; layerwise threads: {layerwise.config.threads()}; float type: "
          f"{layerwise.config.floatx()}")
    if importlib.util.find_spec("threadpoolctl") is not None:
        from threadpoolctl import threadpool_info

        for library in threadpool_info():
            if library["user_api"] == "blas":
                print(f"BLAS: {library['internal_api']} {library.get('version')} {library.get('architecture')} "
                      f"({library['num_threads']} threads)")
    else:
        print("BLAS: unknown (install layerwise[threads] for threadpoolctl)")
    for module, extra, feature in OPTIONAL:
        found = importlib.util.find_spec(module) is not None
        print(f"  {module:<14} {'found' if found else 'missing':<8} {feature} (layerwise[{extra}])")
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
