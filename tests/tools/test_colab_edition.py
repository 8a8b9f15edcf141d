"""The Colab editions (tools/colab_edition.py, tools/myst_markdown.py, tools/sphinx_colab.py): current, free of
MyST markup, solutions folded, numbered and cited as the book does, and the book's Colab button opens them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools import colab_edition, sphinx_colab
from tools.myst_markdown import Book, Citation, Target, to_markdown

ROOT = Path(__file__).resolve().parents[2]
RAW_MYST = (":::{", "{cite", "{doc}", "{ref}", "{numref}", "{glue", "{solution}", "{exercise}")
TARGET = re.compile(r"^\s*\([\w-]+\)=", re.MULTILINE)
BOOK = Book(
    url="https://o.github.io/r/",
    titles={"book/a": "Chapter A", "book/b": "Chapter B"},
    targets={"ex-a": Target("book/a", "Exercise 1.1"), "sec-b": Target("book/b", "Section of B"),
             "fig-b": Target("book/b", "Fig. 1.2"), "sec-a": Target("book/a", "Here")},
    citations={"zed": Citation("Zed et al.", "2020", "zed"), "alpha": Citation("Alpha and Beta", "1999", "alpha")},
)


def _markdown(source: str, **glue: str) -> str:
    return to_markdown(source, BOOK, "book/a", glue)


def test_the_committed_editions_are_current():
    assert colab_edition.main(["--check"]) == 0, "run python -m tools.colab_edition"


@pytest.mark.parametrize("chapter", colab_edition.chapters(ROOT), ids=lambda p: p.stem)
def test_an_edition_is_its_chapter_with_plain_markdown_and_folded_solutions(chapter):
    source = json.loads(chapter.read_text())
    edition = json.loads((ROOT / sphinx_colab.edition_path(f"book/{chapter.stem}")).read_text())
    # the chapter's code cells, to run in Colab: its outputs are the book's, not repeated in the edition
    assert [c for c in edition["cells"] if c["cell_type"] == "code"] == [
        {**c, "outputs": [], "execution_count": None} for c in source["cells"] if c["cell_type"] == "code"]
    assert edition["metadata"] == source["metadata"]
    markdown = ["".join(c["source"]) for c in edition["cells"] if c["cell_type"] == "markdown"]
    for text in markdown:
        outside_code = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
        assert not [t for t in RAW_MYST if t in outside_code] and not TARGET.search(outside_code), text[:300]
    solutions = sum("".join(c["source"]).count(":::{solution}") for c in source["cells"])
    summaries = re.findall(r"<details>\n<summary>(.*)</summary>\n\n", "\n".join(markdown))
    assert len(summaries) == solutions and all(re.fullmatch(r"Solution to Exercise \d+\.\d+", s) for s in summaries)
    assert "\n".join(markdown).count("</details>") == solutions


def test_exercise_and_solution_become_a_quoted_exercise_and_folded_details():
    text = _markdown(":::{exercise}\n:label: ex-a\n\nWhy $x$?\n:::\n\n:::{solution} ex-a\n:class: dropdown\n\n"
                     "Because {cite:p}`zed`.\n:::")
    assert text == ("> **Exercise 1.1**\n>\n> Why $x$?\n\n<details>\n<summary>Solution to Exercise 1.1</summary>\n\n"
                    "Because \\[Zed et al., 2020\\].\n\n</details>")


def test_admonitions_become_quoted_blocks_with_their_title():
    assert _markdown(":::{admonition} Careful\n:class: tip\nText.\n:::") == "> **Careful**\n>\n> Text."
    assert _markdown(":::{note}\nText.\n:::") == "> **Note**\n>\n> Text."


def test_citations_are_author_year_sorted_and_never_links():
    assert _markdown("see {cite}`zed,alpha`(x)") == r"see \[Alpha and Beta, 1999, Zed et al., 2020\](x)"
    assert _markdown("{cite:t}`zed` showed") == r"Zed et al. \[2020\] showed"
    with pytest.raises(ValueError, match="nobody"):
        _markdown("{cite}`nobody`")


def test_references_link_to_the_online_book_or_stay_text_in_the_same_chapter():
    assert _markdown("{doc}`b`") == "[Chapter B](https://o.github.io/r/book/b.html)"
    assert _markdown("{doc}`the other one <../book/b>`") == "[the other one](https://o.github.io/r/book/b.html)"
    assert _markdown("{ref}`sec-b` and {numref}`fig-b`") == (
        "[Section of B](https://o.github.io/r/book/b.html#sec-b) and [Fig. 1.2](https://o.github.io/r/book/b.html#fig-b)")
    assert _markdown("{ref}`below\n<sec-a>`, {ref}`ex-a`") == "below, Exercise 1.1"
    for bad in ("{ref}`nowhere`", "{doc}`c`"):
        with pytest.raises(ValueError):
            _markdown(bad)


def test_glue_labels_code_and_unknown_markup():
    assert _markdown("w = {glue:text}`w:.2f`, n = {glue:text}`n`", w="0.12345", n="'ten'") == "w = 0.12, n = ten"
    assert _markdown("(sec-a)=\n## Here\n") == "## Here"
    code = "```python\nx = '{cite}`zed`'\n```"
    assert _markdown(code) == code
    assert _markdown("```mermaid\nA --> B\n```").startswith("```mermaid\nA --> B\n```\n\n*The book draws")
    for bad in ("{term}`x`", ":::{figure} x.png\n:::", ":::{exercise}\nnever closed", "{glue:text}`missing`"):
        with pytest.raises(ValueError):
            _markdown(bad)


def _notebook(*cells: tuple[str, str, dict]) -> str:
    made = [{"cell_type": t, "metadata": m, "source": s} | ({"outputs": []} if t == "code" else {})
            for t, s, m in cells]
    return json.dumps({"cells": made, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


FIGURE = {"mystnb": {"figure": {"caption": "A figure.", "name": "fig-b"}}}
EXERCISE = ":::{{exercise}}\n:label: {}\nDo it.\n:::\n\n:::{{solution}} {}\nDone.\n:::"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A book with a numbered part (a chapter and its section), an unnumbered part, and a second numbered part."""
    (tmp_path / "_config.yml").write_text("repository:\n  url: https://github.com/org/repo\n")
    (tmp_path / "_toc.yml").write_text(
        "root: book/intro\nparts:\n  - numbered: true\n    chapters:\n      - file: book/01_a\n        sections:\n"
        "          - file: book/01b_a\n  - chapters:\n      - file: book/extra\n"
        "  - numbered: true\n    chapters:\n      - file: book/02_c\n")
    (tmp_path / "references.bib").write_text("@article{k, author = {van den Oord, A{\\\"a}ron}, year = {2016}}\n")
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "intro.md").write_text("# Intro\n")
    (folder / "extra.md").write_text("# Extra\n\n" + EXERCISE.format("ex-x", "ex-x"))
    (folder / "01_a.ipynb").write_text(_notebook(("markdown", "# A\n\n" + EXERCISE.format("ex-a", "ex-a"), {}),
                                                 ("code", "plot()", FIGURE | {"tags": []})))
    (folder / "01b_a.ipynb").write_text(_notebook(("markdown", "(sec-b)=\n# B\n\n" + EXERCISE.format("ex-b", "ex-b")
                                                   + "\n\n{numref}`fig-b`, {cite:t}`k`, {doc}`02_c`", {})))
    (folder / "02_c.ipynb").write_text(_notebook(("markdown", "# C\n\n" + EXERCISE.format("ex-c", "ex-c"), {})))
    return tmp_path


def test_numbers_titles_and_citations_follow_the_book(book):
    loaded = colab_edition.load_book(book)
    assert loaded.url == "https://org.github.io/repo/"
    assert {label: t.text for label, t in loaded.targets.items()} == {
        "ex-a": "Exercise 1.1", "fig-b": "Fig. 1.1", "sec-b": "B", "ex-b": "Exercise 1.2", "ex-x": "Exercise",
        "ex-c": "Exercise 2.1"}
    assert loaded.titles == {"book/intro": "Intro", "book/01_a": "A", "book/01b_a": "B", "book/extra": "Extra",
                             "book/02_c": "C"}
    assert loaded.citations["k"].authors == "van den Oord"


def test_the_tool_writes_checks_and_is_idempotent(book, capsys):
    assert colab_edition.main(["--root", str(book), "--check"]) == 1
    assert colab_edition.main(["--root", str(book)]) == 0
    editions = sorted(p.name for p in (book / "colab").iterdir())
    assert editions == ["01_a.ipynb", "01b_a.ipynb", "02_c.ipynb"]
    written = {name: (book / "colab" / name).read_text() for name in editions}
    assert colab_edition.main(["--root", str(book), "--check"]) == 0
    assert colab_edition.main(["--root", str(book)]) == 0
    assert written == {name: (book / "colab" / name).read_text() for name in editions}
    cells = json.loads(written["01b_a.ipynb"])["cells"]
    assert cells[1]["id"] == colab_edition.NOTE_ID
    assert "https://org.github.io/repo/book/01b_a.html" in cells[1]["source"][0]
    assert "[Fig. 1.1](https://org.github.io/repo/book/01_a.html#fig-b), van den Oord \\[2016\\], [C](" in "".join(
        cells[0]["source"])

    chapter = book / "book" / "02_c.ipynb"
    chapter.write_text(chapter.read_text().replace("Do it.", "Do it again."))
    (book / "colab" / "99_gone.ipynb").write_text("{}")
    assert colab_edition.main(["--root", str(book), "--check"]) == 1
    assert "02_c.ipynb, 99_gone.ipynb (no chapter)" in capsys.readouterr().err
    assert colab_edition.main(["--root", str(book)]) == 0
    assert not (book / "colab" / "99_gone.ipynb").exists()
    assert "Do it again." in (book / "colab" / "02_c.ipynb").read_text()


def test_the_book_url_needs_a_github_repository(tmp_path):
    (tmp_path / "_config.yml").write_text("repository:\n  url: https://gitlab.com/org/repo\n")
    with pytest.raises(ValueError, match="github"):
        colab_edition.book_url(tmp_path)


def test_the_colab_button_opens_the_edition_where_one_exists(tmp_path):
    def context() -> dict:
        return {"header_buttons": [{"buttons": [
            {"text": "Binder", "url": "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/book/04_x.ipynb"},
            {"text": "Colab", "url": "https://colab.research.google.com/github/o/r/blob/main/book/04_x.ipynb"}]}]}

    without = context()
    assert not sphinx_colab.point_colab_at_edition(without, "book/04_x", tmp_path) and without == context()
    (tmp_path / "colab").mkdir()
    (tmp_path / "colab" / "04_x.ipynb").write_text("{}")
    with_edition = context()
    assert sphinx_colab.point_colab_at_edition(with_edition, "book/04_x", tmp_path)
    binder, colab = with_edition["header_buttons"][0]["buttons"]
    assert colab["url"] == "https://colab.research.google.com/github/o/r/blob/main/colab/04_x.ipynb"
    assert binder == context()["header_buttons"][0]["buttons"][0]


def test_the_book_loads_the_colab_button_extension():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["sphinx"]["local_extensions"].get("sphinx_colab") == "tools"
