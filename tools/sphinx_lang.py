"""Sphinx extension: the two editions of the book, and Chinese text marked up as Chinese.

**Editions.** The English edition is built at the root of ``_build/html``; the Chinese one
(``tools/i18n.py``) in its folder ``zh/``, with the same page paths. ``course_translation``
(set in the English configuration) names that folder, ``course_edition`` (set in the Chinese
one) says that this build is it. Every page then gets a link to the same page in the other
edition (``lang-switch.html`` in the article header, ``tools/templates``) and a
``<link rel="alternate" hreflang>`` for browsers and search engines.

In the Chinese edition, two labels that Sphinx's catalogues do not reach are translated when a
page is read: the captions of the table of contents (Part I, ...; jupyter-book adds its toctrees
after Sphinx has translated the page, so their captions are looked up in the page's catalogue
here) and myst-nb's "Show code cell source" buttons of folded cells (``FOLD_PROMPTS``).

**Chinese in the English edition.**
Loaded through ``sphinx.local_extensions`` in ``_config.yml``. The pages are English
(``<html lang="en">``), but the glossary gives every term in Chinese too, and the source article
is Chinese. Without a language tag a screen reader reads 注意力 with English rules, and the
browser may pick a Japanese glyph variant. When the build finishes, this wraps every run of
Chinese characters in the ``<body>`` of every page in ``<span lang="zh-Hans">``;
``_static/course.css`` gives ``:lang(zh)`` a CJK font stack.

Text inside tags (attributes), ``<script>``, ``<style>``, ``<pre>`` and ``<textarea>`` is left alone.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import init as init_locale
from sphinx.util.i18n import docname_to_domain

#: Simplified Chinese, as the glossary writes it (简体中文).
LANG = "zh-Hans"
#: CJK ideographs (with extension A and compatibility ideographs) and CJK punctuation, and the
#: full-width forms, with the spaces and middle dots between them inside a run.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK_RUN = re.compile(f"[{_CJK}](?:[{_CJK}\u00b7 ]*[{_CJK}])?")
_TAG = re.compile(r"(<[^>]*>)")
_RAW = re.compile(r"<(/?)(script|style|pre|textarea)\b", re.IGNORECASE)


def tag_chinese(html: str) -> str:
    """``html`` with each run of Chinese text outside tags and raw elements in a ``lang`` span."""
    out, raw_depth, opened = [], 0, f'<span lang="{LANG}">'
    for part in _TAG.split(html):
        if part.startswith("<"):
            if match := _RAW.match(part):
                raw_depth = max(0, raw_depth + (-1 if match.group(1) else 1))
            out.append(part)
        elif raw_depth or not CJK_RUN.search(part) or (out and out[-1] == opened):  # already tagged
            out.append(part)
        else:
            out.append(CJK_RUN.sub(lambda m: f'<span lang="{LANG}">{m.group(0)}</span>', part))
    return "".join(out)


#: myst-nb's prompts for a folded cell, by what the cell hides ("Show code cell source", ...).
FOLD_PROMPTS = {"input": ("显示代码", "隐藏代码"), "output": ("显示输出", "隐藏输出"),
                "all": ("显示单元格", "隐藏单元格"), "input+output": ("显示代码与输出", "隐藏代码与输出")}


def translate_page_labels(app: Sphinx, doctree: nodes.document) -> None:
    """Toctree captions from the page's catalogue, and folded cells' prompts, in the translation."""
    if not app.config.course_edition:
        return
    captioned = [toctree for toctree in doctree.findall(addnodes.toctree) if toctree.get("caption")]
    if captioned:  # the root page's toctrees only: no other page loads its catalogue here
        domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
        dirs = [str(Path(app.srcdir, d)) for d in app.config.locale_dirs]
        catalog, _ = init_locale(dirs, app.config.language, domain)
        for toctree in captioned:
            toctree["caption"] = catalog.gettext(toctree["caption"])
    for cell in doctree.findall(nodes.container):
        if cell.get("hide_mode") in FOLD_PROMPTS:
            cell["prompt_show"], cell["prompt_hide"] = FOLD_PROMPTS[cell["hide_mode"]]


def other_edition(pagename: str, edition: str, translation: str) -> dict[str, str] | None:
    """The same page in the other edition: its URL relative to this page, its language and label."""
    if edition:  # this is the translation, in its folder: English is one level up
        target, lang, label, title = f"../{pagename}.html", "en", "English", "Read this page in English"
    elif translation:
        target, lang, label, title = f"{translation}/{pagename}.html", LANG, "中文", "阅读本页的中文版"
    else:
        return None
    return {"url": posixpath.relpath(target, posixpath.dirname(pagename) or "."), "lang": lang, "label": label,
            "title": title}


def link_editions(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    translation = app.config.course_translation if (Path(app.srcdir) / "locale").is_dir() else ""  # none to link
    other = other_edition(pagename, app.config.course_edition, translation)
    if other is None:
        return
    context["course_other_edition"] = other
    link = f'<link rel="alternate" hreflang="{other["lang"]}" href="{other["url"]}" />\n'
    context["metatags"] = context.get("metatags", "") + link


def mark_pages(app: Sphinx, exception: Exception | None) -> None:
    """Tag the ``<body>`` of every written page: the article, and the titles the theme repeats
    (navigation, previous/next links, the print header). ``<head>`` (the ``<title>``) stays as it is."""
    if exception is not None or app.builder.format != "html" or app.config.course_edition:
        return  # the Chinese edition is <html lang="zh-CN"> as a whole
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        start = text.find("<body")
        if start < 0 or not CJK_RUN.search(text, start):
            continue
        tagged = text[:start] + tag_chinese(text[start:])
        if tagged != text:
            path.write_text(tagged, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("course_edition", "", "html", types=[str])
    app.add_config_value("course_translation", "", "html", types=[str])
    app.connect("html-page-context", link_editions)
    app.connect("doctree-read", translate_page_labels)
    app.connect("build-finished", mark_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
