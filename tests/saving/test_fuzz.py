"""Fuzzing: a mutated model or weights file loads with the original weights or raises ModelFileError.

Nothing else may happen: no other exception, no hang, no allocation beyond the file's size (every
length read from a file is checked against the bytes actually there before it is used).
"""

import collections
import copy
import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layerwise.errors import ModelFileError
from layerwise.layers.base import clear_session
from layerwise.models import load_model
from layerwise.saving import model_file

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



# ---- crafted files: valid zips whose config.json says nonsense -----------------------------------

def _tree_paths(node, prefix=()):
    yield prefix
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        yield from _tree_paths(child, prefix + (key,))


# Small integers only: a crafted file may ask for a huge layer, which would be allocated before the
# weights are checked (see the report in layerwise.saving.model_file's docstring).
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 40) | st.floats(allow_nan=False) | st.text(max_size=5)
    | st.sampled_from(["Dense", "relu", "Sequential", "softmax", "mse", "SGD"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=5)


def _replace(tree, path, value):
    """Put ``value`` at ``path`` in a JSON tree, unless an earlier replacement removed that path."""
    try:
        for key in path[:-1]:
            tree = tree[key]
        if isinstance(tree, dict) or (isinstance(tree, list) and path[-1] < len(tree)):
            tree[path[-1]] = value
    except (KeyError, IndexError, TypeError):
        pass


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    from layerwise import Input, Sequential
    from layerwise.layers import Dense, Flatten, PReLU, ReLU, Reshape, Softmax
    from layerwise.optimizers import SGD
    model = Sequential([Input(shape=(2, 4)), Flatten(), Dense(6, activation="relu"), PReLU(),
                        ReLU(max_value=2.0), Reshape((2, 3)), Softmax(axis=1), Flatten(),
                        Dense(3, activation="softmax")])
    model.compile(optimizer=SGD(momentum=0.5), loss="categorical_crossentropy", metrics=["accuracy"])
    path = tmp_path_factory.mktemp("crafted") / "m.lw"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(entries["config.json"])
    return {"entries": entries, "config": config, "paths": list(_tree_paths(config))[1:], "path": path}


@settings(max_examples=500, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_crafted_configs_load_or_raise_model_file_error(crafted, data):
    config = copy.deepcopy(crafted["config"])
    for path in data.draw(st.lists(st.sampled_from(crafted["paths"]), min_size=1, max_size=2)):
        _replace(config, path, data.draw(JSON_VALUES))
    entries = {name: content for name, content in crafted["entries"].items() if name != "layerwise.json"}
    model_file.write_model_file(crafted["path"], {**entries, "config.json": json.dumps(config).encode()})
    try:
        load_model(crafted["path"])
    except ModelFileError:
        pass
