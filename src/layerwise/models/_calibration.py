"""How this machine runs a model's passes best, measured once and cached (`layerwise.config.calibrate`).

Eight choices today:

* whether a model's forward and backward passes run in lanes (`layerwise.ops._lanes`: the batch split over the
  cores, BLAS held to one thread) or in the calling thread with BLAS's own threads. It depends on the CPU, its
  memory and its BLAS: on the AMD Zen 3 machine lanes made a ResNet-20 step 20% faster and left an MLP's large
  products to BLAS's threads; on the Intel VM two threads lose on purely memory-bound work. So layerwise times
  both ways on two small models, one of each kind of work (convolution, batch normalization and pooling; dense
  layers), and keeps the faster;
* which library runs the matrix products (`layerwise.ops.products.LIBRARY`), where MKL can be called besides NumPy's
  BLAS (`layerwise.ops._mkl`): a wide MLP's products and two 3x3 convolutions' passes are timed by each, as the
  models run them (in lanes or not), and MKL is kept where it is faster on one by `MARGIN` and not slower on the other
  by as much; the choices below are timed with the library chosen;
* the size of the chunks in which a convolution gathers its im2col columns (`layerwise.ops.conv.CACHE_CHUNK_BYTES`),
  which should stay in this CPU's caches from the copy to the matrix product: the convolutional model's step is
  timed with each of `CHUNK_CANDIDATES`;
* how a stride-1 convolution's input gradient is computed (`layerwise.ops.conv.INPUT_GRADIENT`): as a convolution
  with the flipped kernel, or by scattering dJ/dY W^T onto the input; the input gradient of the CNN's second
  convolution is timed both ways (the whole step would hide a difference in one of its passes);
* how 3x3 stride-1 convolutions are computed (`layerwise.ops.conv.ALGORITHM`): by im2col and a matrix product, or
  by Winograd's minimal filtering (`layerwise.ops.winograd`); the forward pass and both gradients of two such
  convolutions, the CNN's second and one of ResNet-20's second stage, are timed both ways, and, where Winograd is
  chosen, with each of `WINOGRAD_CHUNK_CANDIDATES` (`layerwise.ops.conv.WINOGRAD_CHUNK_BYTES`), and three convolutions
  with fewer channels both ways, which set the threshold of C F / (C + F) from which it is taken
  (`layerwise.ops.winograd.MIN_CHANNEL_RATIO`);
* how plain gradient descent takes its step where a model's passes leave the cores to BLAS
  (`layerwise.ops.elementwise.STEP_KERNEL`): in one compiled pass on the calling thread, or by the axpy of the
  library that runs the products, on its own threads (MKL's, or NumPy's BLAS where it can be called,
  `layerwise.ops._blas`); a wide MLP's update is timed both ways, right after its products;
* in blocks of how many columns BLAS writes a weight gradient x^T dJ/dz (`layerwise.ops.dense.WEIGHT_GRADIENT_COLUMNS`):
  the weight gradients of a wide MLP's two 1024-unit layers are timed in one call and with each of
  `WEIGHT_GRADIENT_COLUMN_CANDIDATES`.

About twenty seconds, once per machine (five more where MKL is installed).

The choice is cached in the user's cache directory (``$LAYERWISE_CACHE_DIR``, else ``$XDG_CACHE_HOME/layerwise``
or ``~/.cache/layerwise``), keyed by what it depends on: the CPU model, the BLAS library (kernel and version),
the core and lane counts, NumPy's version and MKL's, and layerwise's own: its kernels are what is timed, and a new
version may change which way is faster (Winograd's input transform without a padded copy of each chunk moved the
channel threshold measured on the Intel Xeon VM from 10.7 to 4).
"""

import contextlib
import datetime
import json
import os
import time
from pathlib import Path

import numpy as np

from layerwise import config
from layerwise.layers import BatchNormalization, Conv2D, Dense, Flatten, Input, MaxPooling2D, ReLU
from layerwise.models.sequential import Sequential
from layerwise.ops import _blas, _lanes, _mkl, conv, dense, elementwise, products, winograd
from layerwise.ops._workspace import Workspace

#: Another choice must beat the default (the lanes' rule `layerwise.ops._lanes.DEFAULT_POLICY`, the convolutions'
#: defaults; ``LAYERWISE_CALIBRATION=default`` asks for them all without measuring) by this fraction to be chosen:
#: between runs on one machine the two ways of a convolutional step differed by 5-10% in either direction (noise),
#: so a smaller margin would flip the choice from one calibration to the next.
MARGIN = 0.10
#: Above this many cores kept busy by other work (`busy_cores`), a choice measured then would say more about
#: that work than about the machine: the default rule is kept, for this process only.
BUSY_CORES = 0.75
#: Untimed steps after each switch of setting, then timed ones (see `_median_times`).
WARM_STEPS, TIMED_STEPS = 2, 2
#: The im2col chunk sizes tried: around the L2 (1-2 MB per core) and L3 shares of the machines measured so far.
CHUNK_CANDIDATES = (1 * 2**20, 2 * 2**20, conv.DEFAULT_CHUNK_BYTES, 8 * 2**20)
#: The sizes tried for Winograd's chunks: around the L2 cache of a core (1-2 MB on the machines measured so far).
WINOGRAD_CHUNK_CANDIDATES = (1 * 2**20, conv.DEFAULT_WINOGRAD_CHUNK_BYTES, 4 * 2**20)
#: The blocks tried for weight gradients, in columns (0: one call, the default): blocks of 1 and 2 MB of a 1024-row
#: float32 gradient, whose part for each of two BLAS threads, 0.5 and 1 MB, fits a core's L2 cache on the machines
#: measured so far.
WEIGHT_GRADIENT_COLUMN_CANDIDATES = (256, 512)
#: The 3x3 stride-1 convolutions (image size, C, F) on which Winograd's way is timed against im2col's: the CNN's second
#: (14x14, 32 channels to 64) and one of ResNet-20's second stage (16x16, 32 to 32), C F / (C + F) = 21.3 and 16.
THREE_BY_THREE_CASES = ((14, 32, 64), (16, 32, 32))
#: Where Winograd is chosen, the convolutions below those that set its threshold (`layerwise.ops.winograd`), as in
#: bench/conv_algorithms.py: C F / (C + F) = 5.3, 8 (ResNet-20's first stage) and 10.7.
WINOGRAD_THRESHOLD_CASES = ((28, 8, 16), (32, 16, 16), (32, 16, 32))
#: Seconds of rest after switching the library of the matrix products, before its first product: the other library's
#: threads spin for a while after their last product, waiting for the next, on the cores this one's need (OpenBLAS's
#: for about 2^28 cycles, 0.1 s at 2.7 GHz; MKL's OpenMP threads for 200 ms, ``KMP_BLOCKTIME``). Timed without the
#: rest, MKL's two threads took 1.7-4 times NumPy's time on the AMD Zen 4 machine (bench/mkl_gemm.py).
LIBRARY_SWITCH_REST = 0.25


def cache_path() -> Path:
    root = os.environ.get("LAYERWISE_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "layerwise"
    return Path(root) / "calibration.json"


def numpy_blas() -> str:
    """NumPy's own BLAS, kernel and version (`layerwise.ops._blas.numpy_blas_library`)."""
    library = _blas.numpy_blas_library()
    if library is None:
        return "unknown"
    return f"{library['internal_api']} {library.get('version')} {library.get('architecture')}"


def machine_key() -> str:
    """What the choice depends on, as one string."""
    facts = config.info()
    return (f"{facts['cpu']} | {numpy_blas()} | {facts['cores']} cores | {_lanes.threads()} lanes | "
            f"numpy {facts['numpy']} | MKL {_mkl.installed() or 'none'} | layerwise {facts['layerwise']}")


def _workloads():
    """Two small training steps, one of each kind of work, on fixed random data."""
    rng = np.random.default_rng(0)
    # The lectures' small CNN on MNIST (bench/cnn_mnist.py's), with batch normalization: the memory-bound work of a
    # convolutional network (im2col copies, pooling, normalization) at a size where it weighs as in real ones.
    convolutional = Sequential([Input(shape=(28, 28, 1)), Conv2D(32, 3, padding="same", activation="relu"),
                                MaxPooling2D(), Conv2D(64, 3, padding="same"), BatchNormalization(),
                                ReLU(), MaxPooling2D(), Flatten(), Dense(128, activation="relu"), Dense(10)],
                               name="calibration_convolutional")
    dense = Sequential([Input(shape=(784,)), Dense(512, activation="relu"), Dense(512, activation="relu"),
                        Dense(10)], name="calibration_dense")
    labels = rng.integers(0, 10, size=128)
    for model in (convolutional, dense):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return {"memory_bound": (convolutional, rng.random(size=(128, 28, 28, 1), dtype="float32"), labels),
            "dense": (dense, rng.random(size=(128, 784), dtype="float32"), labels)}


def _median_times(step, settings, apply, repeats, prepare=None):
    """{setting: median seconds of a training step} with each setting applied in turn, interleaved (A B A B ...);
    ``prepare()``, where given, runs untimed before each timed step.

    Each setting's `TIMED_STEPS` timed steps follow `WARM_STEPS` untimed ones: the first steps after a switch pay
    for it (BLAS's threads and the lanes' pool waking, scratch buffers resized). On the AMD Zen 4 machine the
    lectures' CNN step took 75 and 62 ms on the first two steps after a switch into lanes, then 45-47 ms; in the
    calling thread 54-55 ms throughout. Timed after one untimed step, the calling thread looked 10-15% faster, and
    lanes, 17% faster for that step (and 25% for a ResNet-20 step), were turned down in one calibration out of two."""
    times = {setting: [] for setting in settings}
    for _ in range(repeats):
        for setting in settings:
            apply(setting)
            for _ in range(WARM_STEPS):
                step()
            for _ in range(TIMED_STEPS):
                if prepare is not None:
                    prepare()
                start = time.perf_counter()
                step()
                times[setting].append(time.perf_counter() - start)
    return {setting: float(np.median(values)) for setting, values in times.items()}


def _chosen(times, default):
    """The fastest setting of ``times`` ({setting: seconds}) if it beats ``default``'s time by `MARGIN`, else
    ``default``."""
    best = min(times, key=times.get)
    return best if times[best] < (1.0 - MARGIN) * times[default] else default


def measure(repeats=5) -> dict:
    """Time each workload's training step in lanes and in the calling thread, the dense one's update by each step
    kernel, a wide MLP's weight gradients in one call and in blocks, then the convolutional step with each im2col
    chunk size, a convolution's input gradient both ways and 3x3 convolutions by each algorithm (and Winograd's
    chunk sizes), and return the choices (the default unless another is faster by `MARGIN`) with the median times
    in milliseconds. Each setting not yet chosen is at its default while the others are timed."""
    saved, saved_ops = _lanes.policy(), _ops_settings()
    choices, timings = {}, {}
    workloads = _workloads()
    try:
        _set_ops_settings(_ops_defaults())
        for kind, (model, x, y) in workloads.items():
            times = _median_times(lambda: model.train_on_batch(x, y), (True, False),
                                  lambda lanes: _lanes.set_policy(**{kind: lanes}), repeats)
            choices[kind] = _chosen(times, _lanes.DEFAULT_POLICY[kind])
            timings[kind] = {"lanes_ms": round(1e3 * times[True], 2), "calling_thread_ms": round(1e3 * times[False], 2)}
        _lanes.set_policy(memory_bound=choices["memory_bound"], dense=choices["dense"])
        choices["matrix_products"] = products.DEFAULT_LIBRARY
        if _mkl.available():
            def use_library(name):
                products.LIBRARY = name
                time.sleep(LIBRARY_SWITCH_REST)

            times = {kind: _median_times(step, ("numpy", "mkl"), use_library, repeats)
                     for kind, step in (("dense", _wide_mlp(choices["dense"])),
                                        ("memory_bound", _three_by_three(choices["memory_bound"])))}
            timings["matrix_products_ms"] = {kind: {name: round(1e3 * seconds, 3) for name, seconds in by.items()}
                                             for kind, by in times.items()}
            ratios = [by["mkl"] / by["numpy"] for by in times.values()]
            if min(ratios) < 1.0 - MARGIN and max(ratios) < 1.0 + MARGIN:
                choices["matrix_products"] = "mkl"
            products.LIBRARY = choices["matrix_products"]
        choices["step_kernel"] = elementwise.DEFAULT_STEP_KERNEL
        # BLAS's step is taken only where a model's passes leave the cores to BLAS (`Trainer._checked_update`): timed
        # where dense models do, on the threads of the library that runs the products.
        if (_mkl if choices["matrix_products"] == "mkl" else _blas).available() and not choices["dense"]:
            def use_step_kernel(name):
                elementwise.STEP_KERNEL = name

            # The update alone, right after a training step's matrix products (as in `fit`): in the whole step, a
            # difference of 5-15% in the update is lost in the noise of the products. On a wide MLP's weights (7 MB
            # of float32): the calibration's dense model's fit in the caches, as an MLP's do not.
            layers = _wide_mlp_layers()
            times = _median_times(_wide_mlp_update(layers), ("compiled", "blas"), use_step_kernel, repeats,
                                  prepare=_wide_mlp(False, layers=layers))
            choices["step_kernel"] = elementwise.STEP_KERNEL = _chosen(times, elementwise.DEFAULT_STEP_KERNEL)
            timings["step_kernel_ms"] = {name: round(1e3 * seconds, 3) for name, seconds in times.items()}
        times = _median_times(_wide_mlp(choices["dense"], weight_gradients_only=True),
                              (dense.DEFAULT_WEIGHT_GRADIENT_COLUMNS, *WEIGHT_GRADIENT_COLUMN_CANDIDATES),
                              lambda columns: setattr(dense, "WEIGHT_GRADIENT_COLUMNS", columns), repeats)
        choices["weight_gradient_columns"] = dense.WEIGHT_GRADIENT_COLUMNS = _chosen(
            times, dense.DEFAULT_WEIGHT_GRADIENT_COLUMNS)
        timings["weight_gradient_ms"] = {f"{columns} columns" if columns else "one call": round(1e3 * seconds, 3)
                                         for columns, seconds in times.items()}
        model, x, y = workloads["memory_bound"]
        times = _median_times(lambda: model.train_on_batch(x, y), CHUNK_CANDIDATES,
                              lambda count: setattr(conv, "CACHE_CHUNK_BYTES", count), repeats)
        choices["conv_chunk_bytes"] = _chosen(times, conv.DEFAULT_CHUNK_BYTES)
        timings["conv_chunk_ms"] = {f"{count // 2**20} MB": round(1e3 * seconds, 2) for count, seconds in times.items()}
        # The input gradient is timed with the chunks chosen, not with the last candidate tried.
        conv.CACHE_CHUNK_BYTES = choices["conv_chunk_bytes"]
        times = _median_times(_input_gradient(choices["memory_bound"]), ("flipped", "scatter"),
                              lambda kind: setattr(conv, "INPUT_GRADIENT", kind), repeats)
        choices["conv_input_gradient"] = _chosen(times, conv.DEFAULT_INPUT_GRADIENT)
        timings["conv_input_gradient_ms"] = {kind: round(1e3 * seconds, 2) for kind, seconds in times.items()}
        conv.INPUT_GRADIENT = choices["conv_input_gradient"]
        three_by_three = _three_by_three(choices["memory_bound"])
        times = _median_times(three_by_three, ("im2col", "winograd"), lambda name: setattr(conv, "ALGORITHM", name),
                              repeats)
        choices["conv_algorithm"] = _chosen(times, conv.DEFAULT_ALGORITHM)
        timings["conv_algorithm_ms"] = {name: round(1e3 * seconds, 2) for name, seconds in times.items()}
        choices["winograd_chunk_bytes"] = conv.DEFAULT_WINOGRAD_CHUNK_BYTES
        if choices["conv_algorithm"] == "winograd":
            conv.ALGORITHM = "winograd"
            times = _median_times(three_by_three, WINOGRAD_CHUNK_CANDIDATES,
                                  lambda count: setattr(conv, "WINOGRAD_CHUNK_BYTES", count), repeats)
            choices["winograd_chunk_bytes"] = _chosen(times, conv.DEFAULT_WINOGRAD_CHUNK_BYTES)
            timings["winograd_chunk_ms"] = {f"{count // 2**20} MB": round(1e3 * seconds, 2)
                                            for count, seconds in times.items()}
            conv.WINOGRAD_CHUNK_BYTES = choices["winograd_chunk_bytes"]
            choices["winograd_min_channel_ratio"], timings["winograd_threshold_ms"] = _winograd_threshold(
                choices["memory_bound"], repeats)
        else:
            choices["winograd_min_channel_ratio"] = winograd.DEFAULT_MIN_CHANNEL_RATIO
    finally:
        _lanes.set_policy(**saved)
        _set_ops_settings(saved_ops)
    return {**choices, "timings": timings}


def _ops_defaults():
    """{choice: its default} of the choices made after the lanes (`layerwise.config.OPS_SETTINGS`)."""
    return {choice: default for choice, (_, _, default, _) in config.OPS_SETTINGS.items()}


def _ops_settings():
    """{choice: the setting in force} of the same choices."""
    return {choice: getattr(module, name) for choice, (module, name, _, _) in config.OPS_SETTINGS.items()}


def _set_ops_settings(settings):
    """Put ``settings`` ({choice: setting}, as `_ops_settings` gives) in force while `measure` times, whatever the
    user fixed (`measure` restores it after)."""
    for choice, (module, name, _, _) in config.OPS_SETTINGS.items():
        setattr(module, name, settings[choice])


def _input_gradient(lanes):
    """The input gradient of the CNN's second convolution (3x3, 32 channels to 64, 14x14, a batch of 128), as a
    model runs it (in lanes or not, with a workspace)."""
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(3, 3, 32, 64)).astype("float32")
    dy = rng.normal(size=(128, 14, 14, 64)).astype("float32")
    geometry = conv.ConvGeometry.create((14, 14), (3, 3), (1, 1), (1, 1), "same")
    workspace = Workspace()

    def step():
        with _lanes.all_cores() if lanes else contextlib.nullcontext():
            conv.conv2d_backward_input(dy, kernel, geometry, workspace=workspace)
    return step


def _wide_mlp_layers():
    """(x, W, dJ/dz, dJ/dW) of a 784-1024-1024 MLP's two hidden layers, a batch of 128, float32: the calibration's
    dense model is too narrow for its weights and gradients to leave a core's L2 cache, where the way they are
    written and stepped matters."""
    rng = np.random.default_rng(0)
    return [(rng.normal(size=(128, inputs)).astype("float32"), rng.normal(size=(inputs, 1024)).astype("float32"),
             rng.normal(size=(128, 1024)).astype("float32"), np.zeros((inputs, 1024), dtype="float32"))
            for inputs in (784, 1024)]


def _wide_mlp(lanes, weight_gradients_only=False, layers=None):
    """The matrix products of `_wide_mlp_layers` (or of ``layers``, as it gives them), as a dense model forms them (in
    lanes or not): x W, the weight gradients x^T dJ/dz (3 and 4 MB) and dJ/dz W^T, or only the weight gradients."""
    layers = _wide_mlp_layers() if layers is None else layers

    def step():
        with _lanes.all_cores() if lanes else contextlib.nullcontext():
            for x, kernel, dz, kernel_grad in layers:
                if not weight_gradients_only:
                    dense.product(x, kernel)
                    dense.product(dz, kernel.T)
                dense.add_product(kernel_grad, x.T, dz, overwrite=True)
    return step


def _wide_mlp_update(layers):
    """Plain gradient descent's step of the weights of ``layers`` (`_wide_mlp_layers`) by their gradients."""
    def update():
        for _, kernel, _, kernel_grad in layers:
            elementwise.add_scaled_norm(kernel, kernel_grad, -1e-6)
    return update


def _winograd_threshold(lanes, repeats):
    """(the threshold of C F / (C + F) from which Winograd's way is taken, {case: {algorithm: ms}}): each of
    `WINOGRAD_THRESHOLD_CASES` timed both ways, Winograd's taken whatever its channels; the threshold is the default
    unless im2col is faster by `MARGIN` on some case, and then the next ratio above the highest such case (of these
    cases and `THREE_BY_THREE_CASES`, where Winograd was chosen)."""
    winograd.MIN_CHANNEL_RATIO = 0.0
    losing, timings = [], {}
    for case in WINOGRAD_THRESHOLD_CASES:
        times = _median_times(_three_by_three(lanes, [case]), ("im2col", "winograd"),
                              lambda name: setattr(conv, "ALGORITHM", name), repeats)
        size, channels, filters = case
        timings[f"{channels}->{filters} at {size}x{size}"] = {name: round(1e3 * seconds, 2)
                                                              for name, seconds in times.items()}
        if times["im2col"] < (1.0 - MARGIN) * times["winograd"]:
            losing.append(_channel_ratio(case))
    conv.ALGORITHM = "winograd"
    if not losing:
        return winograd.DEFAULT_MIN_CHANNEL_RATIO, timings
    ratios = sorted(_channel_ratio(case) for case in WINOGRAD_THRESHOLD_CASES + THREE_BY_THREE_CASES)
    return next(ratio for ratio in ratios if ratio > max(losing)), timings


def _channel_ratio(case):
    """C F / (C + F) of a convolution (size, C, F), which decides whether Winograd's way pays."""
    _, channels, filters = case
    return channels * filters / (channels + filters)


def _three_by_three(lanes, convolutions=THREE_BY_THREE_CASES):
    """The forward pass, weight gradient and input gradient of 3x3 stride-1 'same' convolutions (size, C, F), batches
    of 128 (by default `THREE_BY_THREE_CASES`)."""
    rng = np.random.default_rng(0)
    cases = []
    for size, channels, filters in convolutions:
        x = rng.normal(size=(128, size, size, channels)).astype("float32")
        kernel = rng.normal(size=(3, 3, channels, filters)).astype("float32")
        geometry = conv.ConvGeometry.create((size, size), (3, 3), (1, 1), (1, 1), "same")
        cases.append((x, kernel, np.zeros_like(kernel), geometry, rng.normal(size=(128, size, size, filters))
                      .astype("float32")))
    workspace = Workspace()

    def step():
        with _lanes.all_cores() if lanes else contextlib.nullcontext():
            for x, kernel, kernel_grad, geometry, dy in cases:
                conv.conv2d_forward(x, kernel, None, geometry, workspace=workspace)
                conv.conv2d_backward_kernel(dy, x, None, geometry, kernel_grad, workspace=workspace)
                conv.conv2d_backward_input(dy, kernel, geometry, workspace=workspace)
    return step


def _cpu_times():
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    return sum(fields), fields[3] + fields[4]  # all jiffies, idle + iowait


def busy_cores(window=0.25) -> float:
    """How many cores other work keeps busy now, sampled over ``window`` seconds while this process sleeps (the
    load average would lag a minute behind, and count this process's own last work)."""
    try:
        total, idle = _cpu_times()
        time.sleep(window)
        total_after, idle_after = _cpu_times()
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    elapsed = max(total_after - total, 1)
    return (os.cpu_count() or 1) * (1.0 - (idle_after - idle) / elapsed)


def _read_cache():
    try:
        return json.loads(cache_path().read_text())
    except (OSError, ValueError):
        return {}


def _write_cache(entries):
    path = cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(entries, indent=1))
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only home: the choice is measured again next time, nothing is lost


def calibrate(force=False) -> dict:
    """The choices for this machine: from the cache, or measured (``force``: measured anew) and cached."""
    decided = _decide(force)
    for choice, (_, _, _, setter) in config.OPS_SETTINGS.items():
        setter(decided.get(choice), calibrated=True)
    return decided


def _current(entry, default) -> bool:
    """Whether a cached entry was measured by today's rules: it has every choice."""
    return isinstance(entry, dict) and set(default) <= set(entry)


def _decide(force):
    default = {**_lanes.DEFAULT_POLICY, **_ops_defaults()}
    if os.environ.get("LAYERWISE_CALIBRATION") == "default":
        return {**default, "source": "default (LAYERWISE_CALIBRATION=default)"}
    key = machine_key()
    entries = _read_cache()
    if not force and _current(entries.get(key), default):
        return {**entries[key], "source": "cache"}
    busy = busy_cores()
    if busy > BUSY_CORES:
        return {**default, "busy_cores": round(busy, 2), "source": "default: the machine was busy, nothing measured"}
    result = {**measure(), "measured": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "busy_cores": round(busy, 2)}
    entries[key] = result
    _write_cache(entries)
    return {**result, "source": "measured"}
