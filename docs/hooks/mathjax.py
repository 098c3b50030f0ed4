"""MkDocs hook: serve MathJax from the site itself, so formulas render offline (no CDN).

MathJax 3 comes from the ``django-static-mathjax`` wheel on PyPI (the ``docs`` extra installs it: it is MathJax's
own release, its files only, no Django needed). After the build, the components the site loads are copied into
``site/assets/mathjax/``; nothing is committed to git. docs/javascripts/mathjax.js has the loader load TeX input
and CommonHTML output only, without the combined bundles' menu and speech rule engine, whose code carries CDN
addresses (of speech data) that a page would never need.
"""

import shutil
from importlib import resources
from pathlib import Path

TARGET = Path("assets") / "mathjax"
# The loader, MathJax's core, TeX input with the extensions its autoload pulls in, CommonHTML output and its
# fonts (about 2 MB).
PARTS = ["startup.js", "core.js", "input/tex.js", "input/tex/extensions", "output/chtml.js",
         "output/chtml/fonts/tex.js", "output/chtml/fonts/woff-v2"]


def mathjax_source():
    """The es5 folder of the installed MathJax release."""
    try:
        root = Path(str(resources.files("mathjax"))) / "static" / "mathjax" / "es5"
    except ModuleNotFoundError:
        root = None
    if root is None or not (root / "startup.js").is_file():
        raise RuntimeError("MathJax is missing: install the docs extra (pip install -e '.[docs]'), which brings "
                           "django-static-mathjax, the MathJax release the site serves offline")
    return root


def on_config(config):
    mathjax_source()  # fail early, before a long build, when the extra is not installed
    return config


def on_post_build(config):
    source, target = mathjax_source(), Path(config["site_dir"]) / TARGET
    for part in PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)
