"""Every page's "previous" and "next" links follow _toc.yml and name the page they lead to.

Read from the built HTML (`make book`), no browser needed: the bottom links of each page, and
the prose "Next:" pointers that close a chapter, against the reading order of _toc.yml and the
title (the ``<h1>``) of the page they lead to.
"""

from __future__ import annotations

import posixpath
import re

import pytest
from bs4 import BeautifulSoup

from tools.toc import toc_files

from .conftest import ROOT


def text(element) -> str:
    copy = BeautifulSoup(str(element), "html.parser")
    for link in copy.select("a.headerlink"):
        link.decompose()
    return re.sub(r"\s+", " ", copy.get_text()).strip()


@pytest.fixture(scope="module")
def pages(book_html):
    order = toc_files(ROOT)
    soups = {name: BeautifulSoup((book_html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
             for name in order}
    titles = {name: text(soup.select_one("article.bd-article section h1")) for name, soup in soups.items()}
    return order, soups, titles


def target(page: str, href: str) -> str:
    """The toc name (``book/03_algorithm``) a relative link from ``page`` leads to."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#")[0]))
    return path.removesuffix(".html")


def test_previous_and_next_follow_the_toc_and_name_their_page(pages):
    order, soups, titles = pages
    problems = []
    for i, name in enumerate(order):
        expected = {"left-prev": order[i - 1] if i > 0 else None,
                    "right-next": order[i + 1] if i + 1 < len(order) else None}
        for kind, want in expected.items():
            link = soups[name].select_one(f".prev-next-area a.{kind}")
            if want is None:
                if link is not None:
                    problems.append(f"{name}: a {kind} link where the toc has no page")
                continue
            if link is None:
                problems.append(f"{name}: no {kind} link (the toc has {want})")
                continue
            goes_to, named = target(name, link["href"]), text(link.select_one(".prev-next-title"))
            if goes_to != want:
                problems.append(f"{name}: {kind} goes to {goes_to}, the toc says {want}")
            elif named != titles[want]:
                problems.append(f"{name}: {kind} is named {named!r}, the page is {titles[want]!r}")
    assert not problems, "\n".join(problems)


def test_a_closing_next_pointer_names_the_next_page(pages):
    """A paragraph that starts "Next:" sends the reader to the page that follows in the toc."""
    order, soups, _ = pages
    problems = []
    for i, name in enumerate(order[:-1]):
        for paragraph in soups[name].select("main p"):
            if not re.match(r"Next\b", text(paragraph)):
                continue
            link = paragraph.select_one("a.reference.internal")
            if link is not None and target(name, link["href"]) != order[i + 1]:
                problems.append(f"{name}: 'Next:' points at {target(name, link['href'])}, "
                                f"the next page is {order[i + 1]}")
    assert not problems, "\n".join(problems)
