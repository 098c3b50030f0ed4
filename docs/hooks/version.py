"""MkDocs hook: the site reports the version the package reports (``layerwise.__version__``).

The version is read from ``src/layerwise/_version.py`` without importing layerwise and shown in the header's
title and the footer, as saved model files record it and CHANGELOG.md heads its section.
"""

import ast
from pathlib import Path

VERSION_FILE = Path(__file__).resolve().parents[2] / "src" / "layerwise" / "_version.py"


def version():
    """``__version__`` as written in ``_version.py``."""
    for node in ast.parse(VERSION_FILE.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "__version__"
                                                for target in node.targets):
            return ast.literal_eval(node.value)
    raise RuntimeError(f"no __version__ in {VERSION_FILE}")


def on_config(config):
    config["site_name"] = f"{config['site_name']} {version()}"
    config["copyright"] = f"layerwise {version()}, MIT license"
    return config
