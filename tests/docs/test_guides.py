"""Every Python block of the guides runs, in order, as a reader would run them (one namespace per page)."""

import re
from pathlib import Path

import pytest

GUIDES = sorted((Path(__file__).resolve().parents[2] / "docs" / "guides").glob("*.md"))


@pytest.mark.parametrize("page", GUIDES, ids=[page.stem for page in GUIDES])
def test_every_python_block_of_the_guide_runs(page, capsys, shared_datasets):
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(), re.S)
    assert blocks, f"{page.name} has no Python example"
    namespace = {"__name__": f"guide_{page.stem}"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"{page.name}, block {number}", "exec"), namespace)
    assert capsys.readouterr().out  # the examples print what they show
