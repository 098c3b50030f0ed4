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
from layerwise.layers import (BatchNormalization, Conv2D, Dense, GlobalAveragePooling2D, Input, MaxPooling2D)
from layerwise.models.sequential import Sequential
from layerwise.ops import _lanes

#: A lane must beat the calling thread by this fraction to be chosen: below it the two are within the noise,
#: and the calling thread is the simpler run.
MARGIN = 0.05
#: Above this many busy cores (the load average) other work competes for the cores: a choice measured then
#: says more about that work than about the machine, so the default rule is kept, for this process only.
BUSY_CORES = 0.75
#: The rule measured on the AMD Zen 3 machine, kept where nothing better is known: lanes for memory-bound
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
    convolutional = Sequential([Input(shape=(28, 28, 1)), Conv2D(16, 3, padding="same", activation="relu"),
                                BatchNormalization(), MaxPooling2D(), Conv2D(32, 3, padding="same", activation="relu"),
                                GlobalAveragePooling2D(), Dense(10)], name="calibration_convolutional")
    dense = Sequential([Input(shape=(784,)), Dense(512, activation="relu"), Dense(512, activation="relu"),
                        Dense(10)], name="calibration_dense")
    return {"memory_bound": (convolutional, rng.normal(size=(128, 28, 28, 1)).astype("float32")),
            "dense": (dense, rng.normal(size=(128, 784)).astype("float32"))}


def _step(model, x):
    call = model.new_call()
    y = call(x, training=True, input_gradient=False)
    call.backward(np.ones_like(y))


def measure(repeats=5) -> dict:
    """Time each workload's training step in lanes and in the calling thread, interleaved (A B A B ...), and
    return the choices with the median times in milliseconds."""
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
            choices[kind] = in_lanes < (1.0 - MARGIN) * alone
            timings[kind] = {"lanes_ms": round(1e3 * in_lanes, 2), "calling_thread_ms": round(1e3 * alone, 2)}
    finally:
        _lanes.set_policy(**saved)
    return {**choices, "timings": timings}


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
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load > BUSY_CORES:
        return {**DEFAULT, "load": round(load, 2), "source": "default: the machine was busy, nothing measured"}
    result = {**measure(), "measured": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "load": round(load, 2)}
    entries[key] = result
    _write_cache(entries)
    return {**result, "source": "measured"}


_last = {}


def decide(force=False) -> dict:
    """The calibrator of `layerwise.ops._lanes`: `calibrate`, remembered for `layerwise.config.calibration`."""
    _last.clear()
    _last.update(calibrate(force))
    return dict(_last)


def last() -> dict:
    return dict(_last)

