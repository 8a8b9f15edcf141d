"""The layout checks (tests/browser/layout.py) catch what they claim: each fails on a page broken on purpose."""

from __future__ import annotations

from .checks import new_context, serve
from .layout import desktop_problems, phone_problems

WIDE_PNG = (  # 4 x 1 px PNG
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAABCAYAAAD5PA/NAAAAEUlEQVR42mNk+M9Qz0AEYBxVCAAnWQL9ZmgcngAAAABJRU5ErkJggg=="
)

BROKEN = f"""<!doctype html><html><head><meta charset="utf-8"><title>softmax(QK^T/sqrt(d_k))</title></head>
<body style="margin:0"><main style="width:400px"><article style="width:400px">
<h1>The scale d_k</h1>
<img src="{WIDE_PNG}" style="width:800px;max-width:100%" alt="A wide figure">
<img src="{WIDE_PNG}" style="width:100px" alt="_images/figure.png">
<div class="cell_output"><pre style="overflow-x:auto">{"x" * 300}</pre></div>
<div class="cell_output"><table><caption>Results</caption><tr><td style="white-space:nowrap">{"y" * 200}</td></tr>
</table></div>
<div style="width:900px">a banner wider than a phone</div>
<div class="cell_output tag_allow-scroll"><pre style="overflow-x:auto">{"z" * 300}</pre></div>
</article></main></body></html>
"""

GOOD = f"""<!doctype html><html><head><meta charset="utf-8"><title>The scale</title></head>
<body style="margin:0"><main style="width:380px"><article style="width:380px">
<h1>The scale <code>d_k</code></h1>
<img src="{WIDE_PNG}" style="width:300px;max-width:100%" alt="A small figure">
<div class="cell_output"><pre style="white-space:pre-wrap">{"x " * 150}</pre></div>
<div class="cell_output"><table><caption>Results</caption><tr><td>a</td><td>b</td></tr></table></div>
</article></main></body></html>
"""


def _problems(tmp_path, browser, html: str) -> tuple[list[str], list[str]]:
    (tmp_path / "page.html").write_text(html)
    with serve(tmp_path) as base:
        context = new_context(browser)
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(base + "page.html")
        desktop = desktop_problems(page)
        phone = phone_problems(page)
        context.close()
    return desktop, phone


def test_a_broken_layout_fails_every_check(tmp_path, browser):
    desktop, phone = _problems(tmp_path, browser, BROKEN)
    text = "\n".join(desktop)
    assert "figure shown at 50% of its drawn width: A wide figure" in text
    assert "image without real alt text" in text
    assert "output wider than the column" in text and "xxxx" in text
    assert "zzzz" not in text  # tagged allow-scroll
    assert "result table wider than the column" in text and "Results" in text
    assert "TeX in page title: softmax(QK^T/sqrt(d_k))" in text
    assert "TeX in h1: The scale d_k" in text
    assert any("page scrolls sideways at 390 px" in p for p in phone)


def test_a_good_layout_passes(tmp_path, browser):
    desktop, phone = _problems(tmp_path, browser, GOOD)
    assert desktop == [] and phone == []
