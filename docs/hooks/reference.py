"""MkDocs hook: one API reference page per public module of layerwise, generated at build time.

The modules are found on disk (every ``src/layerwise/<name>`` package or module whose name does not start with an
underscore, less the command line), so a new public module gets its page without editing this file; each page is a
``::: layerwise.<name>`` block, and mkdocstrings lists the module's members from its ``__all__`` (or, without one,
its public names), so a new public name appears on the next build. The pages replace the ``reference/index.md``
placeholder entry of the nav in mkdocs.yml.
"""

import ast
import pkgutil
from pathlib import Path

from mkdocs.structure.files import File

SOURCE = Path(__file__).resolve().parents[2] / "src" / "layerwise"
# Documented elsewhere (the CLI guide) or not an API: the command line's implementation.
SKIPPED = {"cli"}
# Submodules with a public name of their own (layerwise.optimizers.schedules is keras.optimizers.schedules).
SUBMODULES = {"optimizers": ["schedules"]}
PLACEHOLDER = "reference/index.md"


def public_modules():
    """The public top-level modules of layerwise, in alphabetical order."""
    names = [info.name for info in pkgutil.iter_modules([str(SOURCE)])]
    return sorted(name for name in names if not name.startswith("_") and name not in SKIPPED)


def _page(name):
    title = f"layerwise.{name}"
    blocks = [f"# `{title}`\n", f"::: layerwise.{name}\n"]
    for sub in SUBMODULES.get(name, []):
        blocks.append(f"## `layerwise.{name}.{sub}`\n\n::: layerwise.{name}.{sub}\n"
                      "    options:\n      heading_level: 3\n")
    return "\n".join(blocks)


def summary(name):
    """The first paragraph of a module's docstring, read from its source without importing it."""
    path = SOURCE / name / "__init__.py" if (SOURCE / name).is_dir() else SOURCE / f"{name}.py"
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    paragraph = " ".join(line.strip() for line in docstring.strip().split("\n\n")[0].splitlines())
    return paragraph.replace("|", "\\|")


def _index(modules):
    lines = ["# API reference\n",
             "Generated from the docstrings: each page lists a module's public names (its `__all__`), with the",
             "math of the lectures, the arguments, the input and output shapes and an example that runs as a",
             "doctest.\n",
             "| module | what it holds |", "|---|---|", "| [`layerwise`](layerwise.md) | the top-level names |"]
    lines += [f"| [`layerwise.{name}`]({name}.md) | {summary(name)} |" for name in modules]
    return "\n".join(lines) + "\n"


def on_config(config):
    modules = public_modules()
    pages = [{"Overview": PLACEHOLDER}, {"layerwise": "reference/layerwise.md"}]
    pages += [{name: f"reference/{name}.md"} for name in modules]

    def replace(items):
        for position, item in enumerate(items):
            if isinstance(item, dict):
                (title, value), = item.items()
                if value == PLACEHOLDER:
                    items[position] = {title: pages}
                elif isinstance(value, list):
                    replace(value)
    replace(config["nav"])
    return config


def on_files(files, config):
    modules = public_modules()
    files.append(File.generated(config, PLACEHOLDER, content=_index(modules)))
    files.append(File.generated(config, "reference/layerwise.md",
                                content="# `layerwise`\n\n::: layerwise\n    options:\n      members: false\n"))
    for name in modules:
        files.append(File.generated(config, f"reference/{name}.md", content=_page(name)))
    return files
