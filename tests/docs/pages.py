"""The Python blocks of a documentation page, run in order in one namespace, as a reader would paste them."""

import re

BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def python_blocks(page):
    return BLOCK.findall(page.read_text(encoding="utf-8"))


def run_blocks(page, name):
    """Run every Python block of ``page``; return the namespace they share (``__file__`` is the page's path)."""
    namespace = {"__name__": name, "__file__": str(page)}
    for number, block in enumerate(python_blocks(page), 1):
        exec(compile(block, f"{page.name}, python block {number}", "exec"), namespace)
    return namespace
