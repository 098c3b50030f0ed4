"""Fixtures of the saving tests."""

import pytest

from saving_helpers import tiny_model


@pytest.fixture
def saved_model(tmp_path):
    model = tiny_model()
    path = tmp_path / "model.lw"
    model.save(path)
    return model, path
