"""How this machine runs a model's passes best, measured once and cached (`layerwise.config.calibrate`).

The one choice today: whether a model's forward and backward passes run in lanes (`layerwise.ops._lanes`:
the batch split over the cores, BLAS held to one thread) or in the calling thread with BLAS's own threads.
It depends on the CPU, its memory and its BLAS: on the AMD Zen 3 machine lanes made a ResNet-20 step 20%
faster and left an MLP's large products to BLAS's threads; on the Intel VM two threads lose on purely
memory-bound work. So layerwise times both ways on two small models, one of each kind of work (convolution,
batch normalization and pooling; dense layers), and keeps the faster, a few seconds once per machine.

The choice is cached in the user's cache directory (``$LAYERWISE_CACHE_DIR``, else ``$XDG_CACHE_HOME/layerwise``
or ``~/.cache/layerwise``), keyed by what it depends on: the CPU model, the BLAS library (kernel and version),
the core and lane counts and NumPy's version.
"""

import datetime
import json
import os
import time
from pathlib import Path

import numpy as np

from layerwise import config
from layerwise.layers import BatchNormalization, Conv2D, Dense, Flatten, Input, MaxPooling2D, ReLU
from layerwise.models.sequential import Sequential
from layerwise.ops import _lanes

#: The other way must beat the default rule (`DEFAULT`) by this fraction to be chosen: between runs on one machine
#: the two ways of a convolutional step differed by 5-10% in either direction (noise), so a smaller margin would
#: flip the choice from one calibration to the next.
MARGIN = 0.10
#: Above this many cores kept busy by other work (`busy_cores`), a choice measured then would say more about
#: that work than about the machine: the default rule is kept, for this process only.
BUSY_CORES = 0.75
#: The rule measured on the AMD Zen 3 machine and the Intel VM (lanes made a ResNet-20 step 10-20% faster on both),
#: kept unless the other way is clearly faster here: lanes for memory-bound
#: models, BLAS's threads for dense ones. ``LAYERWISE_CALIBRATION=default`` asks for it without measuring.
DEFAULT = {"memory_bound": True, "dense": False}


def cache_path() -> Path:
    root = os.environ.get("LAYERWISE_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "layerwise"
    return Path(root) / "calibration.json"


def machine_key() -> str:
    """What the choice depends on, as one string."""
    facts = config.info()
    blas = facts["blas"].split(" (")[0]
    return f"{facts['cpu']} | {blas} | {facts['cores']} cores | {_lanes.threads()} lanes | numpy {facts['numpy']}"


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
    return {"memory_bound": (convolutional, rng.normal(size=(128, 28, 28, 1)).astype("float32")),
            "dense": (dense, rng.normal(size=(128, 784)).astype("float32"))}


def _step(model, x):
    call = model.new_call()
    y = call(x, training=True, input_gradient=False)
    call.backward(np.ones_like(y))


def measure(repeats=7) -> dict:
    """Time each workload's training step in lanes and in the calling thread, interleaved (A B A B ...), and
    return the choices (the default rule unless the other way is faster by `MARGIN`) with the median times in
    milliseconds."""
    saved = _lanes.policy()
    choices, timings = {}, {}
    try:
        for kind, (model, x) in _workloads().items():
            times = {True: [], False: []}
            for lanes in (True, False):  # a warm-up of each: first calls allocate
                _lanes.set_policy(**{kind: lanes})
                _step(model, x)
            for _ in range(repeats):
                for lanes in (True, False):
                    _lanes.set_policy(**{kind: lanes})
                    start = time.perf_counter()
                    _step(model, x)
                    times[lanes].append(time.perf_counter() - start)
            in_lanes, alone = (float(np.median(times[lanes])) for lanes in (True, False))
            usual, other = (in_lanes, alone) if DEFAULT[kind] else (alone, in_lanes)
            choices[kind] = DEFAULT[kind] != (other < (1.0 - MARGIN) * usual)
            timings[kind] = {"lanes_ms": round(1e3 * in_lanes, 2), "calling_thread_ms": round(1e3 * alone, 2)}
    finally:
        _lanes.set_policy(**saved)
    return {**choices, "timings": timings}


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
    if os.environ.get("LAYERWISE_CALIBRATION") == "default":
        return {**DEFAULT, "source": "default (LAYERWISE_CALIBRATION=default)"}
    key = machine_key()
    entries = _read_cache()
    if not force and isinstance(entries.get(key), dict) and {"memory_bound", "dense"} <= set(entries[key]):
        return {**entries[key], "source": "cache"}
    busy = busy_cores()
    if busy > BUSY_CORES:
        return {**DEFAULT, "busy_cores": round(busy, 2), "source": "default: the machine was busy, nothing measured"}
    result = {**measure(), "measured": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "busy_cores": round(busy, 2)}
    entries[key] = result
    _write_cache(entries)
    return {**result, "source": "measured"}
