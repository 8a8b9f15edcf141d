"""Imports deferred to first use: attn_course's front door (PEP 562) and nbformat's IRI parser.

The grader's start-up depends on both (issue 14): ``import attn_course`` must not import torch, and
``import nbformat`` must not build jsonschema's RFC 3987 parser. What is deferred must still work."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import attn_course

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> object:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_front_door_does_not_import_torch():
    assert _run("import json, sys, attn_course\nprint(json.dumps('torch' in sys.modules))") is False


def test_a_front_door_name_stays_the_function_when_its_submodule_is_imported_first():
    # attn_course.attention is a module and a function; the import system binds the module on the
    # package whenever the submodule is imported, before or after the name is first used
    code = ("import json\n"
            "import attn_course.multihead, attn_course.attention\n"
            "import attn_course\n"
            "from attn_course import attention\n"
            "from attn_course.attention import attention as direct\n"
            "print(json.dumps([callable(attention), attention is direct, attn_course.attention is direct]))\n")
    assert _run(code) == [True, True, True]


def test_every_name_resolves_to_its_owners_object_and_dir_lists_it():
    import importlib

    for name in attn_course.__all__:
        owner = importlib.import_module(f"attn_course.{attn_course._OWNER[name]}")
        assert getattr(attn_course, name) is getattr(owner, name), name
    assert set(attn_course.__all__) <= set(dir(attn_course))
    assert attn_course.efficient.flash_attention is attn_course.flash_attention


def test_the_owner_table_says_what_the_type_checking_imports_say():
    tree = ast.parse((ROOT / "attn_course" / "__init__.py").read_text())
    block = next(n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING")
    imported = {alias.name: node.module for node in block.body for alias in node.names}
    assert imported == attn_course._OWNER
    assert sorted(imported) == sorted(attn_course.__all__)


def test_an_unknown_name_is_still_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'plot_attention'"):
        attn_course.plot_attention  # noqa: B018
    assert not hasattr(attn_course, "__wrapped__")


def test_nbformat_is_imported_without_building_the_iri_parser_which_still_works_when_used():
    pytest.importorskip("rfc3987_syntax")
    code = ("import json, sys\n"
            "from attn_course._nbformat import nbformat\n"
            "built = 'lark' in sys.modules\n"
            "nbformat.validate(nbformat.v4.new_notebook())\n"
            "import jsonschema\n"
            "check = jsonschema.FormatChecker()\n"
            "results = [check.conforms('https://example.org/ä?q=1', 'iri'), check.conforms('no scheme', 'iri')]\n"
            "from rfc3987_syntax import parse\n"
            "print(json.dumps([built, *results, 'lark' in sys.modules, parse.__module__]))\n")
    assert _run(code) == [False, True, False, True, "rfc3987_syntax.syntax_helpers"]
