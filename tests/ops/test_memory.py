"""Weights, gradients and optimizer state start on a cache line (`layerwise.ops._memory`), and stay there through
training, saving and loading."""

import subprocess
import sys

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise.ops._memory import ALIGNMENT, aligned_copy, aligned_empty, aligned_zeros_like


def _offsets(arrays):
    return [array.ctypes.data % ALIGNMENT for array in arrays]


def test_the_alignment_is_at_least_an_avx512_vector_and_a_power_of_two():
    assert ALIGNMENT >= 64 and ALIGNMENT & (ALIGNMENT - 1) == 0


@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "complex64"])
@pytest.mark.parametrize("shape", [(), (0,), 1, np.int64(3), (7, 5), (2, np.int64(3), 4)])
def test_aligned_empty_starts_on_the_boundary_with_its_shape_and_dtype(dtype, shape):
    expected = tuple(int(n) for n in shape) if isinstance(shape, tuple) else (int(shape),)
    for _ in range(8):  # the allocator's offsets vary from one block to the next
        array = aligned_empty(shape, dtype)
        assert array.shape == expected and array.dtype == np.dtype(dtype)
        assert array.flags.c_contiguous and array.flags.writeable
        assert array.size == 0 or array.ctypes.data % ALIGNMENT == 0


def test_aligned_copy_copies_a_misaligned_a_strided_and_an_aligned_array(rng):
    base = aligned_empty(65, "float32")
    base[:] = rng.standard_normal(65)
    for source in (base[1:], base.reshape(5, 13)[:, ::2], base):  # 4 bytes past the boundary, strided, aligned
        copy = aligned_copy(source)
        assert copy.ctypes.data % ALIGNMENT == 0 and copy.flags.c_contiguous
        assert np.array_equal(copy, source) and not np.shares_memory(copy, base)


def test_aligned_zeros_like_is_zero_in_the_same_dtype():
    zeros = aligned_zeros_like(np.ones((3, 4), dtype=np.float32))
    assert zeros.ctypes.data % ALIGNMENT == 0 and zeros.dtype == np.float32 and not zeros.any()


_RESIDENT_SET = """
import numpy as np
from layerwise.ops._memory import aligned_zeros_like


def resident_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


before = resident_mib()
zeros = aligned_zeros_like(np.empty((4096, 4096), dtype=np.float32))  # 64 MiB
untouched = resident_mib() - before
zeros[:256] = 1.0  # 4 MiB written
print(untouched, resident_mib() - before, zeros.sum() == 256 * 4096)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="reads the resident set from /proc")
def test_aligned_zeros_take_memory_only_where_written():
    # In a process of its own: in a test worker, other threads (pools, BLAS's) may allocate while it measures.
    result = subprocess.run([sys.executable, "-c", _RESIDENT_SET], capture_output=True, text=True, check=True)
    untouched, written, summed = result.stdout.split()
    assert float(untouched) < 8 and 3 < float(written) < 12 and summed == "True"


def _mlp(optimizer):
    model = layerwise.Sequential([layers.Dense(37, activation="relu", input_dim=13),
                                  layers.BatchNormalization(), layers.Dense(3)])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    return model


@pytest.mark.parametrize("optimizer", [layerwise.optimizers.SGD(momentum=0.9), "adam", "rmsprop", "adagrad",
                                       "adafactor", "nadam"])
def test_weights_gradients_and_optimizer_state_are_aligned_and_stay_so_through_training(rng, optimizer):
    model = _mlp(optimizer)
    x, y = rng.standard_normal((64, 13)).astype(np.float32), rng.integers(0, 3, 64)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert _offsets(p.value for p in model.weights) == [0] * len(model.weights)
    assert _offsets(p.grad for p in model.trainable_weights) == [0] * len(model.trainable_weights)
    state = list(model.optimizer.slot_variables().values())
    assert state and _offsets(state) == [0] * len(state)


def test_weights_stay_aligned_when_set_and_when_loaded(rng, tmp_path):
    model = _mlp("sgd")
    model.set_weights([rng.standard_normal(w.shape) for w in model.get_weights()])
    assert _offsets(p.value for p in model.weights) == [0] * len(model.weights)
    model.save(tmp_path / "model.keras")
    loaded = layerwise.models.load_model(tmp_path / "model.keras")
    assert _offsets(p.value for p in loaded.weights) == [0] * len(loaded.weights)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
