"""Every public class and function of the API reference has a docstring with an example that runs.

The reference lists each public module's ``__all__`` (docs/hooks/reference.py), so this walks the same names. The
examples themselves run as doctests (``--doctest-modules`` in pyproject.toml); here each name is only checked to
have one. An alias (``glorot_uniform`` for ``GlorotUniform``) shares its class's docstring; constants (a version
string, a table of names) are data, not API to call, and need none.
"""

import importlib
import inspect
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "hooks"))
import reference  # noqa: E402  (the site's own list of public modules)

MODULES = ["layerwise"] + [f"layerwise.{name}" for name in reference.public_modules()] + [
    f"layerwise.{name}.{sub}" for name, subs in reference.SUBMODULES.items() for sub in subs]


def _public(module_name):
    module = importlib.import_module(module_name)
    return module, getattr(module, "__all__", None)


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_module_declares_its_names(module_name):
    """Without ``__all__`` the reference would list whatever the module happens to import."""
    _, names = _public(module_name)
    assert names is not None, f"{module_name} has no __all__"


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_class_and_function_has_an_example(module_name):
    module, names = _public(module_name)
    missing = []
    for name in names or []:
        obj = getattr(module, name)
        if not (inspect.isclass(obj) or callable(obj)) or inspect.ismodule(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        if "Example" not in doc or ">>>" not in doc:
            missing.append(name)
    assert not missing, f"{module_name}: no example in the docstring of {', '.join(missing)}"
