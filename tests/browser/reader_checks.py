"""What a reader sees of diagrams, search, Chinese text and figures on a phone (issue 13).

Called by :func:`tests.browser.checks.check_page` on every page:

- :func:`diagram_problems` at 1280 px: every mermaid diagram shown at >= 80 % of its natural width
  (or with its smallest text >= 11 px), and, in the light and in the dark mode, node text that stands
  out from the node's fill and node borders and arrows that stand out from the page (contrast >= 3);
- :func:`search_problems` at any width: exactly one search box or button on screen;
- :func:`chinese_problems`: every run of Chinese text inside an element tagged ``lang="zh-..."``;
- :func:`phone_zoom_problems` at 390 px: every figure is a link that opens it at full size
  (``_static/figure_zoom.js``), and the full-size view shows it at the width it was drawn for;
  no table of the prose (the glossary) runs off the screen (result tables scroll in their own box).
"""

from __future__ import annotations

from pathlib import Path

MIN_DIAGRAM_SCALE = 0.8
MIN_TEXT_PX = 11
MIN_CONTRAST = 3.0
_JS = (Path(__file__).with_name("reader_checks.js")).read_text()


def _call(page, name: str, *args):
    return page.evaluate(f"(args) => {{ {_JS}; return {name}(...args); }}", list(args))


def diagram_problems(page, timeout_ms: int = 10_000) -> list[str]:
    """Diagram size at the current width, then contrast in the light and in the dark mode."""
    if page.locator(".mermaid svg").count() == 0:
        return []
    problems = [f"diagram: {p}" for p in _call(page, "diagramSizes", MIN_DIAGRAM_SCALE, MIN_TEXT_PX)]
    original = page.evaluate("() => document.documentElement.dataset.theme || 'light'")
    for mode in ("light", "dark"):
        _set_mode(page, mode, timeout_ms)
        problems += [f"diagram in {mode} mode: {p}" for p in _call(page, "diagramContrast", MIN_CONTRAST)]
    _set_mode(page, original, timeout_ms)
    return problems


def _set_mode(page, mode: str, timeout_ms: int) -> None:
    """Switch the theme's mode like its toggle does, and wait for sphinxcontrib-mermaid to redraw."""
    if page.evaluate("() => document.documentElement.dataset.theme || 'light'") == mode:
        return
    page.evaluate("""(mode) => {
      window.__oldSvgs = Array.from(document.querySelectorAll('.mermaid svg'));
      document.documentElement.dataset.theme = mode;
    }""", mode)
    page.wait_for_function("""() => Array.from(document.querySelectorAll('.mermaid')).every(el => {
      const svg = el.querySelector('svg');
      return svg && !window.__oldSvgs.includes(svg) && el.getAttribute('data-processed') === 'true';
    })""", timeout=timeout_ms)


def search_problems(page) -> list[str]:
    """One search box or button in the page's chrome; none is fine only where the article is a search form."""
    if not page.locator(".search-button-field, .search-button, form.bd-search").count():
        return []  # not a page of the theme (the checks' own test pages)
    chrome, article = _call(page, "visibleSearch")
    width = page.viewport_size["width"] if page.viewport_size else "?"
    if len(chrome) > 1 or not (chrome or article):
        return [f"at {width} px: {len(chrome)} search boxes on screen, not one: {chrome}"]
    return []


def chinese_problems(page) -> list[str]:
    return [f"Chinese text without lang=zh: {text!r}" for text in _call(page, "untaggedChinese")]


def phone_zoom_problems(page) -> list[str]:
    """At the current (phone) width: figures open at full size with a tap; tables fit the screen."""
    problems = [f"table wider than the screen: {t}" for t in _call(page, "tablesOffScreen")]
    figures = page.locator("main a.figure-zoom img")
    problems += [f"figure that a tap does not open: {alt}" for alt in _call(page, "unzoomableFigures")]
    if figures.count() == 0:
        return problems
    first = figures.first
    first.scroll_into_view_if_needed()
    drawn = first.evaluate("img => parseFloat(img.style.width) || img.naturalWidth")
    first.click()  # what a tap on a phone fires
    view = page.locator("dialog.figure-zoom-view[open] img")
    try:
        view.wait_for(state="visible", timeout=3_000)
        view.evaluate("img => img.decode()")
    except Exception:  # noqa: BLE001 - reported as a problem
        return problems + ["tapping a figure did not open it at full size"]
    shown = view.evaluate("img => img.getBoundingClientRect().width")
    if abs(shown - drawn) > 1:
        problems.append(f"full-size figure shown {shown:.0f} px wide, drawn for {drawn:.0f} px")
    page.keyboard.press("Escape")
    if page.locator("dialog.figure-zoom-view[open]").count():
        problems.append("the full-size figure did not close with Escape")
    return problems
