"""reader_checks.py catches what it claims to: a page made wrong on purpose fails each check, a good one passes."""

from __future__ import annotations

import shutil

from tools.sphinx_offline import NODE_MODULES

from .checks import new_context, serve
from .conftest import ROOT
from .reader_checks import chinese_problems, diagram_problems, phone_zoom_problems, search_problems

#: sphinxcontrib-mermaid's behaviour reduced to what the checks rely on: draw once, redraw on a mode change.
MERMAID_PAGE = """<!doctype html><html data-theme="light"><head><meta charset="utf-8">
<script src="mermaid.min.js"></script>
<style>html[data-theme=dark] body {{background: #121212; color: #ced6dd}} {style}</style></head><body>
<div class="search-button-field" style="width:80px;height:20px">Search</div>{extra}
<main><pre class="mermaid">flowchart LR
  A["a rather long label for a node"] --> B["another long label"] --> C["and a third one"]
  C --> D["a fourth box"] --> E["the end of a wide diagram"]
  class A ghost
  classDef ghost {ghost}</pre>
<p>术语表 is the glossary.{tagged}</p>
<table class="table"><tr><td>{cell}</td><td>{cell}</td></tr></table>
{figure}</main>
<script>{zoom}
const draw = async () => {{
  const dark = document.documentElement.dataset.theme === 'dark';
  mermaid.initialize({{startOnLoad: false, theme: dark ? 'dark' : 'default', flowchart: {{useMaxWidth: false}}}});
  const el = document.querySelector('.mermaid');
  if (!el.dataset.src) el.dataset.src = el.textContent;
  else {{ el.removeAttribute('data-processed'); el.textContent = el.dataset.src; }}
  await mermaid.run({{nodes: [el]}});
}};
draw();
new MutationObserver(draw).observe(document.documentElement, {{attributes: true, attributeFilter: ['data-theme']}});
</script></body></html>"""

BAD = dict(style="body{width:600px} pre.mermaid > svg {width:100% !important;height:auto}"
                 " html[data-theme=dark] pre.mermaid > svg {filter: invert(.82)}",  # as pydata-sphinx-theme does
           extra='<div class="search-button-field" style="width:80px;height:20px">Search again</div>',
           ghost="fill:#1e1e1e,color:#333333,stroke:#1a1a1a", tagged="", cell="x" * 120,
           figure='<div class="cell_output"><img alt="a plot" src="figure.png"></div>', zoom="")
GOOD = dict(style="pre.mermaid > svg {width:auto !important;height:auto !important;max-width:100% !important}",
            extra="", ghost="fill:#D55E0026,stroke:#D55E00,stroke-width:2px", tagged="", cell="short",
            figure='<div class="cell_output"><img alt="a plot" src="figure.png" style="width: 80px"></div>',
            zoom=(ROOT / "_static" / "figure_zoom.js").read_text())


def write_site(tmp_path, name: str, fields: dict) -> None:
    shutil.copy(NODE_MODULES / "mermaid" / "dist" / "mermaid.min.js", tmp_path / "mermaid.min.js")
    from PIL import Image

    Image.new("RGB", (160, 100), "white").save(tmp_path / "figure.png")
    page = MERMAID_PAGE.format(**fields)
    if name == "good":
        page = page.replace("<p>术语表 is", '<p><span lang="zh-Hans">术语表</span> is')
    (tmp_path / f"{name}.html").write_text(page)


def run_checks(browser, tmp_path, name: str) -> list[str]:
    with serve(tmp_path) as base:
        context = new_context(browser)
        page = context.new_page()
        page.goto(base + f"{name}.html")
        page.wait_for_function("() => document.querySelector('.mermaid svg')", timeout=10_000)
        problems = diagram_problems(page) + search_problems(page) + chinese_problems(page)
        page.set_viewport_size({"width": 390, "height": 844})
        problems += phone_zoom_problems(page)
        context.close()
    return problems


def test_a_bad_page_fails_every_reader_check(tmp_path, browser):
    write_site(tmp_path, "bad", BAD)
    text = "\n".join(run_checks(browser, tmp_path, "bad"))
    assert "diagram: diagram 0 shown at" in text
    assert "diagram in light mode: diagram 0: node text on its fill contrast" in text
    assert "diagram in dark mode: diagram 0: node text on its fill contrast" in text
    assert "diagram in dark mode: diagram 0: node border on the page" in text
    assert "diagram in dark mode: diagram 0: drawn through a CSS filter (invert(0.82))" in text
    assert "2 search boxes on screen" in text
    assert "Chinese text without lang=zh: '术语表 is the glossary.'" in text
    assert "table wider than the screen" in text
    assert "figure that a tap does not open: a plot" in text


def test_a_good_page_passes_and_its_figure_opens_at_its_drawn_size(tmp_path, browser):
    write_site(tmp_path, "good", GOOD)
    assert run_checks(browser, tmp_path, "good") == []
