"""The built book's features, checked on the real build (`make book`), and a tiny fixture book for the one
feature the chapters do not use yet: a mermaid diagram inside a closed dropdown.

The real ``_build/html``: no widget state or widget manager, vendored MathJax and mermaid, a chapter's
launch and download buttons, pages that work from file:// (a reader opening ``_build/html`` from disk,
offline), and an explorer card that follows the theme's light and dark mode and fits a phone. The fixture
book (written to a temporary folder, never committed as a chapter; no notebook, so nothing executes) is
built by tools/build_book.py with the repository's _config.yml and tools/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tools.toc import toc_files

from .checks import book_pages, check_page, new_context, serve
from .conftest import ROOT, SHOTS, build_book

TOC = """format: jb-book
root: book/intro
"""

INTRO = """# Fixture intro

Inline math $\\alpha_{ij} = \\operatorname{softmax}_j(e_{ij})$ and a display:

$$
\\operatorname{Attention}(Q, K, V) = \\operatorname{softmax}\\!\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right)V
$$

```mermaid
flowchart LR
  Q[queries] --> S[scores]
  K[keys] --> S
  S --> W[weights] --> O[output]
  V[values] --> O
```

:::{dropdown} A diagram in a closed dropdown
```mermaid
flowchart TD
  A[hidden] --> B[drawn once opened]
```
:::
"""


@pytest.fixture(scope="module")
def fixture_book(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fixture-book")
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    shutil.copy(ROOT / "references.bib", root / "references.bib")
    shutil.copytree(ROOT / "_static", root / "_static")  # the course's CSS and figure zoom
    (root / "tools").symlink_to(ROOT / "tools", target_is_directory=True)
    (root / "_toc.yml").write_text(TOC)
    (root / "book").mkdir()
    (root / "book" / "intro.md").write_text(INTRO)
    return build_book(root)


def _chapter_pages(book_html: Path, *needles: str) -> list[str]:
    """The English chapters (notebooks in _toc.yml) whose built page contains every one of ``needles``."""
    pages = [f"{name}.html" for name in toc_files(ROOT) if (ROOT / f"{name}.ipynb").is_file()]
    return [p for p in pages if all(n in (book_html / p).read_text(encoding="utf-8") for n in needles)]


def test_the_build_has_explorers_and_no_widget_state(book_html):
    assert _chapter_pages(book_html, 'class="attn-explorer"'), "no chapter shows an explorer card"
    for page in book_pages(book_html):
        text = (book_html / page).read_text(encoding="utf-8")
        assert "widget-state+json" not in text and "require.min.js" not in text and "embed-amd" not in text, page
    assert (book_html / "_static" / "vendor" / "mathjax" / "tex-chtml.js").exists()
    assert (book_html / "_static" / "vendor" / "mermaid" / "mermaid.min.js").exists()


def test_a_chapter_page_has_launch_and_download_buttons(book_html):
    chapter = _chapter_pages(book_html)[0]
    page, stem = (book_html / chapter).read_text(encoding="utf-8"), Path(chapter).stem
    repository = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]  # the URL is defined there only
    url, branch = repository["url"].rstrip("/"), repository["branch"]
    owner_name = url.removeprefix("https://github.com/")
    colab = f"colab/{stem}.ipynb" if (ROOT / "colab" / f"{stem}.ipynb").is_file() else f"book/{stem}.ipynb"
    assert f"https://mybinder.org/v2/gh/{owner_name}/{branch}?urlpath=lab/tree/book/{stem}.ipynb" in page
    assert f"https://colab.research.google.com/github/{owner_name}/blob/{branch}/{colab}" in page
    assert f'href="../_sources/book/{stem}.ipynb"' in page
    assert f'href="{url}"' in page


def test_a_diagram_in_a_closed_dropdown_is_drawn(fixture_book, browser):
    assert "book/intro.html" in book_pages(fixture_book)
    with serve(fixture_book) as base:
        context = new_context(browser)
        report = check_page(context, base + "book/intro.html", "book/intro.html", SHOTS / "fixture")
        context.close()
    assert not report.problems, "\n".join(report.problems)
    assert report.math >= 2 and report.mermaid == 2


def test_the_book_works_from_file_urls(book_html, fixture_book, browser):
    """Opened from disk with no server and no network: math, diagrams and the explorers still work."""
    chapter = _chapter_pages(book_html, 'class="mermaid', 'class="attn-explorer"', 'class="math')[0]
    context = new_context(browser)
    try:
        for html, page in ((book_html, chapter), (fixture_book, "book/intro.html")):
            report = check_page(context, (html / page).as_uri(), page, SHOTS / "file-urls")
            assert not report.problems, f"{page} from file://:\n  " + "\n  ".join(report.problems)
            assert report.math >= 1 and report.mermaid >= 1, page
            assert report.explorers_moved == report.explorers, page
        assert report.mermaid == 2  # the fixture's, one of them in the closed dropdown
    finally:
        context.close()


#: WCAG 2 relative luminance and contrast ratio of the card's text and of the chosen button's label.
_COLOURS = """card => {
  const linear = v => (v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(linear);
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const contrast = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
  const host = card.closest('.cell_output .text_html') || card.parentElement;
  const style = getComputedStyle(card), chosen = getComputedStyle(card.querySelector('input:checked + span'));
  return {background: lum(style.backgroundColor), text: contrast(style.color, style.backgroundColor),
          chosen: contrast(chosen.color, chosen.backgroundColor), host: getComputedStyle(host).backgroundColor};
}"""


@pytest.mark.parametrize(("theme", "width"), [("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390)])
def test_an_explorer_card_follows_the_theme_and_fits_a_phone(book_html, browser, theme, width):
    chapter = _chapter_pages(book_html, 'type="radio" class="explorer-control"')[0]  # a card with buttons
    context = new_context(browser)
    context.add_init_script(f"localStorage.setItem('theme', '{theme}'); localStorage.setItem('mode', '{theme}');")
    try:
        with serve(book_html) as base:
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(base + chapter, wait_until="load")
            assert page.evaluate("document.documentElement.dataset.theme") == theme
            card = page.locator('.attn-explorer[role="group"]:has(input[type="radio"])').first
            card.scroll_into_view_if_needed()
            colours = card.evaluate(_COLOURS)
            (SHOTS / "explorer-card").mkdir(parents=True, exist_ok=True)
            card.screenshot(path=str(SHOTS / "explorer-card" / f"{Path(chapter).stem}-{theme}-{width}.png"))
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            # dark: a dark card, not a light box around it (the theme's default for HTML outputs)
            assert colours["background"] < 0.05 if theme == "dark" else colours["background"] > 0.9
            assert colours["host"] in ("rgba(0, 0, 0, 0)", "transparent")
            assert colours["text"] >= 4.5 and colours["chosen"] >= 4.5, colours  # WCAG AA contrast
    finally:
        context.close()
