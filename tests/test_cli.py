"""The command line: `layerwise info` and `layerwise summary MODEL` (quickstart runs in CI's README check)."""

import subprocess
import sys
from pathlib import Path

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
