"""Structural checks of every chapter notebook (nbval checks their outputs)."""

import ast
import json
import re
from pathlib import Path

import pytest

import attn_course
from tools.chapter_deps import Package
from tools.execute_notebooks import chapter_fingerprint, recorded_fingerprints
from tools.toc import toc_files

ROOT = Path(__file__).resolve().parents[2]
# Chapters live directly in book/; exercise notebooks (book/student_exercises/) have checks of their own.
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def _code(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_executed_clean_and_normalised(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = _code(nb)
    assert code, "a chapter with no code cells"
    assert all(c["execution_count"] is not None for c in code), "every code cell must be executed"
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "cells must be executed top to bottom in one run"
    for cell in code:
        assert all(o["output_type"] != "error" for o in cell["outputs"]), "error output committed"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb["metadata"], "widget state must not be committed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_a_thin_chapter(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    # a MyST target such as "(scoring-functions)=" may precede the title, so that {ref} can name the page
    first = re.sub(r"\A(\s*\([\w-]+\)=\s*\n)+", "", "".join(nb["cells"][0]["source"])).lstrip()
    assert nb["cells"][0]["cell_type"] == "markdown" and first.startswith("# "), "must open with a # Title"
    source = "\n".join("".join(c["source"]) for c in _code(nb))
    assert "from attn_course import" in source or "from attn_course." in source
    exported = set(attn_course.__all__)
    for cell in _code(nb):
        text = "".join(cell["source"])
        tree = ast.parse("\n".join(line for line in text.splitlines() if not line.startswith(("%", "!"))))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                assert node.name not in exported, f"{node.name} redefines attn_course.{node.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_the_toc(path):
    assert str(path.relative_to(ROOT).with_suffix("")) in toc_files(ROOT)


@pytest.fixture(scope="module")
def package():
    return Package(ROOT)  # read once for every chapter


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_come_from_the_current_code(path, package):
    """The book shows the committed outputs and executes nothing (_config.yml). nbval checks that the text
    outputs come out the same; this checks that the whole run, figures included, is one of the current
    code cells, attn_course modules and pins (tools/chapter_deps.py: outputs_fingerprint)."""
    assert recorded_fingerprints().get(path.name) == chapter_fingerprint(path, package=package), (
        f"{path.name}: its outputs were made from other code, attn_course modules or pins than the current ones; "
        f"run `.venv/bin/python tools/execute_notebooks.py book/{path.name}` and commit the result"
    )
