"""A tiny book with every feature the chapters use, built with the real configuration and tools.

Until the chapters are merged the real book has no explorer and no diagram; this fixture book
(written to a temporary folder, never committed as a chapter) has math, mermaid diagrams (one
inside a closed dropdown), a matplotlib figure and an explorer, built by tools/build_book.py with
the repository's _config.yml and tools/. It checks the build pipeline (parallel cached
execution, no widget state, vendored assets) and the browser checks themselves, over http and
from file:// (a reader opening _build/html/index.html from disk, offline).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from .checks import book_pages, check_page, new_context, serve
from .conftest import ROOT, SHOTS, build_book

TOC = """format: jb-book
root: book/intro
chapters:
  - file: book/explore
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

CELLS = [
    ("markdown", "# Fixture explorer\n\nThe scores $e_{ij} = q_i \\cdot k_j / \\sqrt{d_k}$ below."),
    ("code", "import matplotlib.pyplot as plt\nimport numpy as np\n\nfrom attn_course.plots import Explorer"),
    ("code", "fig, ax = plt.subplots(figsize=(3, 2))\nax.plot(np.arange(5) ** 2)\nplt.show()"),
    (
        "code",
        "def draw(fig, scale):\n"
        "    ax = fig.subplots()\n"
        "    x = np.linspace(0, 6, 50)\n"
        "    ax.plot(x, np.sin(scale * x))\n"
        "    ax.set_title(f'scale = {scale}')\n\n"
        "Explorer(draw, {'scale': [0.5, 1.0, 2.0]}, figsize=(4, 2.5))",
    ),
    # The finished card: buttons for a category, a play button on a step, live numbers, a live-only control.
    (
        "code",
        "TOKENS = ['the', 'cat', 'sat']\n"
        "SCORES = np.array([[2.0, 0.5, -1.0], [0.3, 2.5, 1.0], [-0.5, 1.2, 1.8]])\n\n\n"
        "def weights(query, temperature, step):\n"
        "    scores = SCORES[query] * step / 3 / temperature\n"
        "    return np.exp(scores) / np.exp(scores).sum()\n\n\n"
        "def draw_weights(fig, query, temperature, step, uniform):\n"
        "    ax = fig.subplots()\n"
        "    ax.bar(TOKENS, weights(query, temperature, step), color='tab:orange')\n"
        "    if uniform:\n"
        "        ax.axhline(1 / 3, color='0.5', ls='--')\n"
        "    ax.set(ylim=(0, 1), xlabel='key', ylabel='weight',\n"
        "           title=f'query {TOKENS[query]!r}, T = {temperature:g}')\n\n\n"
        "Explorer(\n"
        "    draw_weights, {'query': [0, 1, 2], 'temperature': [0.5, 1.0, 2.0], 'step': [1, 2, 3, 4], "
        "'uniform': [True, False]},\n"
        "    title='Weights of one query', labels={'temperature': 'temperature T', 'uniform': 'uniform line'},\n"
        "    kinds={'query': 'buttons'}, value_labels={'query': TOKENS}, play='step',\n"
        "    static=['query', 'temperature', 'step'], initial={'temperature': 1.0},\n"
        "    readout=lambda p: dict(zip(TOKENS, weights(p['query'], p['temperature'], p['step']).round(3))),\n"
        "    describe=lambda p: f\"The largest weight is on {TOKENS[int(weights(p['query'], p['temperature'], "
        "p['step']).argmax())]!r}.\",\n"
        "    figsize=(4, 2.6),\n"
        ")",
    ),
]


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
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src)
        for kind, src in CELLS
    ]
    for cell in nb.cells:  # every figure in the book has alt text (tests/browser/layout.py checks it)
        if "plt.subplots" in cell.source:
            cell.metadata["mystnb"] = {"image": {"alt": "A line plot of the squares of 0 to 4."}}
    nbformat.write(nb, root / "book" / "explore.ipynb")
    return build_book(root)


def test_fixture_build_executes_without_widget_state(fixture_book):
    page = (fixture_book / "book" / "explore.html").read_text()
    assert 'class="attn-explorer"' in page
    assert "widget-state+json" not in page and "require.min.js" not in page and "embed-amd" not in page
    assert (fixture_book / "_static" / "vendor" / "mathjax" / "tex-chtml.js").exists()
    assert (fixture_book / "_static" / "vendor" / "mermaid" / "mermaid.min.js").exists()


def test_fixture_notebook_page_has_launch_and_download_buttons(fixture_book):
    page = (fixture_book / "book" / "explore.html").read_text()
    repository = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]  # the URL is defined there only
    url, branch = repository["url"].rstrip("/"), repository["branch"]
    owner_name = url.removeprefix("https://github.com/")
    assert f"https://mybinder.org/v2/gh/{owner_name}/{branch}?urlpath=lab/tree/book/explore.ipynb" in page
    assert f"https://colab.research.google.com/github/{owner_name}/blob/{branch}/book/explore.ipynb" in page
    assert 'href="../_sources/book/explore.ipynb"' in page
    assert f'href="{url}"' in page


def test_fixture_pages_render_offline_and_explorer_responds(fixture_book, browser):
    pages = book_pages(fixture_book)
    assert {"book/intro.html", "book/explore.html"} <= set(pages)
    with serve(fixture_book) as base:
        context = new_context(browser)
        reports = {page: check_page(context, base + page, page, SHOTS / "fixture") for page in pages}
        context.close()
    problems = [f"{page}: {p}" for page, report in reports.items() for p in report.problems]
    assert not problems, "\n".join(problems)
    intro, explore = reports["book/intro.html"], reports["book/explore.html"]
    assert intro.math >= 2 and intro.mermaid == 2
    assert explore.math >= 1 and explore.images >= 2
    assert explore.explorers == 2 and explore.explorers_moved == 2


def test_fixture_book_works_from_file_urls(fixture_book, browser):
    """Opened from disk with no server and no network: math, diagrams and the explorer still work."""
    context = new_context(browser)
    try:
        for page in ("book/intro.html", "book/explore.html"):
            report = check_page(context, (fixture_book / page).as_uri(), page, SHOTS / "fixture-file")
            assert not report.problems, f"{page} from file://:\n  " + "\n  ".join(report.problems)
            assert report.math >= 1
        assert report.explorers_moved == 2
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
def test_fixture_explorer_card_follows_the_theme_and_fits_a_phone(fixture_book, browser, theme, width):
    context = new_context(browser)
    context.add_init_script(f"localStorage.setItem('theme', '{theme}'); localStorage.setItem('mode', '{theme}');")
    try:
        with serve(fixture_book) as base:
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(base + "book/explore.html", wait_until="load")
            assert page.evaluate("document.documentElement.dataset.theme") == theme
            card = page.get_by_role("group", name="Interactive: Weights of one query")
            colours = card.evaluate(_COLOURS)
            card.screenshot(path=str(SHOTS / "fixture" / f"explorer-card-{theme}-{width}.png"))
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            # dark: a dark card, not a light box around it (the theme's default for HTML outputs)
            assert colours["background"] < 0.05 if theme == "dark" else colours["background"] > 0.9
            assert colours["host"] in ("rgba(0, 0, 0, 0)", "transparent")
            assert colours["text"] >= 4.5 and colours["chosen"] >= 4.5, colours  # WCAG AA contrast
    finally:
        context.close()
