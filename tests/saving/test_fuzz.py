"""Fuzzing: a mutated model or weights file loads with the original weights or raises ModelFileError.

Nothing else may happen: no other exception, no hang, no allocation beyond the file's size (every
length read from a file is checked against the bytes actually there before it is used).
"""

import collections

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layerwise.errors import ModelFileError
from layerwise.layers.base import clear_session
from layerwise.models import load_model

from saving_helpers import tiny_model


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    directory = tmp_path_factory.mktemp("fuzz")
    clear_session()
    model = tiny_model()
    model.save(directory / "m.lw")
    model.save_weights(directory / "w.safetensors")
    clear_session()
    target = tiny_model(train=False)
    return {"model": (directory / "m.lw").read_bytes(), "weights": (directory / "w.safetensors").read_bytes(),
            "values": [p.value.copy() for p in model.weights], "directory": directory, "target": target}


# Positions are taken modulo the file's length, so one strategy serves files of every size.
position = st.integers(0, 2**16)
MUTATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("flip"), position, st.integers(0, 7)),
        st.tuples(st.just("truncate"), position),
        st.tuples(st.just("overwrite"), position, st.binary(min_size=1, max_size=16)),
        st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=16)),
        st.tuples(st.just("delete"), position, st.integers(1, 64)),
    ), min_size=1, max_size=3)


def _mutate(data: bytes, mutations) -> bytes:
    data = bytearray(data)
    for mutation in mutations:
        kind, at = mutation[0], mutation[1] % max(len(data), 1)
        if kind == "flip" and data:
            data[at] ^= 1 << mutation[2]
        elif kind == "truncate":
            del data[at:]
        elif kind == "overwrite":
            data[at:at + len(mutation[2])] = mutation[2]
        elif kind == "insert":
            data[at:at] = mutation[2]
        elif kind == "delete":
            del data[at:at + mutation[2]]
    return bytes(data)


def _check(originals, path, load):
    try:
        values = load(path)
    except ModelFileError:
        return "error"
    for value, original in zip(values, originals["values"], strict=True):
        np.testing.assert_array_equal(value, original)
    return "loaded"


def _fuzz(kind, load, examples):
    """A test that loads ``examples`` mutated copies of the original ``kind`` file."""
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(mutations=MUTATIONS)
    def run(originals, mutations):
        original = originals[kind]
        path = originals["directory"] / f"mutated-{kind}"
        path.write_bytes(_mutate(original, mutations))
        outcome = _check(originals, path, lambda p: load(originals, p))
        originals.setdefault("outcomes", collections.Counter())[outcome] += 1

    def test(originals):
        run(originals)
        # Mutations of unchecked bytes (zip timestamps, JSON padding) load; most are refused.
        outcomes = originals.pop("outcomes")
        assert outcomes["error"] > examples // 2 and outcomes["loaded"] > 0, outcomes
    return test


def _load_weights(originals, path):
    originals["target"].load_weights(path)
    return [p.value for p in originals["target"].weights]


test_mutated_model_files = _fuzz("model", lambda _, path: [p.value for p in load_model(path).weights], 2000)
test_mutated_weights_files = _fuzz("weights", _load_weights, 500)

