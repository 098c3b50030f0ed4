"""Shared pieces of the file-fault tests: the saving tests' tiny model (loaded by path, as the saving tests
load the layer table) and a comparison of everything a model file restores."""

import importlib.util
from pathlib import Path

import numpy as np

_path = Path(__file__).resolve().parents[1] / "saving" / "saving_helpers.py"
_spec = importlib.util.spec_from_file_location("_saving_helpers", _path)
saving_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(saving_helpers)
tiny_model, tiny_data = saving_helpers.tiny_model, saving_helpers.tiny_data


def restored_state(model, x):
    """What a loaded model must reproduce exactly: its predictions on ``x``, weights, optimizer slots and
    iteration count, as ``{name: array}``."""
    state = {f"weight:{p.name}": p.value for p in model.weights}
    state["predictions"] = model.predict(x, verbose=0)
    if model.optimizer is not None:
        state.update({f"slot:{name}": value for name, value in model.optimizer.slot_variables().items()})
        state["iterations"] = np.array(model.optimizer.iterations)
    return state


def assert_same_state(state, original):
    assert state.keys() == original.keys(), sorted(set(state) ^ set(original))
    for name, value in original.items():
        np.testing.assert_array_equal(state[name], value, err_msg=name)
