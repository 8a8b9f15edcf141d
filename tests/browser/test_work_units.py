"""`make test`'s distribution over the xdist workers (tests/conftest.py): files stay whole, book pages spread."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import SPREAD, work_unit

from .conftest import ROOT


def test_a_file_is_one_unit_and_each_book_page_its_own():
    page = "tests/browser/test_book.py::test_page_renders_offline[book/intro.html]"
    assert work_unit(page) == page
    assert work_unit("tests/browser/test_book.py::test_intro_math_is_typeset") == "tests/browser/test_book.py"
    assert work_unit("book/04_formula.ipynb::Cell 3") == "book/04_formula.ipynb"  # one kernel per notebook
    assert work_unit("tests/browser/test_fixture_book.py::test_x[dark-390]") == "tests/browser/test_fixture_book.py"


def test_the_spread_tests_exist_under_those_ids():
    """A renamed page test would silently run every page on one worker again."""
    ids = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                          "tests/browser/test_book.py"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for prefix in SPREAD:
        assert sum(i.startswith(prefix) for i in ids) > 10, (prefix, ids[:5])
