"""The Chinese edition's gate: every English string of the book has a current, finished translation.

``tools/i18n.py check`` extracts the English prose of every page (Sphinx's gettext builder), or
takes the templates ``make book`` extracted while their sources are byte-identical to today's, and
compares it with the catalogues in ``locale/zh_CN``. The gate itself is checked on a one-page book
built in a temporary folder: it fails on an untranslated string, passes once all are translated,
fails again (stale, then fuzzy) when an English sentence changes, and says how to refresh; the
templates count as fresh until the English (or the templates themselves) change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from tools import i18n

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """title: "A tiny book"
only_build_toc_files: true
exclude_patterns: [".*", "**/.*", "_build"]
bibtex_bibfiles: [references.bib]
execute:
  execute_notebooks: "off"
"""
TOC = "format: jb-book\nroot: book/intro\n"
PAGE = "# A tiny page\n\nAttention weighs the values by how well each key matches the query.\n"


def test_every_page_of_the_book_has_a_finished_current_translation():
    # make book extracted them: used as they are while their sources are today's, else extracted again
    out = i18n.templates_dir(ROOT)
    templates = i18n.fresh_templates(ROOT, out) or i18n.extract(ROOT, out)
    problems = i18n.check(ROOT, templates)
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} in all) Refresh with `{i18n.UPDATE}`."
    assert sum(i18n.stats(ROOT).values()) >= 1000, "the whole book, not a sample"


def _translate(root: Path, page: str, translations: dict[str, str]) -> None:
    path = i18n.catalogue_dir(root) / f"{page}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=i18n.LANGUAGE)
    for message in catalog:
        if message.id in translations:
            message.string, message.flags = translations[message.id], set()
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)


@pytest.mark.slow
def test_the_gate_fails_when_an_english_sentence_changes(tmp_path, capsys):
    (tmp_path / "_config.yml").write_text(CONFIG)
    (tmp_path / "_toc.yml").write_text(TOC)
    (tmp_path / "references.bib").write_text("")
    (tmp_path / "book").mkdir()
    page = tmp_path / "book" / "intro.md"
    page.write_text(PAGE)
    english = "Attention weighs the values by how well each key matches the query."

    out = tmp_path / "_build" / "i18n"
    assert i18n.fresh_templates(tmp_path, out) is None  # nothing extracted yet
    i18n.update(tmp_path, i18n.extract(tmp_path, out))
    problems = i18n.check(tmp_path, out / "_build" / "gettext")
    assert sorted(problems) == sorted([f"book/intro: untranslated: {english!r}",
                                       "book/intro: untranslated: 'A tiny page'"])

    chinese = "注意力按每个键与查询的匹配程度给值加权。"
    _translate(tmp_path, "book/intro", {"A tiny page": "一个小页面", english: chinese})
    templates = i18n.fresh_templates(tmp_path, out)  # a translation changes no English: still fresh
    assert templates == out / "_build" / "gettext"
    assert i18n.check(tmp_path, templates) == []
    assert i18n.main(["check", "--root", str(tmp_path), "--templates", str(templates)]) == 0
    assert i18n.main(["check", "--root", str(tmp_path)]) == 0  # the gate's default: the fresh templates

    page.write_text(PAGE.replace("how well", "how closely"))  # one English edit
    assert i18n.fresh_templates(tmp_path, out) is None, "an English edit makes the templates stale"
    templates = i18n.extract(tmp_path, out)
    assert i18n.fresh_templates(tmp_path, out) == templates
    problems = i18n.check(tmp_path, templates)
    assert [p.split(":")[1].strip() for p in problems] == ["stale, the English has a string the catalogue lacks",
                                                        "stale, the catalogue has a string the English lost"]
    capsys.readouterr()
    assert i18n.main(["check", "--root", str(tmp_path), "--templates", str(templates)]) == 1
    assert f"Refresh them with `{i18n.UPDATE}`" in capsys.readouterr().out

    assert i18n.update(tmp_path, templates) == {"book/intro": 1}  # the edited sentence needs a translator again
    problems = i18n.check(tmp_path, templates)
    assert len(problems) == 1
    assert problems[0].startswith("book/intro: fuzzy: 'Attention weighs the values by how closely")
    pot = templates / "book" / "intro.pot"
    pot.write_text(pot.read_text().replace("how closely", "how well"))
    assert i18n.fresh_templates(tmp_path, out) is None, "templates edited after their extraction are not trusted"


def test_a_translation_must_keep_the_markup_of_its_english():
    english = "See {doc}`the formula <04_formula>` and {cite}`vaswani2017attention`: $QK^\\top$ in `attention()`."
    kept = "见{doc}`公式一章 <04_formula>`与 {cite}`vaswani2017attention`：`attention()` 中的 $QK^\\top$。"
    assert i18n.markup(english) == i18n.markup(kept)
    for broken in (kept.replace("04_formula", "04_formula_zh"), kept.replace("$QK^\\top$", "QK"),
                   kept.replace("`attention()`", "attention()"), kept.replace("{cite}`vaswani2017attention`", "V")):
        assert i18n.markup(english) != i18n.markup(broken), broken
