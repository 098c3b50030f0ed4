"""Global configuration: the default float type, the fuzz factor, the number of threads, and what machine this is.

float32 is the default, as in Keras; ``set_floatx("float64")`` switches every layer, initializer and
optimizer built afterwards to double precision (gradient checks use it).

Example:
    >>> import layerwise
    >>> layerwise.config.floatx()
    'float32'
"""

import importlib.util
import os
import platform

import numpy as np

from layerwise._version import __version__
from layerwise.ops import _compiled, _lanes, _settings, conv, elementwise, products, winograd
from layerwise.ops import dense as dense_ops

#: The calibrated settings of `layerwise.ops` modules beside the lanes' policy: {choice: (module, the module's
#: attribute, its default, the setter by which a user's value stands against the calibration's)}.
OPS_SETTINGS = {
    "matrix_products": (products, "LIBRARY", products.DEFAULT_LIBRARY, products.set_library),
    "conv_chunk_bytes": (conv, "CACHE_CHUNK_BYTES", conv.DEFAULT_CHUNK_BYTES, conv.set_chunk_bytes),
    "conv_input_gradient": (conv, "INPUT_GRADIENT", conv.DEFAULT_INPUT_GRADIENT, conv.set_input_gradient),
    "conv_algorithm": (conv, "ALGORITHM", conv.DEFAULT_ALGORITHM, conv.set_algorithm),
    "winograd_chunk_bytes": (conv, "WINOGRAD_CHUNK_BYTES", conv.DEFAULT_WINOGRAD_CHUNK_BYTES,
                             conv.set_winograd_chunk_bytes),
    "winograd_min_channel_ratio": (winograd, "MIN_CHANNEL_RATIO", winograd.DEFAULT_MIN_CHANNEL_RATIO,
                                   winograd.set_min_channel_ratio),
    "step_kernel": (elementwise, "STEP_KERNEL", elementwise.DEFAULT_STEP_KERNEL, elementwise.set_step_kernel),
    "weight_gradient_columns": (dense_ops, "WEIGHT_GRADIENT_COLUMNS", dense_ops.DEFAULT_WEIGHT_GRADIENT_COLUMNS,
                                dense_ops.set_weight_gradient_columns),
}

_FLOATX = "float32"
_EPSILON = 1e-7
_ALLOWED = ("float16", "float32", "float64")


__all__ = [
    "floatx", "set_floatx", "epsilon", "set_epsilon", "standardize_dtype", "threads", "set_threads", "calibrate",
    "calibration", "set_calibration", "kernels", "set_kernels", "cpu_model", "info",
]


def floatx() -> str:
    """Return the default float type as a string ("float32" unless changed).

    Example:
        >>> floatx()
        'float32'
    """
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float type: one of "float16", "float32", "float64".

    Example:
        >>> from layerwise import initializers
        >>> saved = floatx()
        >>> set_floatx("float64")
        >>> initializers.GlorotUniform(seed=0)((2, 2)).dtype
        dtype('float64')
        >>> set_floatx(saved)  # back to what it was
    """
    global _FLOATX
    try:
        name = np.dtype(value).name
    except TypeError:
        name = None
    if name not in _ALLOWED:
        raise ValueError(f"set_floatx: expected one of {_ALLOWED}, received {value!r}")
    _FLOATX = name


def epsilon() -> float:
    """Return the fuzz factor used to keep logarithms and divisions finite (1e-7, as Keras).

    Example:
        >>> epsilon()
        1e-07
    """
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor returned by `epsilon()`.

    Example:
        >>> saved = epsilon()
        >>> set_epsilon(1e-5)
        >>> epsilon()
        1e-05
        >>> set_epsilon(saved)  # back to what it was
    """
    global _EPSILON
    _EPSILON = float(value)


def standardize_dtype(dtype) -> np.dtype:
    """Return ``np.dtype(dtype)``, or the default float type when ``dtype`` is None.

    Example:
        >>> standardize_dtype("float64"), standardize_dtype(None)  # None: floatx()
        (dtype('float64'), dtype('float32'))
    """
    return np.dtype(floatx() if dtype is None else dtype)


def threads() -> int:
    """Return how many threads a model with convolution, pooling or batch normalization layers splits each
    batch over (the usable cores, at most 8, by default; 1 without threadpoolctl, ``pip install
    layerwise[threads]``).

    Example:
        >>> threads() >= 1
        True
    """
    return _lanes.threads()


def set_threads(count: int) -> None:
    """Set the number of threads `threads` returns; 1 runs every kernel in the calling thread.

    Example:
        >>> saved = threads()
        >>> set_threads(1)  # every kernel in the calling thread
        >>> threads()
        1
        >>> set_threads(saved)  # back to what it was
    """
    _lanes.set_threads(count)


def calibrate(force=False) -> dict:
    """Measure (or read from the cache) how this machine runs model passes best, and use it from now on.

    Whether a model's forward and backward passes split each batch over the cores (lanes, BLAS held to one
    thread) or leave the cores to BLAS's threads is timed on two small training steps, one with convolution,
    batch normalization and pooling, one of dense layers, and the faster way kept for each kind of model
    (`layerwise.models._calibration`). The convolutional step is then timed with im2col chunks of 1 to 8 MB
    (`layerwise.ops.conv.CACHE_CHUNK_BYTES`), and the fastest kept, and a stride-1 convolution's input gradient
    is timed as a convolution with the flipped kernel and as a scatter (`layerwise.ops.conv.INPUT_GRADIENT`), and 3x3
    stride-1 convolutions by im2col and by Winograd's minimal filtering (`layerwise.ops.conv.ALGORITHM`), with
    Winograd's chunks of 1 to 4 MB where it is chosen (`layerwise.ops.conv.WINOGRAD_CHUNK_BYTES`), and three
    convolutions of fewer channels both ways, for the threshold of C F / (C + F) from which Winograd's way is taken
    (`layerwise.ops.winograd.MIN_CHANNEL_RATIO`). Where dense models do not run in lanes, plain gradient descent's
    update of a wide MLP is timed in one compiled pass and by the axpy of the library that runs the products, on its
    own threads (`layerwise.ops.elementwise.STEP_KERNEL`), and a wide MLP's weight gradients x^T dJ/dz in one BLAS
    call and in blocks of 256 and 512 columns (`layerwise.ops.dense.WEIGHT_GRADIENT_COLUMNS`). Where MKL can be
    called (``pip install layerwise[mkl]``), the matrix products of both kinds of model are timed by NumPy's matmul
    and by MKL, before the choices that depend on them (`layerwise.ops.products.LIBRARY`). Done on its own at the
    first model pass that could use lanes, and cached per machine in the user's cache directory; ``force=True``
    measures anew.

    Returns:
        {"memory_bound": bool, "dense": bool, "matrix_products": "numpy" or "mkl", "conv_chunk_bytes": int,
        "conv_input_gradient": "flipped" or "scatter", "conv_algorithm": "im2col" or "winograd",
        "winograd_chunk_bytes": int, "winograd_min_channel_ratio": float, "step_kernel": "compiled" or "blas",
        "weight_gradient_columns": int (0: one call), "timings": {...}, "source": "cache" | "measured", ...}.

    Example:
        >>> import os
        >>> from unittest import mock
        >>> saved = calibration()
        >>> with mock.patch.dict(os.environ, LAYERWISE_CALIBRATION="default"):  # the default rule, nothing measured
        ...     decided = calibrate()
        >>> decided["source"], decided["memory_bound"], decided["dense"], decided["conv_chunk_bytes"] // 2**20
        ('default (LAYERWISE_CALIBRATION=default)', True, False, 4)
        >>> calibration()["memory_bound"], calibration()["conv_input_gradient"], calibration()["conv_algorithm"]
        (True, 'flipped', 'im2col')
        >>> calibration()["step_kernel"], calibration()["weight_gradient_columns"]
        ('compiled', 0)
        >>> set_calibration(**saved)  # back to what was in force
    """
    return _lanes.calibrate(force)


def calibration() -> dict:
    """The choices in force: {"memory_bound": bool or None, "dense": bool or None, "matrix_products": "numpy" or
    "mkl", "conv_chunk_bytes": int, "conv_input_gradient": "flipped" or "scatter", "conv_algorithm": "im2col" or
    "winograd", "winograd_chunk_bytes": int, "winograd_min_channel_ratio": float, "step_kernel": "compiled" or
    "blas", "weight_gradient_columns": int} (None: not decided yet).

    Example:
        >>> saved = calibration()
        >>> set_calibration(memory_bound=True, dense=False, matrix_products="numpy", conv_chunk_bytes=4 * 2**20,
        ...                 conv_input_gradient="flipped", conv_algorithm="winograd", winograd_chunk_bytes=2**20,
        ...                 winograd_min_channel_ratio=16, step_kernel="blas", weight_gradient_columns=512)
        >>> calibration()  # doctest: +NORMALIZE_WHITESPACE
        {'memory_bound': True, 'dense': False, 'matrix_products': 'numpy', 'conv_chunk_bytes': 4194304,
         'conv_input_gradient': 'flipped', 'conv_algorithm': 'winograd', 'winograd_chunk_bytes': 1048576,
         'winograd_min_channel_ratio': 16.0, 'step_kernel': 'blas', 'weight_gradient_columns': 512}
        >>> set_calibration(**saved)  # back to what was in force
    """
    settings = {choice: getattr(module, name) for choice, (module, name, _, _) in OPS_SETTINGS.items()}
    return {**_lanes.policy(), **settings}


def set_calibration(memory_bound=None, dense=None, conv_chunk_bytes=None, conv_input_gradient=None,
                    conv_algorithm=None, winograd_chunk_bytes=None, step_kernel=None,
                    weight_gradient_columns=None, matrix_products=None, winograd_min_channel_ratio=None) -> None:
    """Override the calibration: whether passes of models with memory-bound layers (convolution, pooling, batch
    normalization) / of other models run in lanes, the size of the chunks in which convolutions gather their
    im2col columns, how a stride-1 convolution's input gradient is computed ("flipped" or "scatter"), how 3x3
    stride-1 convolutions are ("im2col" or "winograd", `layerwise.ops.winograd`), in chunks of how many bytes
    Winograd's run and from which C F / (C + F) it is taken, how plain gradient descent takes its step ("compiled"
    or "blas", which falls back to the compiled pass where the library cannot be called), in blocks of how many
    columns BLAS writes a weight gradient (0: one call), and which library runs the matrix products ("numpy" or
    "mkl", `layerwise.ops.products`); None leaves a choice to the calibration (its default until the calibration
    runs).

    Example:
        >>> saved = calibration()
        >>> set_calibration(memory_bound=True)  # lanes for convolutional models; dense ones left to the calibration
        >>> calibration()["memory_bound"], calibration()["dense"]
        (True, None)
        >>> set_calibration(**saved)  # back to what was in force
    """
    arguments = locals()
    # Each setter checks its own value: one refused leaves every setting as it was, not the ones before it changed.
    with _settings.all_or_none([(module, name) for module, name, _, _ in OPS_SETTINGS.values()]):
        for choice, (_, _, _, setter) in OPS_SETTINGS.items():
            setter(arguments[choice])
        _lanes.set_policy(memory_bound=memory_bound, dense=dense)


def kernels() -> str:
    """Which implementation runs the kernels that have a compiled twin (max pooling's tiling windows, batch
    normalization's element-wise passes, ReLU and its gradient, SGD's step, Winograd's transforms): "numba" when
    Numba is installed (``pip install layerwise[numba]``), unless ``LAYERWISE_KERNELS=numpy`` or `set_kernels`
    chose NumPy's, which are the reference (`layerwise.ops._compiled` has the measurements).

    Example:
        >>> kernels() in ("numba", "numpy")
        True
    """
    return _compiled.kernels()


def set_kernels(name: str) -> None:
    """Run the kernels that have a compiled twin with ``name``: "numba" (refused without Numba) or "numpy".

    Example:
        >>> saved = kernels()
        >>> set_kernels("numpy")
        >>> kernels()
        'numpy'
        >>> set_kernels(saved)
    """
    _compiled.set_kernels(name)


def cpu_model() -> str:
    """Return the CPU's model name as the kernel reports it (what `lscpu` shows).

    Example:
        >>> isinstance(cpu_model(), str), cpu_model() == info()["cpu"]
        (True, True)
    """
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def info() -> dict:
    """Return what a result depends on: the versions, the CPU and its cores, the BLAS libraries NumPy runs on
    (kernel, version and threads, as threadpoolctl reports them; "unknown" without it), layerwise's threads and
    float type.

    Example:
        >>> sorted(info())
        ['blas', 'calibration', 'cores', 'cpu', 'floatx', 'kernels', 'layerwise', 'numpy', 'python', 'threads']
    """
    blas = "unknown (install layerwise[threads] for threadpoolctl)"
    if importlib.util.find_spec("threadpoolctl") is not None:
        from threadpoolctl import threadpool_info

        blas = "; ".join(f"{library['internal_api']} {library.get('version')} {library.get('architecture')} "
                         f"({library['num_threads']} threads)"
                         for library in threadpool_info() if library["user_api"] == "blas") or "none found"
    return {"layerwise": __version__, "python": platform.python_version(), "numpy": np.__version__,
            "cpu": cpu_model(), "cores": os.cpu_count(), "blas": blas, "threads": threads(), "floatx": floatx(),
            "calibration": calibration(), "kernels": kernels()}
