"""The documentation site builds in strict mode (a broken link, a missing reference or a docstring the reference
cannot parse fails), every public module has its reference page, and the built site loads nothing from a CDN.

Needs the ``docs`` extra, which the ``test`` extra includes: skipped on a machine without MkDocs, never in CI.
"""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

if importlib.util.find_spec("mkdocs") is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must build the documentation: install the test extra, which includes the docs extra")
    pytest.skip("the docs extra (MkDocs) is not installed", allow_module_level=True)

# Hosts whose files a page must not load: the site serves its scripts, styles, fonts and math itself.
CDN = re.compile(r"https?://(?:[a-z0-9-]+\.)*(?:cdn|unpkg|cdnjs|jsdelivr|fonts\.googleapis|fonts\.gstatic)[a-z0-9.-]*",
                 re.IGNORECASE)
# Material's JavaScript bundle names two CDN fallbacks it fetches only when needed: a ResizeObserver polyfill (for
# browsers without one) and Mermaid (for pages with Mermaid diagrams, which this site has none of).
BUNDLE_FALLBACKS = {"https://unpkg.com/resize-observer-polyfill", "https://unpkg.com/mermaid@"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once, in strict mode, into a temporary folder."""
    site_dir = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return site_dir


def test_the_site_builds_in_strict_mode_with_its_pages(site):
    for page in ["index.html", "getting-started.html", "changelog.html", "lab/index.html", "tuning.html",
                 "keras_coverage.html", "reference/index.html", "search/search_index.js"]:
        assert (site / page).is_file(), page


def test_the_site_and_the_changelog_report_the_package_version(site):
    from layerwise._version import __version__

    assert f"## [{__version__}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"[{__version__}]" in (site / "changelog.html").read_text(encoding="utf-8")
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f"layerwise {__version__}" in index


def test_every_public_module_has_a_reference_page_listing_its_names(site):
    spec = importlib.util.spec_from_file_location("docs_reference_hook", ROOT / "docs" / "hooks" / "reference.py")
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    modules = reference.public_modules()
    for name in ["layers", "ops", "models", "losses", "metrics", "optimizers", "activations", "initializers",
                 "regularizers", "constraints", "callbacks", "datasets", "data", "saving", "export", "pretraining",
                 "diagnostics", "plot", "applications", "tuning", "backend", "utils", "config", "testing"]:
        assert name in modules, name
    import layerwise.layers
    import layerwise.optimizers.schedules
    for name in modules:
        html = (site / "reference" / f"{name}.html").read_text(encoding="utf-8")
        assert f'id="layerwise.{name}"' in html or f"layerwise.{name}" in html, name
    # Every name in __all__ gets its own anchor: a name added to a module appears on the next build.
    layers = (site / "reference" / "layers.html").read_text(encoding="utf-8")
    missing = [name for name in layerwise.layers.__all__ if f'id="layerwise.layers.{name}"' not in layers]
    assert not missing, f"not in the layers reference: {missing}"
    optimizers = (site / "reference" / "optimizers.html").read_text(encoding="utf-8")
    assert all(f'id="layerwise.optimizers.schedules.{name}"' in optimizers
               for name in layerwise.optimizers.schedules.__all__)
    # Doctests render as highlighted console blocks (the "Example:" sections), not as nested quotes.
    assert '<span class="gp">&gt;&gt;&gt; </span>' in layers and "<blockquote>\n<blockquote>" not in layers


def test_math_renders_from_mathjax_served_by_the_site(site):
    lab = (site / "lab" / "index.html").read_text(encoding="utf-8")
    assert '<span class="arithmatex">' in lab
    assert 'src="../assets/mathjax/startup.js"' in lab
    for part in ["startup.js", "core.js", "input/tex.js", "output/chtml.js", "output/chtml/fonts/tex.js",
                 "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff", "input/tex/extensions/ams.js"]:
        assert (site / "assets" / "mathjax" / part).is_file(), part


def test_nothing_is_loaded_from_a_cdn(site):
    offenders = []
    for path in site.rglob("*"):
        if path.suffix not in {".html", ".css", ".js", ".json"}:
            continue
        for address in CDN.findall(path.read_text(encoding="utf-8", errors="replace")):
            if path.name.startswith("bundle.") and path.parent.name == "javascripts":
                continue  # checked below
            offenders.append(f"{path.relative_to(site)}: {address}")
    assert not offenders, offenders
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    others = {match.group(0) for match in re.finditer(r"https?://unpkg\.com/[a-z@0-9./-]*|https?://cdn[^\"'`]*",
                                                       bundle)}
    assert all(any(address.startswith(allowed) for allowed in BUNDLE_FALLBACKS) for address in others), others
    pages = [path.read_text(encoding="utf-8") for path in site.rglob("*.html")]
    assert not any('class="mermaid"' in page for page in pages)
    assert not any("fonts.googleapis" in page for page in pages)
    # The offline plugin's Web Worker shim, which search needs on file:// pages, comes from the site.
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<script src="javascripts/iframe-worker-shim.js"></script>' in index
    assert (site / "javascripts" / "iframe-worker-shim.js").is_file()
