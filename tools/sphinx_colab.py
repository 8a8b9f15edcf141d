"""Sphinx extension: a chapter's Colab launch button opens its Colab edition.

Loaded through ``sphinx.local_extensions`` in ``_config.yml``. sphinx-book-theme builds the Colab URL
from ``repository`` in ``_config.yml`` as ``{colab_url}/github/{org}/{repo}/blob/{branch}/{path}``, with
``path`` the page's own notebook (``book/04_formula.ipynb``). Colab has no MyST renderer, so this points the
button at the chapter's Colab edition (``colab/04_formula.ipynb``, written by ``tools/colab_edition.py``:
solutions folded, citations and references as text and links) where one is committed. Every other page,
and every other launch button (Binder opens JupyterLab, which renders MyST), is left as the theme made it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

#: The folder, relative to the repository root, that holds one Colab edition per chapter.
EDITION_DIR = "colab"


def edition_path(docname: str) -> str:
    """The Colab edition of the page ``docname`` (``book/04_formula`` -> ``colab/04_formula.ipynb``)."""
    return f"{EDITION_DIR}/{Path(docname).name}.ipynb"


def point_colab_at_edition(context: dict[str, Any], docname: str, root: Path) -> bool:
    """Rewrite the Colab button in ``context["header_buttons"]``; True if there was one to rewrite."""
    edition = edition_path(docname)
    if not (root / edition).is_file():
        return False
    changed = False
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            url = button.get("url", "")
            if button.get("text") == "Colab" and url.endswith(f"/{docname}.ipynb"):
                button["url"] = url.removesuffix(f"{docname}.ipynb") + edition
                changed = True
    return changed


def _on_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    point_colab_at_edition(context, pagename, Path(app.srcdir))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _on_page, priority=900)  # after sphinx-book-theme's buttons (501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
