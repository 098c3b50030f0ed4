"""Both cores for one batch: kernels split their batch into lanes, one slice per core, run side by side.

NumPy runs element-wise work (copies, ufuncs, reductions) on one thread; only its matrix products use
OpenBLAS's threads. Splitting the element-wise passes over a thread pool while OpenBLAS keeps its own
threads loses (measured 3-7% slower on the AMD Zen 3 machine): after every matrix product OpenBLAS's worker
spins on the second core, waiting for the next one (``OPENBLAS_THREAD_TIMEOUT``). So a model whose passes
gain from lanes runs them inside `all_cores`, which holds BLAS to one thread (threadpoolctl); there, kernels
split their batch with `in_lanes` and run the matrix products of their slices in their lanes too, and
OpenBLAS's worker never wakes. Measured on the AMD Zen 3 machine (2 cores): a ResNet-20 training step of
128 images went from 575 to 440-455 ms, a small CNN's from 60 to 50 ms. Which models gain is a matter of
the machine: `uses_lanes` asks the calibration (`layerwise.config.calibrate`), by the kind of work of the
model's layers (`Layer.memory_bound`).

Lanes need threadpoolctl (``pip install layerwise[threads]``); without it, with one core, after
``set_threads(1)``, or outside `all_cores` (a layer called on its own), every kernel runs in the calling
thread as one lane. The slices are fixed by the batch size, the bytes per sample (a slice holds at least
`MIN_LANE_BYTES`) and the lane count, so a run is reproducible for a given lane count; sums over the
batch (weight gradients, batch statistics) add the lanes' partial sums, so they round differently from
one lane count to another. Kernels that work in chunks of samples may hand them to whichever lane is free
(`chunks_in_lanes`) and add their sums in the chunks' order, the same for every lane count.
"""

import functools
import itertools
import math
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager

import numpy as np

from layerwise.utils._arguments import check_integer

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # an optional dependency: without it, kernels run as one lane
    ThreadpoolController = None

#: Slices smaller than this many bytes are not worth a thread's round trip (about 20-50 us on the AMD Zen 3 machine,
#: where it was set; a slower round trip elsewhere only moves the point where two lanes start to pay).
MIN_LANE_BYTES = 256 * 2**10
#: The default lane count is the usable cores, at most this many: every kernel call pays a round trip per
#: lane, and more than two lanes have only been measured for correctness, not speed.
MAX_DEFAULT_THREADS = 8


def _usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_threads = min(_usable_cores(), MAX_DEFAULT_THREADS)
_executor, _executor_workers = None, 0
_controller = None
_lock = threading.Lock()
# OpenBLAS's thread count is one setting for the whole process: the first thread to enter `all_cores` holds it
# at one, the last to leave restores it. MKL's, as threadpoolctl sets it, is one per thread: each pool thread holds
# its own (`_hold_blas_in_pool_thread`).
_blas_holders, _blas_limit = 0, None
# Per thread: "all cores" inside `all_cores`, "lane" inside a lane, absent elsewhere.
_state = threading.local()


def set_threads(count):
    """Use ``count`` lanes (threads) per kernel inside `all_cores`; 1 runs everything in the calling thread.

    The default is the number of cores this process may use, at most `MAX_DEFAULT_THREADS`.
    """
    global _threads
    count = check_integer(count, "count", "set_threads")
    _threads = count


def threads():
    """The number of lanes kernels split their batch into inside `all_cores` (1 without threadpoolctl)."""
    return _threads if ThreadpoolController is not None else 1


def _forget_pool():
    """In a forked child the pool's threads are gone (only the forking thread is copied): start a new pool,
    and a new lock, which another thread may have held at the fork."""
    global _executor, _executor_workers, _lock
    _executor, _executor_workers, _lock = None, 0, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def forget_blas_controller():
    """Make the BLAS controller again at the next `all_cores`: threadpoolctl knows only the libraries loaded when it
    was made, and a BLAS loaded since (MKL, `layerwise.ops._mkl`) would keep all its threads in the lanes."""
    global _controller
    with _lock:
        _controller = None


def _resources():
    """The lanes' thread pool (grown to `threads` - 1 workers) and the BLAS controller, made on first use."""
    global _executor, _executor_workers, _controller
    with _lock:
        if _executor_workers < _threads - 1:
            if _executor is not None:
                _executor.shutdown(wait=False)
            _executor, _executor_workers = ThreadPoolExecutor(_threads - 1, "layerwise-lane"), _threads - 1
        if _controller is None:
            _controller = ThreadpoolController()
    return _executor, _controller


def _hold_blas(controller):
    global _blas_holders, _blas_limit
    with _lock:
        if not _blas_holders:
            _blas_limit = controller.limit(limits=1, user_api="blas")
        _blas_holders += 1


def _release_blas():
    global _blas_holders, _blas_limit
    with _lock:
        _blas_holders -= 1
        if not _blas_holders:
            _blas_limit.restore_original_limits()
            _blas_limit = None


def holds_blas() -> bool:
    """Whether a thread inside `all_cores` holds BLAS to one thread now."""
    return _blas_holders > 0


@contextmanager
def all_cores():
    """Let kernels split their batch over `threads` lanes, with BLAS held to one thread, for the duration.

    Models enter it around their forward and backward passes; nested entries do nothing more.
    Holding BLAS for a whole pass matters: switching its thread count back and forth around each kernel
    stalled the kernels (a CNN step took 85 ms with a switch per kernel, 50 ms held, 60 ms on one lane).
    """
    if getattr(_state, "mode", None) is not None or threads() == 1:
        yield
        return
    _, controller = _resources()
    _hold_blas(controller)
    _state.mode = "all cores"
    try:
        yield
    finally:
        _state.mode = None
        _release_blas()


def _inside_all_cores() -> bool:
    """Whether this thread is inside `all_cores` (not in a lane of it, nor outside)."""
    return getattr(_state, "mode", None) == "all cores"


def lane_slices(batch, bytes_per_sample=None):
    """(start, stop) slices of ``range(batch)``, one per lane inside `all_cores` (fewer when a slice would
    be too small), else the whole batch as one slice; none for an empty batch."""
    count = min(threads() if _inside_all_cores() else 1, batch)
    if bytes_per_sample is not None:
        count = min(count, max(1, batch * bytes_per_sample // max(MIN_LANE_BYTES, 1)))
    return [(batch * lane // count, batch * (lane + 1) // count) for lane in range(count)]


def pass_owner() -> int:
    """The thread whose pass this is: the calling thread, or in a lane the thread that started the lanes
    (so per-thread scratch buffers follow a pass into its lanes)."""
    return getattr(_state, "owner", None) or threading.get_ident()


def run_lanes(function, slices, own_passes=False):
    """[function(lane, start, stop) for each slice]: the first in the calling thread, the others in the
    pool, side by side (inside `all_cores`; elsewhere one after the other in the calling thread).

    Each lane works for the caller's pass (its scratch buffers are the caller's, `pass_owner`), unless
    ``own_passes``: then each lane runs a pass of its own, with buffers of its own."""
    if len(slices) <= 1 or not _inside_all_cores():
        return [function(lane, *bounds) for lane, bounds in enumerate(slices)]
    executor, _ = _resources()
    # The caller's floating-point error handling holds in every lane (np.errstate is per thread before NumPy 2).
    errors, owner = np.geterr(), None if own_passes else pass_owner()
    futures = [executor.submit(_in_lane, function, lane, *bounds, errors=errors, owner=owner)
               for lane, bounds in enumerate(slices[1:], 1)]
    try:
        first = _in_lane(function, 0, *slices[0])
    finally:
        _state.mode = "all cores"
        # The other lanes write into the caller's arrays: they finish before anything is raised.
        wait(futures)
    return [first] + [future.result() for future in futures]


def _in_lane(function, lane, start, stop, errors=None, owner=None):
    """function(lane, start, stop), with the kernels it calls kept to this lane (and ``errors``, the
    caller's np.geterr(), in force in another thread, whose pass belongs to the thread ``owner``, or to this
    thread for None)."""
    _state.mode = "lane"
    if errors is None:
        return function(lane, start, stop)
    _hold_blas_in_pool_thread()
    _state.owner = owner
    try:
        with np.errstate(**errors):
            return function(lane, start, stop)
    finally:
        _state.owner = None


def _hold_blas_in_pool_thread():
    """Hold BLAS to one thread in this pool thread too, once per controller: a limit a library keeps per thread
    (MKL's) set by the thread that entered `all_cores` does not reach the pool's threads, whose products then ran on
    all the cores at once, beside the other lanes (the lectures' CNN's 3x3 convolutions in lanes took 1.3-1.6 times
    as long by MKL as by OpenBLAS, on the Intel Xeon VM). Pool threads run nothing but lanes, so the limit stays."""
    controller = _controller
    if controller is not None and getattr(_state, "held_by", None) is not controller:
        controller.limit(limits=1, user_api="blas")
        _state.held_by = controller


def side_by_side(passes):
    """``[run() for run in passes]`` for independent passes (one batch's inference each), spread over the lanes
    inside `all_cores`: each lane takes the next pass no lane has taken, runs it as its owner (with scratch
    buffers of its own) and the pass's kernels in that lane alone.

    One dispatch for many passes instead of one per kernel: the lectures' CNN called its lanes about ten times
    per batch of inference, and every call costs a round trip to the pool and a wait for the slower lane. Taking
    passes one at a time keeps the lanes even when one is slowed down."""
    if len(passes) == 1:
        return [passes[0]()]
    results, untaken = [None] * len(passes), queue.SimpleQueue()
    for index in range(len(passes)):
        untaken.put(index)

    def lane(_lane, _start, _stop):
        while True:
            try:
                index = untaken.get_nowait()
            except queue.Empty:
                return
            results[index] = passes[index]()
    with all_cores():
        run_lanes(lane, [(0, 0)] * min(threads(), len(passes)), own_passes=True)
    return results


def chunks_in_lanes(function, chunks):
    """``[function(lane, start, stop) for (start, stop) in chunks]``, in the chunks' order, each lane taking the next
    chunk no lane has taken (inside `all_cores`; elsewhere one after the other, in the calling thread). Where each
    lane takes a fixed half, a lane slowed down by other work on its core holds up the whole call: in ResNet-20's
    training steps on the Intel Xeon VM, the slower lane of each call summed to 1.08-1.5 times the faster one. A
    chunk's result must not depend on the lane that takes it (each lane has scratch of its own, by its index), so
    that a run stays reproducible."""
    if not _inside_all_cores() or len(chunks) <= 1:
        return [function(0, start, stop) for start, stop in chunks]
    results, untaken = [None] * len(chunks), itertools.count()  # next() is one atomic step under the GIL

    def lane(index, _start, _stop):
        taken = next(untaken)
        while taken < len(chunks):
            results[taken] = function(index, *chunks[taken])
            taken = next(untaken)
    run_lanes(lane, [(0, 0)] * min(threads(), len(chunks)))
    return results


def in_lanes(function, batch, bytes_per_sample=None):
    """`run_lanes` over `lane_slices` of a batch."""
    if not _inside_all_cores():  # one slice or none, without building them
        return [function(0, 0, batch)] if batch else []
    return run_lanes(function, lane_slices(batch, bytes_per_sample))


def sample_bytes(array):
    """The bytes of one sample (one entry of the first axis) of ``array``, even of an empty batch."""
    return math.prod(array.shape[1:]) * array.itemsize


def elementwise_in_lanes(function, out, *inputs):
    """``function(out, *inputs)`` for an element-wise function that writes into ``out``, run in lanes on
    matching flat slices when every array is C-contiguous and of one size, else in one call."""
    arrays = (out,) + inputs
    if not all(array.flags.c_contiguous and array.size == out.size for array in arrays):
        function(out, *inputs)
        return out
    flat = [array.reshape(-1) for array in arrays]
    in_lanes(lambda _, start, stop: function(*(array[start:stop] for array in flat)), out.size, out.itemsize)
    return out


#: Whether a model's passes run in lanes, by the kind of work of its layers: "memory_bound" (a model with a
#: convolution, pooling or batch normalization layer) and "dense" (the others, whose large matrix products
#: BLAS's own threads may run faster). None until decided: by `set_policy`, or on the first pass that could
#: use lanes by the calibrator (`set_calibrator`: layerwise measures this machine once and caches the choice).
_policy = {"memory_bound": None, "dense": None}
_calibrator = None
#: The rule measured on the AMD Zen 3 machine and the Intel VM (lanes made a ResNet-20 step 10-20% faster on both):
#: lanes for memory-bound models, BLAS's threads for dense ones. The calibration keeps it unless the other way is
#: clearly faster on the machine it measures, and it holds where no calibrator is registered.
DEFAULT_POLICY = {"memory_bound": True, "dense": False}


def set_calibrator(function):
    """Register ``function(force) -> {"memory_bound": bool, "dense": bool, ...}``, which decides the policy on
    first need (``force``: measure anew rather than read a cached choice)."""
    global _calibrator
    _calibrator = function


def calibrate(force=False) -> dict:
    """Decide the policy now through the calibrator, and return what it reported."""
    if _calibrator is None:
        raise RuntimeError("no calibrator is registered: import layerwise (its models register one)")
    decided = _calibrator(force)
    _policy.update({kind: bool(decided[kind]) for kind in _policy})
    return decided


def set_policy(**choices):
    """Fix whether passes of ``memory_bound`` / ``dense`` models run in lanes (a bool), or leave it to the
    calibrator (None)."""
    unknown = set(choices) - set(_policy)
    if unknown:
        raise ValueError(f"set_policy: the kinds of work are {sorted(_policy)}, received {sorted(unknown)}")
    for kind, lanes in choices.items():
        if lanes is not None and not isinstance(lanes, (bool, np.bool_)):
            raise ValueError(f"set_policy: {kind} must be True, False or None, received {lanes!r}")
    _policy.update({kind: None if lanes is None else bool(lanes) for kind, lanes in choices.items()})


def policy() -> dict:
    """The current choices (None where not decided yet)."""
    return dict(_policy)


def uses_lanes(memory_bound) -> bool:
    """Whether a model of this kind of work runs its passes in lanes on this machine."""
    if threads() == 1:
        return False
    kind = "memory_bound" if memory_bound else "dense"
    if _policy[kind] is None:
        decided = _calibrator(False) if _calibrator is not None else DEFAULT_POLICY
        _policy.update({k: decided[k] for k, v in _policy.items() if v is None})
    return _policy[kind]


def on_all_cores(method):
    """Decorate a model's forward or backward pass to run inside `all_cores` when lanes pay on this machine for
    the model's kind of work (`uses_lanes` of its ``memory_bound``)."""
    @functools.wraps(method)
    def on_cores(model, *args, **kwargs):
        if not uses_lanes(model.memory_bound):
            return method(model, *args, **kwargs)
        with all_cores():
            return method(model, *args, **kwargs)
    return on_cores
