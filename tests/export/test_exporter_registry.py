"""ONNX exporters: all in layerwise.export, registered by class, once, and loaded only by to_onnx."""

import subprocess
import sys
from pathlib import Path

import pytest

from layerwise.export import activation_exporter, onnx_exporter
from layerwise.layers import Dense, Layer

SRC = Path(__file__).resolve().parents[2] / "src"


def test_a_second_exporter_for_a_class_is_refused():
    from layerwise.export import activations, layers  # noqa: F401  (register the built-in exporters)

    with pytest.raises(ValueError, match=r"ONNX exporter of <class '.*\.Dense'> is already registered to "
                                         r"<function _dense.*>; cannot register <function .*<lambda>"):
        onnx_exporter(Dense)(lambda layer, graph, x: x)
    with pytest.raises(ValueError, match="ONNX exporter of the activation 'relu' is already registered"):
        activation_exporter("relu")(lambda graph, x, hint: x)


def test_exporters_are_registered_by_class():
    with pytest.raises(TypeError, match="expected the layer class itself, received 'Dense'"):
        onnx_exporter("Dense")


def test_every_exporter_lives_in_export_and_loads_lazily():
    assert not list((SRC / "layerwise" / "layers").rglob("_onnx.py"))
    assert not (SRC / "layerwise" / "models" / "_onnx.py").exists()
    code = ("import layerwise; from layerwise.export import registry; print(len(registry._LAYER_EXPORTERS)); "
            "layerwise.export.to_onnx(layerwise.Sequential([layerwise.Input(shape=(2,)), layerwise.layers.Dense(1)])); "
            "print(len(registry._LAYER_EXPORTERS) > 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": str(SRC)}, check=True)
    assert result.stdout.split() == ["0", "True"]


def test_a_subclass_without_its_own_exporter_uses_its_base_class_exporter():
    from layerwise.export import layers  # noqa: F401
    from layerwise.export.registry import find_exporter

    class WideDense(Dense):
        pass

    assert find_exporter(WideDense) is find_exporter(Dense)
    assert find_exporter(type("Unexported", (Layer,), {})) is None
