"""Dataset and Sequence: batching, per-epoch shuffling without copies, per-batch map, prefetch thread."""

import threading

import numpy as np
import pytest

from layerwise.data import Dataset, Sequence


def epoch_samples(dataset):
    return np.concatenate([x for x, _ in dataset])


def test_every_sample_once_per_epoch_in_a_new_order(rng):
    x = np.arange(100)
    dataset = Dataset.from_arrays(x, x * 10).shuffle(seed=0).batch(32)
    first, second = epoch_samples(dataset), epoch_samples(dataset)
    assert sorted(first.tolist()) == sorted(second.tolist()) == list(range(100))
    assert not np.array_equal(first, second)
    assert all(np.array_equal(xb * 10, yb) for xb, yb in dataset)


def test_a_seed_reproduces_the_orders():
    make = lambda: Dataset.from_arrays(np.arange(50)).shuffle(seed=3).batch(7)  # noqa: E731
    a, b = make(), make()
    for _ in range(2):
        np.testing.assert_array_equal(np.concatenate(list(a)), np.concatenate(list(b)))


def test_the_arrays_are_referenced_not_copied():
    x = np.zeros((10, 3), dtype=np.uint8)
    dataset = Dataset.from_arrays(x).shuffle(seed=0).batch(4).map(lambda b: b.astype(np.float32)).prefetch()
    assert dataset.x is x
    assert [b.dtype for b in dataset] == [np.float32] * 3


@pytest.mark.parametrize("drop_remainder, sizes", [(False, [4, 4, 2]), (True, [4, 4])])
def test_batch_sizes_and_len(drop_remainder, sizes):
    dataset = Dataset.from_arrays(np.arange(10), np.arange(10)).batch(4, drop_remainder=drop_remainder)
    assert [len(x) for x, _ in dataset] == sizes and len(dataset) == len(sizes)


def test_map_runs_per_batch_and_composes_in_order():
    seen = []
    dataset = (Dataset.from_arrays(np.arange(6.0), np.zeros(6)).batch(4)
               .map(lambda x, y: (seen.append(len(x)) or x + 1, y)).map(lambda x, y: (x * 10, y)))
    assert [x.tolist() for x, _ in dataset] == [[10, 20, 30, 40], [50, 60]]
    assert seen == [4, 2]


def test_prefetch_gives_the_same_batches_from_another_thread():
    threads = set()

    def record(x, y):
        threads.add(threading.current_thread().name)
        return x, y

    plain = Dataset.from_arrays(np.arange(40), np.arange(40)).shuffle(seed=1).batch(8).map(record)
    fetched = Dataset.from_arrays(np.arange(40), np.arange(40)).shuffle(seed=1).batch(8).map(record).prefetch(2)
    for (a, _), (b, _) in zip(plain, fetched, strict=True):
        np.testing.assert_array_equal(a, b)
    assert threads == {threading.current_thread().name, "layerwise-prefetch"}


def test_prefetch_reraises_errors_and_stops_when_abandoned():
    def fail(x):
        raise RuntimeError("broken augmentation")

    with pytest.raises(RuntimeError, match="broken augmentation"):
        list(Dataset.from_arrays(np.arange(8)).batch(2).map(fail).prefetch())
    iterator = iter(Dataset.from_arrays(np.arange(1000)).batch(1).prefetch(1))
    next(iterator)
    iterator.close()
    for thread in threading.enumerate():
        if thread.name == "layerwise-prefetch":
            thread.join(timeout=2)
            assert not thread.is_alive()


@pytest.mark.parametrize("call, message", [
    (lambda: Dataset.from_arrays(np.zeros(3), np.zeros(4)), "same number of samples"),
    (lambda: Dataset.from_arrays(np.zeros(3)).batch(0), "batch_size must be a positive integer, received 0"),
    (lambda: Dataset.from_arrays(np.zeros(3)).prefetch(0), "buffer_size"),
    (lambda: Dataset.from_arrays(np.zeros(3)).map(3), "callable"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_sequence_subclass_must_implement_len_and_getitem():
    with pytest.raises(NotImplementedError, match="__len__"):
        len(Sequence())
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Sequence()[0]
