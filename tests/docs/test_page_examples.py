"""Every Python block of the guides and of the lecture pages runs, in order, as a reader would run them (one
namespace per page)."""

from pathlib import Path

import pytest
from pages import python_blocks, run_blocks

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(DOCS.glob("guides/*.md")) + sorted(DOCS.glob("lectures/*.md"))


@pytest.mark.parametrize("page", PAGES, ids=[f"{page.parent.name}/{page.stem}" for page in PAGES])
def test_every_python_block_of_the_page_runs(page, capsys, shared_datasets):
    assert python_blocks(page), f"{page.name} has no Python example"
    run_blocks(page, f"page_{page.stem}")
    assert capsys.readouterr().out  # the examples print what they show
