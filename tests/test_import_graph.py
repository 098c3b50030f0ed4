"""No import cycle through saving: models/trainer.py -> callbacks -> saving/model_file.py no longer leads back;
and matplotlib (the ``plot`` extra) is imported only inside the functions that draw."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def _module_name(path):
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph():
    """{module: modules it imports} for every module of layerwise, counting imports inside functions too (a
    lazy import hides a cycle, it does not remove it)."""
    paths = {_module_name(path): path for path in (SRC / "layerwise").rglob("*.py")}
    graph = {}
    for name, path in paths.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                targets.update(f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in paths else node.module
                               for alias in node.names)
        graph[name] = {target for target in targets if target in paths}
    return graph


def _reachable(graph, start):
    seen, stack = set(), [start]
    while stack:
        for target in graph[stack.pop()] - seen:
            seen.add(target)
            stack.append(target)
    return seen


def test_trainer_reaches_model_file_but_model_file_never_reaches_trainer():
    graph = _import_graph()
    assert "layerwise.saving.model_file" in _reachable(graph, "layerwise.models.trainer")
    assert "layerwise.models.trainer" not in _reachable(graph, "layerwise.saving.model_file")
    assert not any(module.startswith("layerwise.models") for module in _reachable(graph, "layerwise.callbacks"))


@pytest.mark.parametrize("module", ["layerwise.saving.model_file", "layerwise.callbacks.backup_and_restore",
                                    "layerwise.utils.registry", "layerwise.models.trainer"])
def test_each_module_imports_first_in_a_fresh_interpreter(module):
    subprocess.run([sys.executable, "-c", f"import {module}"], env={"PYTHONPATH": str(SRC)}, check=True)


def test_matplotlib_is_imported_only_inside_functions():
    at_import_time = []
    for path in (SRC / "layerwise").rglob("*.py"):
        tree = ast.parse(path.read_text())
        inside_functions = {id(node) for function in ast.walk(tree)
                            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
                            for node in ast.walk(function)}
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.split(".")[0] == "matplotlib" for name in names) and id(node) not in inside_functions:
                at_import_time.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not at_import_time


def test_importing_layerwise_its_plots_and_utils_does_not_import_matplotlib():
    code = ("import sys, layerwise, layerwise.plot, layerwise.utils; "
            "assert 'matplotlib' not in sys.modules, sorted(m for m in sys.modules if 'matplotlib' in m)")
    subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(SRC)}, check=True)
