"""Numbers in prose come from the code: every `{glue}` a chapter's prose uses is glued by one of its cells.

myst-nb's ``glue(name, value)`` stores ``value`` as a display output whose metadata holds
``scrapbook.name``; the roles ``{glue}`name``` / ``{glue:text}`name:fmt``` insert it into the prose when
the book is built. A missing name would only be a build warning far from its cause; here it is a failed
test that names the chapter and the glue key. The converse (a glued value nobody quotes) is a dead
measurement, also refused.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "book").rglob("*.ipynb"))
# {glue}`name`, {glue:text}`name:.2f`, {glue:md}`name`, {glue:figure}`name` (directive form too)
_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)(?::[^`]*)?`")
_DIRECTIVE = re.compile(r"^[:`]{3,}\{glue(?::\w+)?\}\s+(\S+)", re.MULTILINE)


def quoted(nb: dict) -> set[str]:
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return set(_ROLE.findall(text)) | set(_DIRECTIVE.findall(text))


def glued(nb: dict) -> set[str]:
    names = set()
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                names.add(scrapbook["name"])
    return names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "book")))
def test_every_quoted_glue_name_is_glued_in_the_chapter(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    missing = quoted(nb) - glued(nb)
    assert not missing, f"prose quotes glue names no cell glued: {sorted(missing)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "book")))
def test_every_glued_value_is_quoted(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    unused = glued(nb) - quoted(nb)
    assert not unused, f"glued but never quoted in the prose: {sorted(unused)}"


def test_the_patterns_find_roles_and_directives():
    nb = {"cells": [{"cell_type": "markdown", "source": [
        "ratio {glue:text}`speedup:.2f` and {glue}`count`\n", "```{glue:figure} fig_a\n", ":::{glue} tbl\n"]}]}
    assert quoted(nb) == {"speedup", "count", "fig_a", "tbl"}
