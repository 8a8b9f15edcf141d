"""`make test`'s distribution over the xdist workers (tests/conftest.py): files stay whole, book pages spread."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SPREAD, work_unit

from .conftest import ROOT


def test_a_file_is_one_unit_and_each_book_page_its_own():
    page = "tests/browser/test_book.py::test_page_renders_offline[book/intro.html]"
    assert work_unit(page) == page
    assert work_unit("tests/browser/test_book.py::test_intro_math_is_typeset") == "tests/browser/test_book.py"
    assert work_unit("book/04_formula.ipynb::Cell 3") == "book/04_formula.ipynb"  # one kernel per notebook
    assert work_unit("tests/browser/test_fixture_book.py::test_x[dark-390]") == "tests/browser/test_fixture_book.py"


def test_the_spread_tests_exist_under_those_ids():
    """A renamed or moved page test would silently run every page on one worker again."""
    from .test_book import PAGES, test_page_renders_offline

    (mark,) = [m for m in test_page_renders_offline.pytestmark if m.name == "parametrize"]
    assert mark.args == ("page", PAGES) and len(PAGES) > 10
    assert SPREAD == (f"{Path(__file__).with_name('test_book.py').relative_to(ROOT).as_posix()}::"
                      f"{test_page_renders_offline.__name__}[",)
