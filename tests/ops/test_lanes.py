"""Lanes: kernels that split their batch over threads give what one lane gives, and really run side by side.

Every test forces three lanes (an odd count, so slices are uneven), no minimum slice size and narrow
`fold_channels` rows, so that even the small arrays of a test are split.
"""

import contextlib
import multiprocessing
import os
import threading
import time

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise.models import trainer
from layerwise.ops import _lanes, conv, normalization, pooling
from layerwise.ops._workspace import Workspace
from layerwise.ops.dense import product
from layerwise.ops.normalization import fold_channels, folded_moments, folded_sum_and_dot
from layerwise.testing import check_gradients


@pytest.fixture
def lanes(monkeypatch):
    """Three lanes for kernels run inside `all_cores`, whatever the machine or the test worker says."""
    monkeypatch.setattr(_lanes, "MIN_LANE_BYTES", 0)
    monkeypatch.setattr(normalization, "_FOLD_WIDTH", 8)
    monkeypatch.setattr(_lanes, "ThreadpoolController", _lanes.ThreadpoolController or FakeBlas)
    threads = _lanes.threads()
    _lanes.set_threads(3)
    yield
    _lanes.set_threads(threads)


class FakeBlas:
    """A stand-in for threadpoolctl's controller that keeps BLAS's thread count in ``threads``."""

    def __init__(self):
        self.threads = 2

    def limit(self, limits, user_api):
        blas, original = self, self.threads
        self.threads = limits

        class Limit:
            def restore_original_limits(self):
                blas.threads = original
        return Limit()


@pytest.fixture
def lanes_run(monkeypatch):
    """The index of every lane run side by side with others (none when every kernel ran as one lane)."""
    indices = []
    in_lane = _lanes._in_lane

    def recorded(function, lane, start, stop, **options):
        indices.append(lane)
        return in_lane(function, lane, start, stop, **options)
    monkeypatch.setattr(_lanes, "_in_lane", recorded)
    return indices


def one_lane_and_three(compute):
    """compute() outside `all_cores` (one lane) and inside it (three lanes)."""
    single = compute()
    with _lanes.all_cores():
        split = compute()
    return single, split


def assert_same(single, split):
    as_tuple = (lambda results: results if isinstance(results, tuple) else (results,))
    for a, b in zip(as_tuple(single), as_tuple(split)):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)


def test_slices_cover_the_batch_once_and_only_inside_all_cores(lanes):
    assert _lanes.lane_slices(10) == [(0, 10)]
    with _lanes.all_cores():
        assert _lanes.lane_slices(10) == [(0, 3), (3, 6), (6, 10)]
        assert _lanes.lane_slices(2) == [(0, 1), (1, 2)]
        assert _lanes.lane_slices(0) == []


def test_chunks_go_to_whichever_lane_is_free_and_come_back_in_their_order(lanes):
    chunks = [(start, start + 2) for start in range(0, 16, 2)]
    taken_by = {}

    def work(lane, start, stop):
        if start == 0:
            time.sleep(0.1)  # the lane that took the first chunk is held up
        taken_by[start] = lane
        return start, stop
    assert _lanes.chunks_in_lanes(work, chunks) == chunks and set(taken_by.values()) == {0}  # in order, one lane
    taken_by.clear()
    with _lanes.all_cores():
        assert _lanes.chunks_in_lanes(work, chunks) == chunks
    assert sorted(taken_by) == [start for start, _ in chunks]  # each chunk once
    held = taken_by[0]
    assert [lane for start, lane in taken_by.items() if start and lane == held] == []  # the others took the rest
    assert len(set(taken_by.values())) >= 2


def test_small_slices_are_not_split(lanes, monkeypatch):
    monkeypatch.setattr(_lanes, "MIN_LANE_BYTES", 1000)
    with _lanes.all_cores():
        assert len(_lanes.lane_slices(10, bytes_per_sample=100)) == 1
        assert len(_lanes.lane_slices(100, bytes_per_sample=100)) == 3


def test_lanes_run_side_by_side_and_nested_calls_stay_in_their_lane(lanes):
    all_started = threading.Barrier(3, timeout=10)  # broken, and raising, unless the three lanes overlap

    def lane(index, start, stop):
        all_started.wait()
        inner = _lanes.in_lanes(lambda *_: threading.get_ident(), 6)
        return threading.get_ident(), inner

    with _lanes.all_cores():
        results = _lanes.in_lanes(lane, 9)
    threads = [ident for ident, _ in results]
    assert threads[0] == threading.get_ident() and len(set(threads)) == 3
    for ident, inner in results:
        assert inner == [ident] * len(inner)


def test_an_error_in_a_lane_is_raised_after_every_lane_finished(lanes):
    finished = []

    def lane(index, start, stop):
        if index == 1:
            raise ValueError("lane 1 failed")
        finished.append(index)

    with _lanes.all_cores(), pytest.raises(ValueError, match="lane 1 failed"):
        _lanes.in_lanes(lane, 9)
    assert sorted(finished) == [0, 2]


def test_lanes_follow_the_callers_floating_point_error_handling(lanes):
    huge = np.full((9, 4), 3e38, np.float32)
    huge[:3] = 1  # the first lane, in the calling thread, does not overflow: the others must raise

    def lane(index, start, stop):
        return huge[start:stop] * 10

    with _lanes.all_cores():
        with np.errstate(over="ignore"):
            assert np.isinf(np.concatenate(_lanes.in_lanes(lane, 9))[3:]).all()
        with np.errstate(over="raise"), pytest.raises(FloatingPointError):
            _lanes.in_lanes(lane, 9)


def test_blas_is_held_while_any_thread_is_inside_and_restored_after_the_last(lanes, monkeypatch):
    """BLAS's thread count is one setting for the process: threads that enter and leave `all_cores` in
    overlapping turns (A in, B in, A out, B out) must leave it as it was, not at one thread for good."""
    blas = FakeBlas()
    monkeypatch.setattr(_lanes, "_controller", blas)
    a_inside, b_inside, a_left = threading.Event(), threading.Event(), threading.Event()
    seen_by_b = []

    def first():
        with _lanes.all_cores():
            a_inside.set()
            b_inside.wait(10)
        a_left.set()

    def second():
        a_inside.wait(10)
        with _lanes.all_cores():
            b_inside.set()
            a_left.wait(10)
            seen_by_b.append(blas.threads)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert seen_by_b == [1] and blas.threads == 2


def test_a_failing_model_call_leaves_no_lanes_and_no_blas_hold(lanes):
    model = _residual_network()
    with pytest.raises(ValueError):
        model(np.zeros((2, 5, 5, 3)))
    assert getattr(_lanes._state, "mode", None) is None and _lanes._blas_holders == 0
    assert _lanes.lane_slices(9) == [(0, 9)]


def _sum_in_lanes(_):
    with _lanes.all_cores():
        return sum(_lanes.in_lanes(lambda _, start, stop: stop - start, 9))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is a POSIX call")
def test_a_forked_child_starts_its_own_lanes(lanes):
    """A child forked after the pool started has none of its threads; it must not wait on them forever.
    (Two lanes: with more, a child's second submission happens to start a thread that runs them all.)"""
    layerwise.config.set_threads(2)
    assert _sum_in_lanes(None) == 9
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map_async(_sum_in_lanes, [None]).get(timeout=20) == [9]


def test_without_threadpoolctl_every_kernel_runs_as_one_lane(lanes, lanes_run, monkeypatch, rng):
    """threadpoolctl is optional (the 'threads' extra): without it BLAS cannot be held, so no lanes."""
    monkeypatch.setattr(_lanes, "ThreadpoolController", None)
    assert layerwise.config.threads() == 1
    model = _residual_network()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(rng.normal(size=(8, 6, 6, 3)), rng.integers(0, 3, 8), verbose=0)
    assert lanes_run == []


def test_set_threads_takes_positive_integers_and_one_turns_lanes_off(lanes):
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="set_threads"):
            layerwise.config.set_threads(bad)
    assert layerwise.config.threads() == 3
    layerwise.config.set_threads(1)
    with _lanes.all_cores():
        assert _lanes.lane_slices(10) == [(0, 10)]


@pytest.mark.parametrize("strides, groups, keep", [((1, 1), 1, True), ((1, 1), 1, False), ((2, 2), 1, True),
                                                   ((2, 1), 2, False), ((1, 1), 2, True)])
def test_convolution_passes_in_lanes_match_one_lane(lanes, monkeypatch, rng, strides, groups, keep):
    if not keep:
        monkeypatch.setattr(conv, "MEMORY_BUDGET_BYTES", 0)
        monkeypatch.setattr(conv, "CACHE_CHUNK_BYTES", 2000)
    x = rng.normal(size=(7, 9, 8, 4))
    kernel = rng.normal(size=(3, 3, 4 // groups, 6))
    bias = rng.normal(size=6)
    geometry = conv.ConvGeometry.create((9, 8), (3, 3), strides, (1, 1), "same", groups)
    dy = rng.normal(size=(7,) + geometry.output_hw + (6,))

    workspace = Workspace()  # one for both runs: lane buffers are named per lane, reused across lane counts

    def passes():
        y, columns = conv.conv2d_forward(x, kernel, bias, geometry, keep_columns=True, workspace=workspace)
        assert (columns is not None) == keep
        grad, bias_grad = np.zeros_like(kernel), np.zeros_like(bias)
        conv.conv2d_backward_kernel(dy, x, columns, geometry, grad, bias_grad, workspace=workspace)
        return y.copy(), grad, bias_grad, conv.conv2d_backward_input(dy, kernel, geometry, workspace=workspace)
    assert_same(*one_lane_and_three(passes))


def test_max_pooling_in_lanes_matches_one_lane(lanes, rng):
    x = rng.normal(size=(5, 6, 8, 3))
    x[:, ::2] = x[:, 1::2]  # ties: the first offset must win in every lane
    geometry = pooling.pool_geometry((6, 8), (2, 2), (2, 2), "valid")
    dy = rng.normal(size=(5, 3, 4, 3))

    def passes():
        y, argmax = pooling.max_pool_forward(x, geometry)
        return y, pooling.max_pool_backward(dy, argmax, geometry), pooling.max_pool_forward(x, geometry, False)[0]
    assert_same(*one_lane_and_three(passes))


def test_normalization_sums_and_matrix_products_in_lanes_match_one_lane(lanes, rng):
    x, dy = rng.normal(size=(7, 5, 5, 3)), rng.normal(size=(7, 5, 5, 3))
    folded, fold = fold_channels(x)
    folded_dy, _ = fold_channels(dy)
    assert_same(*one_lane_and_three(lambda: folded_moments(folded, fold)))
    assert_same(*one_lane_and_three(lambda: folded_sum_and_dot(folded_dy, folded, fold)))
    for rows, inner, columns in [(9, 4, 5), (4, 7, 9)]:  # split by rows, then by columns
        a, b = rng.normal(size=(rows, inner)), rng.normal(size=(inner, columns))
        single, split = one_lane_and_three(lambda: product(a, b))
        assert_same(single, split)
        np.testing.assert_allclose(split, a @ b, rtol=1e-12)


def test_element_wise_layers_in_lanes_match_one_lane(lanes, rng):
    x, other = rng.normal(size=(7, 4, 5)), rng.normal(size=(7, 4, 5))
    relu, add = layers.Activation("relu", dtype="float64"), layers.Add(dtype="float64")

    def passes():
        return relu.forward(x), relu.backward(other), add.forward([x, other, x])
    assert_same(*one_lane_and_three(passes))


@pytest.mark.parametrize("split", ["one lane", "three lanes"])
def test_an_empty_batch_passes_convolution_and_pooling_both_ways(lanes, split, rng):
    empty = np.zeros((0, 6, 6, 2), np.float32)
    with _lanes.all_cores() if split == "three lanes" else contextlib.nullcontext():
        for layer in [layers.Conv2D(4, 3, padding="same"), layers.Conv2D(4, 3, strides=2), layers.MaxPooling2D(),
                      layers.MaxPooling2D(3, strides=1, padding="same"), layers.Activation("relu")]:
            y = layer(empty, training=True)
            assert len(y) == 0 and layer.backward(y).shape == empty.shape, layer.name


@pytest.mark.parametrize("layer, shape", [
    (lambda: layers.Conv3D(4, 3, strides=(1, 2, 1), padding="same", activation="relu"), (7, 4, 5, 4, 3)),
    (lambda: layers.Conv3DTranspose(3, 2, strides=2, bias_initializer="random_normal"), (7, 2, 3, 2, 3)),
    (lambda: layers.Conv1DTranspose(3, 3, strides=2, padding="same"), (7, 6, 3)),
    (lambda: layers.SeparableConv2D(4, 3, padding="same", depth_multiplier=2), (7, 6, 5, 3))])
def test_3d_transposed_and_separable_convolutions_in_lanes_match_one_lane(lanes, lanes_run, float64, rng, layer,
                                                                          shape):
    layer, x = layer(), rng.normal(size=shape)
    dy = rng.normal(size=layer(x).shape)

    def passes():
        for weight in layer.weights:
            weight.grad[...] = 0
        y = layer(x, training=True)
        dx = layer.backward(dy)
        return (y, dx) + tuple(weight.grad.copy() for weight in layer.weights)
    assert_same(*one_lane_and_three(passes))
    assert max(lanes_run) == 2
    empty = np.zeros((0,) + shape[1:])
    with _lanes.all_cores():
        y = layer(empty, training=True)
        assert len(y) == 0 and layer.backward(y).shape == empty.shape


def test_recurrent_products_in_lanes_match_one_lane(lanes, float64, rng):
    lstm = layers.LSTM(4, return_sequences=True)
    x, dy = rng.normal(size=(5, 6, 3)), rng.normal(size=(5, 6, 4))
    lstm(x)

    def passes():
        for weight in lstm.trainable_weights:
            weight.zero_grad()
        y, dx = lstm.forward(x, training=True), lstm.backward(dy)
        return (y, dx) + tuple(weight.grad.copy() for weight in lstm.trainable_weights)
    assert_same(*one_lane_and_three(passes))


def _residual_network():
    x = layerwise.Input(shape=(6, 6, 3))
    h = layers.Conv2D(4, 3, padding="same", use_bias=False)(x)
    h = layers.Activation("relu")(layers.BatchNormalization()(h))
    h = layers.BatchNormalization()(layers.Conv2D(4, 3, padding="same")(h))
    shortcut = layers.Conv2D(4, 1)(x)
    h = layers.MaxPooling2D()(layers.Activation("relu")(layers.Add()([h, shortcut])))
    y = layers.Dense(3, activation="softmax")(layers.Flatten()(h))
    return layerwise.Model(x, y)


def test_a_model_with_convolutions_runs_its_passes_in_lanes(lanes, lanes_run, float64, rng):
    model = _residual_network()
    assert model.memory_bound
    assert not layerwise.Sequential([layerwise.Input(shape=(3,)), layers.Dense(2)]).memory_bound
    report = check_gradients(model, rng.normal(size=(7, 6, 6, 3)), modes=("inference", "training"), max_entries=16)
    assert report.passed, f"\n{report}"
    assert max(lanes_run) == 2  # lanes 0, 1 and 2


def test_training_in_lanes_follows_the_one_lane_run(lanes, rng):
    x, y = rng.normal(size=(16, 6, 6, 3)).astype("float32"), rng.integers(0, 3, 16)

    def train(threads):
        _lanes.set_threads(threads)
        layerwise.utils.set_random_seed(0)
        model = _residual_network()
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        return history.history["loss"], model.get_weights()
    (loss_one, weights_one), (loss_three, weights_three) = train(1), train(3)
    np.testing.assert_allclose(loss_three, loss_one, rtol=1e-5)
    for a, b in zip(weights_one, weights_three):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)


def test_side_by_side_spreads_whole_passes_over_the_lanes_each_its_own_owner(lanes):
    all_started = threading.Barrier(3, timeout=10)  # broken, and raising, unless three passes overlap

    def run(index):
        if index < 3:
            all_started.wait()
        # Inside a pass, kernels run as one lane, and scratch buffers belong to the thread running the pass.
        return index, threading.get_ident(), _lanes.pass_owner(), _lanes.lane_slices(9)

    results = _lanes.side_by_side([lambda index=index: run(index) for index in range(7)])
    assert [index for index, *_ in results] == list(range(7))
    assert len({ident for _, ident, _, _ in results}) == 3
    for _, ident, owner, slices in results:
        assert owner == ident and slices == [(0, 9)]
    assert _lanes.side_by_side([lambda: _lanes.lane_slices(9)]) == [[(0, 9)]]  # one pass: the caller's own


def test_an_error_in_a_pass_run_side_by_side_is_raised_after_the_others_finished(lanes):
    finished = []

    def run(index):
        if index == 1:
            raise ValueError("pass 1 failed")
        finished.append(index)

    with pytest.raises(ValueError, match="pass 1 failed"):
        _lanes.side_by_side([lambda index=index: run(index) for index in range(3)])
    assert sorted(finished) == [0, 2]


class RecordedBatches(layerwise.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_predict_batch_begin(self, batch, logs=None):
        self.events.append(("begin", batch))

    def on_predict_batch_end(self, batch, logs=None):
        self.events.append(("end", batch))


def test_predict_and_evaluate_run_batches_side_by_side_as_one_after_another(lanes, lanes_run, rng):
    model = _residual_network()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = rng.normal(size=(70, 6, 6, 3)).astype("float32"), rng.integers(0, 3, 70)
    assert model.independent_batches and model._batches_at_once() == 3 * 8 == 3 * trainer._BATCHES_PER_LANE
    recorded = RecordedBatches()
    side = (model.predict(x, batch_size=2, verbose=0, callbacks=[recorded]),
            model.evaluate(x, y, batch_size=2, verbose=0))
    assert 2 in lanes_run
    # 35 batches: the first alone (a model that builds on its first call builds in the calling thread), then
    # groups of 24, each group's begins, then its ends, in order.
    groups = (range(1), range(1, 25), range(25, 35))
    assert recorded.events == [(event, step) for group in groups for event in ("begin", "end") for step in group]
    model._batches_at_once = lambda stochastic=False: 1
    one_by_one = model.predict(x, batch_size=2, verbose=0), model.evaluate(x, y, batch_size=2, verbose=0)
    # A pass in one lane splits no product, and rounds as the products split over three lanes may not.
    np.testing.assert_allclose(side[0], one_by_one[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(side[1], one_by_one[1], rtol=1e-5)


class Shifted(layers.Layer):
    """A user's layer: layerwise cannot know whether its inference keeps state or draws random numbers."""

    def forward(self, x, training=False):
        return x + 1.0

    def backward(self, dy):
        return dy


class DeclaredShifted(Shifted):
    independent_batches = True


def test_only_batches_known_to_be_independent_run_side_by_side(lanes):
    def model(*inner):
        return layerwise.Sequential([layerwise.Input(shape=(4, 4, 2)), layers.Conv2D(2, 3, padding="same"), *inner])

    assert model(layers.MaxPooling2D()).independent_batches
    assert model(model(layers.Flatten())).independent_batches
    assert not model(Shifted()).independent_batches
    assert not model(model(Shifted())).independent_batches
    assert model(DeclaredShifted()).independent_batches
    assert not model(layers.Lambda(layerwise.ops.relu)).independent_batches
    recurrent = layerwise.Sequential([layerwise.Input(shape=(3, 2), batch_size=4), layers.GRU(2, stateful=True)])
    assert not recurrent.independent_batches and layers.GRU(2).independent_batches
    assert layers.Bidirectional(layers.GRU(2)).independent_batches
    assert not layers.Bidirectional(layers.GRU(2, stateful=True)).independent_batches
    kept = model(Shifted())
    kept.compile(optimizer="sgd", loss="mse")
    assert kept._batches_at_once() == 1
    sampled = model(layers.Dropout(0.5))
    assert sampled._batches_at_once() == 3 * trainer._BATCHES_PER_LANE
    assert sampled._batches_at_once(stochastic=True) == 1
