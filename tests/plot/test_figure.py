"""Saving by suffix (matplotlib left unimported until a plot is drawn: tests/test_import_graph.py)."""

import pytest

from layerwise.plot import plot_history


def test_png_and_svg_by_suffix(tmp_path):
    plot_history({"loss": [1.0, 0.5]}, path=tmp_path / "curves.png")
    plot_history({"loss": [1.0, 0.5]}, path=str(tmp_path / "curves.SVG"))
    assert (tmp_path / "curves.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "<svg" in (tmp_path / "curves.SVG").read_text()


def test_another_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"path must end in .png or .svg, received '.*curves.pdf'"):
        plot_history({"loss": [1.0]}, path=tmp_path / "curves.pdf")

