"""docs/getting-started.md runs: its Python blocks, in order, in one namespace, as a reader would paste them.

MNIST is sliced (2,000 training and 500 test images) so the page's five epochs take about a second; everything
else is the page's code as written. The assertions check what the page says the code does.
"""

from pathlib import Path

import numpy as np
import pytest
from pages import python_blocks, run_blocks

import layerwise

PAGE = Path(__file__).resolve().parents[2] / "docs" / "getting-started.md"


@pytest.fixture
def small_mnist(monkeypatch):
    load = layerwise.datasets.mnist.load_data
    (x_train, y_train), (x_test, y_test) = load()

    def sliced(*args, **kwargs):
        return (x_train[:2000], y_train[:2000]), (x_test[:500], y_test[:500])

    monkeypatch.setattr(layerwise.datasets.mnist, "load_data", sliced)


def test_the_page_has_the_steps_it_promises():
    code = "\n".join(python_blocks(PAGE))
    for call in ["layerwise.datasets.mnist.load_data()", "layerwise.Sequential(", "model.compile(", "model.fit(",
                 "model.evaluate(", "model.predict(", "model.save(", "layerwise.models.load_model(",
                 "model.save_weights(", ".load_weights("]:
        assert call in code, call


def test_the_getting_started_code_runs(small_mnist, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace = run_blocks(PAGE, "__getting_started__")

    model, history = namespace["model"], namespace["history"]
    assert [layer.__class__.__name__ for layer in model.layers] == ["Dense", "Dense"]
    assert model.count_params() == 101_770  # the summary shown on the page
    assert history.epoch == [0, 1, 2, 3, 4]
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(len(values) == 5 for values in history.history.values())
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert 0.8 < namespace["test_accuracy"] <= 1.0
    assert namespace["probabilities"].shape == (5, 10)
    np.testing.assert_allclose(namespace["probabilities"].sum(axis=1), 1.0, rtol=1e-5)
    assert (tmp_path / "mnist_mlp.keras").is_file() and (tmp_path / "mnist_mlp.weights.safetensors").is_file()
    restored = namespace["restored"]
    assert restored.optimizer is not None and restored.optimizer.__class__.__name__ == "SGD"
    # The page's claim that the restored model trains on: two more epochs from its optimizer's state.
    more = restored.fit(namespace["x_train"], namespace["y_train"], batch_size=100, epochs=7, initial_epoch=5,
                        verbose=0)
    assert more.epoch == [5, 6]
    assert "test accuracy" in capsys.readouterr().out
