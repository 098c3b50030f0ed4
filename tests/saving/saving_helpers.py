"""Shared pieces of the saving and checkpoint tests: a tiny trained model and the layer table."""

import importlib.util
from pathlib import Path

import numpy as np

import layerwise
from layerwise.layers import Dense


def layer_cases():
    """LAYER_CASES of tests/layers/test_layer_contract.py (the one table of every layer) that fit a Sequential.

    Merging layers take a list of inputs, so they cannot follow an Input in a Sequential; their config round
    trip is tested in graphs (tests/models/test_functional.py). A tied layer is saved with the layer it is
    tied to (tests/pretraining/test_autoencoder.py).
    """
    path = Path(__file__).resolve().parents[1] / "layers" / "test_layer_contract.py"
    spec = importlib.util.spec_from_file_location("_layer_contract", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [case for case in module.STANDALONE_CASES if not isinstance(case.input_shape, list)]


def tiny_data(seed=0, n=24):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, np.eye(3, dtype="float32")[rng.integers(0, 3, n)]


def tiny_model(train=True):
    model = layerwise.Sequential([layerwise.Input(shape=(4,)), Dense(5, activation="relu"),
                                  Dense(3, activation="softmax")])
    model.compile(optimizer=layerwise.optimizers.SGD(0.1, momentum=0.9), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    if train:
        model.fit(*tiny_data(), epochs=1, batch_size=8, verbose=0)
    return model
