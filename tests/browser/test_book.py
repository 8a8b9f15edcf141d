"""The built book, page by page, in headless Chromium with the network outside localhost blocked.

`make test` builds the book first (`make book`). Every page that the table of contents puts in
the book, plus the index, general index and search pages, in both editions (English at the root,
Chinese under zh/, tools/i18n.py), must show: no console errors, no failed
or external requests, typeset math, mermaid diagrams drawn as SVG, no widget placeholders, loaded
images; and every explorer must change its figure when a control moves. A screenshot of each
page is saved under _build/screenshots/book/: its first screen at 1280x900 as JPEG (the whole page
with ``BOOK_SCREENSHOTS=full``, for a reviewer; seconds on a tall page), the phone view and the moved
explorers as PNG.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.i18n import PREFIX
from tools.toc import toc_files

from .checks import book_pages, check_page, new_context, serve
from .conftest import ROOT, SHOTS


def toc_pages() -> list[str]:
    english = ["index.html", "genindex.html", "search.html"] + [f"{f}.html" for f in toc_files(ROOT)]
    return english + [f"{PREFIX}/{page}" for page in english] if (ROOT / "locale").is_dir() else english


PAGES = toc_pages()
#: The report of each page checked in this module, so that a later test reads it instead of checking the page again.
REPORTS: dict = {}


@pytest.fixture(scope="module")
def site(book_html: Path, browser):
    with serve(book_html) as base:
        context = new_context(browser)
        yield base, context
        context.close()


def test_every_built_page_is_checked(book_html):
    unchecked = sorted(set(book_pages(book_html)) - set(PAGES))
    assert not unchecked, f"pages in _build/html that these tests do not open: {unchecked}"
    missing = sorted(set(PAGES) - set(book_pages(book_html)))
    assert not missing, f"pages in _toc.yml that the build did not produce: {missing}"


@pytest.mark.parametrize("page", PAGES)  # under `make test` each page may run on any worker (tests/conftest.py)
def test_page_renders_offline(site, page):
    base, context = site
    report = REPORTS[page] = check_page(context, base + page, page, SHOTS / "book")
    assert not report.problems, f"{page}:\n  " + "\n  ".join(report.problems)
    assert report.explorers_moved == report.explorers


def test_intro_math_is_typeset(site):
    """The intro has display math: it must come out as MathJax output, not TeX source."""
    base, context = site
    page = "book/intro.html"  # checked by test_page_renders_offline just before, unless run alone
    report = REPORTS.get(page) or check_page(context, base + page, page, SHOTS / "book")
    assert report.math > 0 and not report.problems


def test_no_page_embeds_widget_state_or_cdn_urls(book_html):
    for page in book_pages(book_html):
        text = (book_html / page).read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget-state+json" not in text, page
        for host in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com"):
            assert f'src="https://{host}' not in text and f"from \"https://{host}" not in text, (page, host)
        assert text.count("const THEBE_JS_URL") <= 1, page
