"""model.to_json and models.model_from_json; models.save_model is saving.save_model."""

import json

import numpy as np

import layerwise
from layerwise import models
from layerwise.layers import Dense, Dropout, concatenate


def test_json_round_trip_of_a_functional_model(rng):
    a, b = layerwise.Input(shape=(3,)), layerwise.Input(shape=(2,))
    out = Dense(1, activation="sigmoid", name="out")(Dropout(0.2)(concatenate([Dense(4)(a), b])))
    model = layerwise.Model([a, b], out)
    text = model.to_json(indent=1)
    assert json.loads(text)["class_name"] == "Functional"  # as Keras 3 writes it
    clone = models.model_from_json(text)
    assert clone.to_json(indent=1) == text
    clone.set_weights(model.get_weights())
    x = [rng.normal(size=(5, 3)), rng.normal(size=(5, 2))]
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_save_model_is_the_saving_function(tmp_path):
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(1)])
    models.save_model(model, tmp_path / "m.keras")
    assert models.load_model(tmp_path / "m.keras").count_params() == 3
