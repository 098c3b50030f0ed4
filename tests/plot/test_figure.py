"""Saving by suffix, and matplotlib left unimported until a plot is drawn."""

import subprocess
import sys
from pathlib import Path

import pytest

from layerwise.plot import plot_history

SRC = Path(__file__).resolve().parents[2] / "src"


def test_png_and_svg_by_suffix(tmp_path):
    plot_history({"loss": [1.0, 0.5]}, path=tmp_path / "curves.png")
    plot_history({"loss": [1.0, 0.5]}, path=str(tmp_path / "curves.SVG"))
    assert (tmp_path / "curves.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "<svg" in (tmp_path / "curves.SVG").read_text()


def test_another_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"path must end in .png or .svg, received '.*curves.pdf'"):
        plot_history({"loss": [1.0]}, path=tmp_path / "curves.pdf")


def test_importing_layerwise_and_its_plots_does_not_import_matplotlib():
    code = ("import sys, layerwise, layerwise.plot, layerwise.utils; "
            "assert 'matplotlib' not in sys.modules, sorted(m for m in sys.modules if 'matplotlib' in m)")
    subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(SRC)}, check=True)
