"""The command line: info, summary, evaluate and predict, in process and through the installed script."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import layerwise
from layerwise import cli
from layerwise.layers import Dense
from layerwise.pretraining import BernoulliRBM


def test_info_names_the_version_blas_threads_and_extras(capsys):
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"layerwise {layerwise.__version__}" in out and "BLAS:" in out and "layerwise threads:" in out
    assert all(f"{module} " in out for module, _, _ in cli.OPTIONAL)


def test_summary_of_saved_models_and_a_clear_error_for_a_bad_file(tmp_path, capsys):
    inner = layerwise.Sequential([Dense(4, activation="relu", name="inner_dense")], name="block")
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), inner, Dense(2, name="head")], name="net")
    model.save(tmp_path / "net.keras")
    assert cli.main(["summary", str(tmp_path / "net.keras"), "--expand-nested"]) == 0
    out = capsys.readouterr().out
    assert 'Model: "net"' in out and "inner_dense" in out and f"Total params: {model.count_params():,}" in out
    rbm = BernoulliRBM(5, name="rbm")
    rbm.build((None, 7))
    rbm.save(tmp_path / "rbm.keras")
    assert cli.main(["summary", str(tmp_path / "rbm.keras")]) == 0
    assert f"Total params: {7 * 5 + 5 + 7:,}" in capsys.readouterr().out
    (tmp_path / "bad.keras").write_bytes(b"not a model")
    assert cli.main(["summary", str(tmp_path / "bad.keras")]) == 1
    assert "bad.keras" in capsys.readouterr().err


def test_the_installed_console_script_runs():
    script = Path(sys.executable).parent / "layerwise"
    result = subprocess.run([str(script), "summary", "missing.keras"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "missing.keras" in result.stderr
    result = subprocess.run([str(script), "info"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.startswith(f"layerwise {layerwise.__version__}")


def _mnist_model(tmp_path, loss):
    layerwise.utils.set_random_seed(0)
    model = layerwise.Sequential([layerwise.Input(shape=(28, 28, 1)), layerwise.layers.Flatten(),
                                  Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    (x, y), _ = layerwise.datasets.mnist.load_data()
    x = x[:2000, :, :, None].astype("float32") / 255
    model.fit(x, y[:2000] if loss.startswith("sparse") else layerwise.utils.to_categorical(y[:2000], 10),
              epochs=2, verbose=0)
    model.save(tmp_path / "mnist.keras")
    return model


def test_evaluate_on_a_named_dataset_and_on_arrays(tmp_path, capsys):
    _, (x_test, y_test) = layerwise.datasets.mnist.load_data()
    x_test = x_test[..., None].astype("float32") / 255
    for loss in ("sparse_categorical_crossentropy", "categorical_crossentropy"):
        model = _mnist_model(tmp_path, loss)
        targets = y_test if loss.startswith("sparse") else layerwise.utils.to_categorical(y_test, 10)
        expected = model.evaluate(x_test, targets, batch_size=256, verbose=0, return_dict=True)
        assert cli.main(["evaluate", str(tmp_path / "mnist.keras"), "--dataset", "mnist"]) == 0
        assert capsys.readouterr().out.strip() == " - ".join(f"{k}: {v:.4f}" for k, v in expected.items())
        assert expected["accuracy"] > 0.8
    x, y = np.zeros((5, 28, 28, 1), "float32"), np.eye(10, dtype="float32")[:5]
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y)
    assert cli.main(["evaluate", str(tmp_path / "mnist.keras"), "--x", str(tmp_path / "x.npy"), "--y",
                     str(tmp_path / "y.npy")]) == 0
    assert capsys.readouterr().out.startswith("loss: ")


def test_predict_writes_the_predictions(tmp_path, capsys):
    model = _mnist_model(tmp_path, "sparse_categorical_crossentropy")
    x = np.random.default_rng(0).random((7, 28, 28, 1)).astype("float32")
    np.save(tmp_path / "inputs.npy", x)
    assert cli.main(["predict", str(tmp_path / "mnist.keras"), str(tmp_path / "inputs.npy")]) == 0
    assert "shape (7, 10)" in capsys.readouterr().out
    np.testing.assert_array_equal(np.load(tmp_path / "inputs_predictions.npy"), model.predict(x, verbose=0))


def test_evaluate_and_predict_errors_name_what_is_wrong(tmp_path, capsys):
    _mnist_model(tmp_path, "sparse_categorical_crossentropy")
    model_file = str(tmp_path / "mnist.keras")
    np.save(tmp_path / "wrong.npy", np.zeros((3, 5), "float32"))
    assert cli.main(["predict", model_file, str(tmp_path / "wrong.npy")]) == 1
    assert "expected input of shape (None, 28, 28, 1), received (None, 5)" in capsys.readouterr().err
    (tmp_path / "pickled.npy").write_bytes(b"\x93NUMPY garbage")
    assert cli.main(["predict", model_file, str(tmp_path / "pickled.npy")]) == 1
    assert "pickled.npy" in capsys.readouterr().err
    assert cli.main(["evaluate", model_file, "--x", str(tmp_path / "wrong.npy"), "--y",
                     str(tmp_path / "wrong.npy")]) == 1
    assert "layerwise evaluate:" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["evaluate", model_file, "--x", str(tmp_path / "wrong.npy")])
    assert "--x needs --y" in capsys.readouterr().err


def test_a_reader_that_leaves_early_gets_no_traceback():
    script = Path(sys.executable).parent / "layerwise"
    result = subprocess.run(f"'{script}' info | head -1", shell=True, capture_output=True, text=True, timeout=120)
    assert result.stdout.startswith("layerwise ") and "Traceback" not in result.stderr
