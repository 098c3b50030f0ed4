"""Every Python block of the guides runs, in order, as a reader would run them (one namespace per page)."""

from pathlib import Path

import pytest
from pages import python_blocks, run_blocks

GUIDES = sorted((Path(__file__).resolve().parents[2] / "docs" / "guides").glob("*.md"))


@pytest.mark.parametrize("page", GUIDES, ids=[page.stem for page in GUIDES])
def test_every_python_block_of_the_guide_runs(page, capsys, shared_datasets):
    assert python_blocks(page), f"{page.name} has no Python example"
    run_blocks(page, f"guide_{page.stem}")
    assert capsys.readouterr().out  # the examples print what they show
