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
    assert explore.explorers == 1 and explore.explorers_moved == 1


def test_fixture_book_works_from_file_urls(fixture_book, browser):
    """Opened from disk with no server and no network: math, diagrams and the explorer still work."""
    context = new_context(browser)
    try:
        for page in ("book/intro.html", "book/explore.html"):
            report = check_page(context, (fixture_book / page).as_uri(), page, SHOTS / "fixture-file")
            assert not report.problems, f"{page} from file://:\n  " + "\n  ".join(report.problems)
            assert report.math >= 1
        assert report.explorers_moved == 1
    finally:
        context.close()
