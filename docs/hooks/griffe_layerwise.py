"""Griffe extension: what the API reference needs from layerwise's docstrings, read as they are written.

- ``Example:`` sections are read as Google's ``Examples:`` sections. layerwise heads its doctests ``Example:``
  (as Keras does); Griffe's Google parser knows only the plural and would render the singular as a prose
  admonition, its ``>>>`` lines as nested quotes.
- A module-level name bound to a class or function defined elsewhere, without a docstring of its own, gets one:
  Keras's other names (``Convolution2D = Conv2D``) say which class they name, with a link, and functions made by
  a factory (``add = functional_form(Add)``) take the docstring the function carries at run time (its
  ``Example:`` renamed too). Names that the static analysis does not see (``A, B = X, Y``, or an import of such a
  name: ``from .resnet import ResNet18``) or mistakes for a submodule (``merging.add``, the function, shadows
  ``merging/add.py``, the module) are added from the module's run-time ``__all__`` (read at run time too when
  it is not a plain list of names: ``[..., *_ELSEWHERE]``). Without this mkdocstrings leaves such names out, and
  the reference would miss names that ``__all__`` exports.
"""

import importlib
import inspect
import re

from griffe import Attribute, Docstring, Extension

_EXAMPLE_TITLE = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)


def _runtime_object(module_path, name):
    try:
        return getattr(importlib.import_module(module_path), name, None)
    except Exception:  # a module that cannot be imported here keeps its static documentation
        return None


def _describe(module_path, name, target):
    """The docstring of a module-level name bound to ``target``, or None to leave it as it is.

    A docstring taken from the run-time object gets its ``Example:`` titles renamed here: `on_instance` has seen the
    attribute before it had this docstring."""
    if target.__name__ == name:
        return _EXAMPLE_TITLE.sub(r"\1Examples:", inspect.getdoc(target) or "")
    module = importlib.import_module(module_path)
    here = getattr(module, target.__name__, None) is target
    where = f"{module_path}.{target.__name__}" if here else f"{target.__module__}.{target.__qualname__}"
    kind = "class" if inspect.isclass(target) else "function"
    return f"Keras's other name of [`{target.__name__}`][{where}]: the same {kind}."


def _docstring(text, module, parent=None):
    """A Docstring parsed as ``module``'s are (the Google style the reference is configured with): one made here
    after loading has no parser, and mkdocstrings would render its sections (an example) as prose."""
    template = module.docstring
    return Docstring(text, parent=parent, parser=template.parser if template else "google",
                     parser_options=template.parser_options if template else None)


def _is_module(alias):
    try:
        return alias.final_target.is_module
    except Exception:  # an alias Griffe cannot resolve
        return False


def _resolves(alias):
    """Whether Griffe finds what an imported name points at (not a name bound by ``A, B = f(1), f(2)``)."""
    try:
        alias.final_target
    except Exception:
        return False
    return True


def _modules(module):
    """The package and its submodules, less ``__main__`` modules (importing one runs it)."""
    if module.is_alias or module.name == "__main__":
        return
    yield module
    for submodule in module.modules.values():
        yield from _modules(submodule)


class LayerwiseDocstrings(Extension):
    """Rename ``Example:`` titles to ``Examples:``; document aliases and factory-made functions."""

    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = _EXAMPLE_TITLE.sub(r"\1Examples:", obj.docstring.value)

    def on_attribute_instance(self, *, attr, **kwargs):
        parent = attr.parent
        if attr.docstring is not None or attr.name.startswith("_") or parent is None or not parent.is_module:
            return
        target = _runtime_object(parent.path, attr.name)
        if inspect.isclass(target) or inspect.isfunction(target):
            text = _describe(parent.path, attr.name, target)
            if text:
                attr.docstring = _docstring(text, parent, attr)

    def on_package(self, *, pkg, **kwargs):
        for module in _modules(pkg):
            members = module.members
            exported = list(module.exports or [])
            if not all(isinstance(name, str) for name in exported):  # ``[..., *_ELSEWHERE]``: read it at run time
                exported = list(_runtime_object(module.path, "__all__") or [])
                module.exports = exported  # what mkdocstrings lists
            exported = [name for name in exported if isinstance(name, str)]
            # Statically: names __all__ lists that are missing, that resolve to a module (shadowed), or that are
            # imported from a module where the static analysis does not see them bound.
            suspects = [name for name in exported if name not in members
                        or (not _resolves(members[name]) or _is_module(members[name]) if members[name].is_alias
                            else members[name].is_module)]
            for name in suspects:
                target = _runtime_object(module.path, name)
                if inspect.isclass(target) or inspect.isfunction(target):
                    text = _describe(module.path, name, target)
                    if text:
                        module.set_member(name, Attribute(name, docstring=_docstring(text, module)))

    on_package_loaded = on_package  # Griffe 1's name of the same event
