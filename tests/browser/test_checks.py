"""The browser checks catch what they claim to catch: a page broken on purpose fails each one."""

from __future__ import annotations

from .checks import book_pages, check_page, is_local, new_context, serve
from .conftest import SHOTS

PNG_1PX = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

BROKEN = f"""<!doctype html><html><head><meta charset="utf-8">
<script src="https://cdn.example.invalid/lib.js"></script>
<script>console.error("boom");</script>
</head><body>
<span class="math notranslate nohighlight">\\(x^2\\)</span>
<pre class="mermaid">flowchart LR
  A --> B</pre>
<img src="missing.png" alt="missing">
<script type="application/vnd.jupyter.widget-view+json">{{"model_id": "abc"}}</script>
<div>Loading widget...</div>
<div class="attn-explorer" id="e1">
  <label>k: <input type="range" class="explorer-control" min="0" max="2" value="1"><output>1</output></label>
  <img class="explorer-frame" src="{PNG_1PX}">
</div>
<div class="attn-explorer" id="e3" role="group" aria-label="Interactive: mute">
  <label>k: <input type="range" class="explorer-control" min="0" max="1" value="0"></label>
  <img class="explorer-frame" src="{PNG_1PX}" alt="k: a">
  <div aria-live="polite">k: a</div>
  <script>(function(){{var root=document.getElementById('e3');var frames=['{PNG_1PX}','{PNG_1PX}#b'];
  var el=root.querySelector('input');el.addEventListener('input',function(){{
  root.querySelector('img').src=frames[Number(el.value)];}});}})();</script>
</div>
</body></html>
"""

GOOD = f"""<!doctype html><html><head><meta charset="utf-8"></head><body>
<p>No math, no diagrams.</p>
<div class="attn-explorer" id="e2" role="group" aria-labelledby="e2-title">
  <p id="e2-title">Interactive: one control</p>
  <label>k: <input type="range" class="explorer-control" min="0" max="1" value="0"><output>a</output></label>
  <img class="explorer-frame" src="{PNG_1PX}" alt="A dot (k: a)">
  <div aria-live="polite">k: a</div>
  <script>(function(){{var root=document.getElementById('e2');var frames=['{PNG_1PX}','{PNG_1PX}#b'];
  var el=root.querySelector('input');el.addEventListener('input',function(){{
  var text=['a','b'][Number(el.value)];el.nextElementSibling.textContent=text;
  root.querySelector('[aria-live]').textContent='k: '+text;root.querySelector('img').alt='A dot (k: '+text+')';
  root.querySelector('img').src=frames[Number(el.value)];}});}})();</script>
</div>
</body></html>
"""


def test_a_broken_page_fails_every_check(tmp_path, browser):
    (tmp_path / "broken.html").write_text(BROKEN)
    with serve(tmp_path) as base:
        context = new_context(browser)
        report = check_page(context, base + "broken.html", "broken.html", SHOTS / "self-test", timeout_ms=4_000)
        context.close()
    text = "\n".join(report.problems)
    assert "request to another host (blocked): https://cdn.example.invalid/lib.js" in text
    assert "console error: boom" in text
    assert "math not typeset" in text
    assert "mermaid diagram not drawn as SVG" in text
    assert "HTTP 404" in text and "image did not load" in text
    assert "ipywidgets view(s) with no kernel-free HTML" in text
    assert "widget placeholder text on the page: 'Loading widget'" in text
    assert "explorer 0: moving the control did not change the figure" in text
    assert "explorer 0: no accessible name (aria-label, or aria-labelledby with text)" in text
    assert "explorer 0: no aria-live region announcing the frame's values" in text
    assert "explorer 1: no accessible name" not in text and "explorer 1: no aria-live" not in text
    assert "explorer 1: the values announced did not follow the control" in text
    assert "explorer 1: the figure's alt text does not describe the new frame ('k: a')" in text
    assert report.explorers == 2 and report.explorers_moved == 1


def test_a_good_page_passes_and_its_explorer_moves(tmp_path, browser):
    (tmp_path / "good.html").write_text(GOOD)
    with serve(tmp_path) as base:
        context = new_context(browser)
        report = check_page(context, base + "good.html", "good.html", SHOTS / "self-test")
        context.close()
    assert report.problems == []
    assert report.explorers == report.explorers_moved == 1


def test_page_discovery_and_locality(tmp_path):
    for name in ("index.html", "book/a.html", "_static/x.html", "_sources/y.html", "zh/book/a.html",
                 "zh/_static/x.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("<p></p>")
    assert book_pages(tmp_path) == ["book/a.html", "index.html", "zh/book/a.html"]
    assert is_local("http://127.0.0.1:8000/x") and is_local("data:image/png;base64,AA")
    assert not is_local("https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js")
