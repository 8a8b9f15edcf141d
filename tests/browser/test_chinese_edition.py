"""The Chinese edition (``_build/html/zh/``, tools/i18n.py) as its reader finds it.

test_book.py opens its pages with the same checks as the English ones (console, maths, mermaid,
explorers). Here: the prose is Chinese, every page links to itself in the other edition, and the
offline search finds Chinese words (Sphinx segments them with jieba).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from bs4 import BeautifulSoup, NavigableString

from tools.i18n import PREFIX

from .checks import POLL_MS, new_context, serve
from .conftest import ROOT
from .test_book import toc_pages

pytestmark = pytest.mark.skipif(not (ROOT / "locale").is_dir(), reason="no Chinese edition in this repository")

ENGLISH = [p for p in toc_pages() if not p.startswith(f"{PREFIX}/")]
CONTENT = [p for p in ENGLISH if p not in ("index.html", "genindex.html", "search.html")]  # index: a redirect
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
PROSE = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "dt", "dd", "caption", "th", "td"}
#: Code, outputs, maths and bibliography entries are not prose.
NOT_PROSE_TAGS = {"pre", "code", "script", "style", "kbd", "samp"}
NOT_PROSE_CLASSES = {"cell_output", "output", "math", "citation", "bibliography", "highlight", "mermaid",
                     "explorer-card", "docutils container"}


@functools.cache
def _soup(path: Path) -> BeautifulSoup:
    """A built page, parsed once per worker: most tests here read every page (and nothing changes a parse)."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _article(path: Path) -> BeautifulSoup:
    soup = _soup(path)
    return soup.find("article") or soup


def _is_prose(node: NavigableString) -> bool:
    block = None
    for parent in node.parents:
        if parent.name in NOT_PROSE_TAGS or NOT_PROSE_CLASSES & set(parent.get("class") or []):
            return False
        if block is None and parent.name in PROSE:
            block = parent
    return block is not None


def prose_letters(path: Path) -> tuple[int, int, list[str]]:
    """(CJK characters, Latin letters, the prose blocks with no Chinese at all) of a page's article."""
    blocks: dict[int, list[str]] = {}
    for node in _article(path).find_all(string=True):
        if _is_prose(node):
            block = next(p for p in node.parents if p.name in PROSE)
            blocks.setdefault(id(block), []).append(str(node))
    texts = [" ".join("".join(parts).split()) for parts in blocks.values()]
    cjk = sum(len(CJK.findall(t)) for t in texts)
    latin = sum(len(LATIN.findall(t)) for t in texts)
    return cjk, latin, [t for t in texts if not CJK.search(t) and len(LATIN.findall(t)) > 40]


@pytest.mark.parametrize("page", CONTENT)
def test_every_chinese_page_reads_in_chinese(book_html, page):
    cjk, latin, english = prose_letters(book_html / PREFIX / page)
    assert cjk > latin, (f"{PREFIX}/{page}: {cjk} Chinese characters against {latin} Latin letters in its prose; "
                         f"blocks with no Chinese: {english[:5]}")
    assert not english, f"{PREFIX}/{page}: prose left in English: {english[:5]}"


def test_the_english_edition_is_english(book_html):
    """The measure above can fail: the same pages in English are mostly Latin letters."""
    for page in CONTENT:
        cjk, latin, _ = prose_letters(book_html / page)
        assert latin > 5 * cjk, page


@pytest.mark.parametrize("page", [p for p in ENGLISH if p != "index.html"])  # index.html: a redirect
def test_each_page_links_to_itself_in_the_other_edition(book_html, page):
    for here, there in ((page, f"{PREFIX}/{page}"), (f"{PREFIX}/{page}", page)):
        soup = _soup(book_html / here)
        links = soup.select("a.course-lang-switch")
        assert len(links) == 1, f"{here}: {len(links)} language links"
        target = urlparse(urljoin(f"http://book/{here}", links[0]["href"])).path.lstrip("/")
        assert target == there and (book_html / target).is_file(), (here, links[0]["href"])
        alternate = soup.select_one("link[rel=alternate][hreflang]")
        assert alternate is not None and alternate["href"] == links[0]["href"], here
    assert _soup(book_html / PREFIX / page).html["lang"] == "zh-CN"


def _pages_using(book_html: Path, word: str) -> tuple[set[str], set[str]]:
    """The Chinese pages whose prose uses ``word``, and those whose title or headings do."""
    prose, headings = set(), set()
    for page in CONTENT:
        article = _article(book_html / PREFIX / page)
        if word in article.get_text():
            prose.add(page)
        if any(word in h.get_text() for h in article.find_all(["h1", "h2", "h3"])):
            headings.add(page)
    return prose, headings


@pytest.fixture(scope="module")
def site(book_html: Path, browser):
    """The book served, and one browser context for the searches (the second finds the index in its cache)."""
    with serve(book_html) as base:
        context = new_context(browser)
        yield base, context
        context.close()


@pytest.mark.parametrize("word", ["注意力", "掩码"])
def test_chinese_search_finds_the_pages_that_use_a_word(book_html, site, word):
    uses, titled = _pages_using(book_html, word)
    assert titled, f"no Chinese page has {word} in a heading: the test would prove little"
    base, context = site
    page = context.new_page()
    page.goto(f"{base}{PREFIX}/search.html?q={word}")
    # Sphinx lists the results one by one, then writes "found N pages" (translated) in the summary
    page.wait_for_function("() => { const m = document.querySelector('#search-results p.search-summary')"
                           "?.textContent.match(/\\d+/); return m && document.querySelectorAll("
                           "'#search-results ul.search > li').length === Number(m[0]); }", timeout=30_000,
                           polling=POLL_MS)
    hrefs = page.eval_on_selector_all("#search-results ul.search > li > a", "links => links.map(a => a.href)")
    page.close()
    found = {unquote(urlparse(h).path).split(f"/{PREFIX}/", 1)[1] for h in hrefs}
    assert found <= uses, f"results for {word} on pages that do not use it: {sorted(found - uses)}"
    assert titled <= found, f"pages with {word} in a heading that the search missed: {sorted(titled - found)}"


def test_the_chinese_navigation_and_folded_cells_are_in_chinese(book_html):
    """Labels outside the catalogues: the table of contents' part captions, myst-nb's fold buttons."""
    for page in CONTENT:
        soup = _soup(book_html / PREFIX / page)
        captions = [c.get_text(strip=True) for c in soup.select("nav p.caption span.caption-text")]
        assert captions and all(CJK.search(c) for c in captions), (page, captions)
        assert "Show code cell" not in soup.get_text() and "Hide code cell" not in soup.get_text(), page
