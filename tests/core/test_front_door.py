"""The package's shape: a small front door without matplotlib, short modules, chapters importing from the owner."""

import ast
import importlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

import attn_course

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "attn_course"
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
MAX_FRONT_DOOR_NAMES = 30
MAX_MODULE_LINES = 250


# importable without matplotlib: the library, and the grader (its hidden-test process pays every import)
LIGHT_MODULES = ["attn_course", "attn_course.efficient", "attn_course.models", "attn_course.data",
                 "attn_course.grading.hidden", "attn_course.grading.cli",
                 "attn_course.grading.spec"]


def test_importing_the_library_and_the_grader_does_not_load_matplotlib():
    # One fresh interpreter imports the modules in turn and looks after each: a module that loaded
    # matplotlib is caught right after its own import (the ones before it were checked clean).
    code = (
        "import importlib, sys\n"
        f"for module in {LIGHT_MODULES!r}:\n"
        "    importlib.import_module(module)\n"
        "    assert 'matplotlib' not in sys.modules, f'importing {module} loads matplotlib'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr


def test_front_door_lists_each_name_once_and_each_name_resolves():
    names = attn_course.__all__
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"listed more than once in attn_course.__all__: {duplicates}"
    assert len(names) <= MAX_FRONT_DOOR_NAMES, f"attn_course.__all__ has {len(names)} names"
    missing = [name for name in names if not hasattr(attn_course, name)]
    assert not missing, f"attn_course.__all__ names what attn_course does not define: {missing}"


def test_no_module_is_longer_than_the_limit():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 20  # the walk found the package
    long = {str(p.relative_to(ROOT)): n for p in modules if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def _defined_at_top_level(module_name):
    """Names a module defines itself (def, class, assignment), not those it imports."""
    tree = ast.parse(Path(importlib.util.find_spec(module_name).origin).read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def _import_problems(source):
    """What is wrong with the ``attn_course`` imports of one chapter's code, as messages (empty: nothing)."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            problems += [f"import {a.name}: chapters do not use the grader"
                         for a in node.names if a.name.split(".")[:2] == ["attn_course", "grading"]]
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").split(".")[0] == "attn_course":
            continue
        module = node.module
        parts = module.split(".")
        if parts[:2] == ["attn_course", "grading"]:
            problems.append(f"from {module} import ...: chapters do not use the grader")
            continue
        if any(part.startswith("_") for part in parts):
            problems.append(f"from {module} import ...: a private module")
            continue
        is_package = importlib.util.find_spec(module).submodule_search_locations is not None
        exported = set(getattr(importlib.import_module(module), "__all__", ())) if is_package else set()
        defined = set() if is_package else _defined_at_top_level(module)
        for alias in node.names:
            name = alias.name
            if name.startswith("_"):
                problems.append(f"from {module} import {name}: a private name")
            elif is_package and name not in exported and importlib.util.find_spec(f"{module}.{name}") is None:
                problems.append(f"from {module} import {name}: not in {module}.__all__")
            elif not is_package and name not in defined:
                problems.append(f"from {module} import {name}: not defined in {module}")
    return problems


def _code(notebook):
    """The code cells of a notebook, with IPython magics and shell lines blanked out."""
    cells = [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
    lines = "\n".join("".join(c["source"]) for c in cells).splitlines()
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from attn_course import plot_attention", "not in attn_course.__all__"),
        ("from attn_course.models import Explorer", "not in attn_course.models.__all__"),
        ("from attn_course.plots.heatmaps import plot_mask, torch", "import torch: not defined in"),
        ("from attn_course.efficient.flash import MaskTiles", "not defined in attn_course.efficient.flash"),
        ("from attn_course.efficient._tiles import MaskTiles", "a private module"),
        ("from attn_course.lessons.walkthrough import _replay", "a private name"),
        ("from attn_course.grading.checks import check_true", "do not use the grader"),
        ("import attn_course.grading.spec", "do not use the grader"),
    ],
    ids=lambda text: text.replace("grading", "grader"),
)
def test_the_import_check_catches(source, problem):
    assert any(problem in p for p in _import_problems(source)), _import_problems(source)


def test_the_import_check_accepts_what_the_owner_exports():
    source = """
from attn_course import attention, flash_attention
from attn_course.plots import plot_attention
from attn_course.plots.heatmaps import plot_mask
from attn_course.lessons import walkthrough
from attn_course.data.dates import MONTHS
"""
    assert _import_problems(source) == []


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.name)
def test_chapters_import_each_name_from_its_owner(notebook):
    problems = _import_problems(_code(notebook))
    assert not problems, f"{notebook.name}: " + "; ".join(problems)


def test_the_chapters_were_found():
    assert len(CHAPTERS) >= 10
