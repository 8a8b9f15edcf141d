"""Sphinx extension: the rendered book loads nothing from another host.

Loaded through ``sphinx.local_extensions`` in ``_config.yml``. It

* copies MathJax 3 and mermaid into ``_build/html/_static/vendor/``. Both come
  from the npm registry, pinned by ``tools/web/package-lock.json`` and
  installed into ``tools/web/node_modules`` by ``tools/fetch_web_assets.py``
  (``make book`` runs it). ``_config.yml`` points ``mathjax_path`` and
  ``mermaid_use_local`` at the copies. The theme's fonts (FontAwesome) already
  ship in ``_static``; page text uses the system font stack.
* loads mermaid as a classic script. sphinxcontrib-mermaid imports it as an ES
  module, which Chromium refuses to load from ``file://`` (CORS), so a reader
  who opens ``_build/html/index.html`` from disk would get no diagrams. The
  inline module's ``import mermaid from "..."`` becomes
  ``const mermaid = window.mermaid`` after ``mermaid.min.js`` (UMD).
* removes repeated inline ``<script>`` blocks. Sphinx 7.4 keeps two copies of
  an inline script added both to the registry and to the builder (one with
  filename ``None``, one with ``""``, so its de-duplication misses them), and
  sphinx-thebe's ``const THEBE_JS_URL = ...`` then throws
  ``Identifier 'THEBE_JS_URL' has already been declared`` on every page.
* drops embedded ipywidgets state. The book shows each explorer's kernel-free
  HTML (``nb_mime_priority_overrides``); the saved widget state would only make
  myst-nb load require.js and the widget manager from a CDN to draw a second,
  frozen copy of the figure. ``tools/build_book.py`` already executes with
  ``store_widget_state=False``; this covers notebooks myst-nb executes itself.
* fails the build (a warning, and the book is built with ``-W``) if a page
  would still load a script or stylesheet from another host.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

WEB = Path(__file__).resolve().parent / "web"
NODE_MODULES = WEB / "node_modules"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

#: npm package -> the files/folders the pages load, copied to _static/vendor/<package>/ without
#: their first path component (es5/tex-chtml.js -> vendor/mathjax/tex-chtml.js).
ASSETS: dict[str, list[str]] = {
    "mathjax": ["es5/tex-chtml.js", "es5/input", "es5/output/chtml", "es5/ui", "es5/a11y", "es5/sre", "es5/adaptors"],
    "mermaid": ["dist/mermaid.min.js"],
}
MERMAID_JS = "vendor/mermaid/mermaid.min.js"
EXTERNAL_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*["'](?:https?:)?//""")
MERMAID_IMPORT = re.compile(r"""import\s+mermaid\s+from\s+(?:"[^"]*"|'[^']*')\s*;?""")


def pinned_versions() -> dict[str, str]:
    """The exact versions tools/web/package.json asks for."""
    return json.loads((WEB / "package.json").read_text())["dependencies"]


def _package_version(package: Path) -> str | None:
    manifest = package / "package.json"
    return json.loads(manifest.read_text())["version"] if manifest.exists() else None


def check_assets(app: Sphinx) -> None:
    """Refuse to build when the pinned npm packages are missing or at another version."""
    if app.builder.format != "html":
        return
    pins = pinned_versions()
    for name in ASSETS:
        version = pins[name]
        found = _package_version(NODE_MODULES / name)
        if found != version:
            raise RuntimeError(
                f"sphinx_offline: npm package {name}@{version} is needed in {NODE_MODULES} "
                f"(found {found}); run `make book` or `.venv/bin/python tools/fetch_web_assets.py`"
            )


def _copy_tree(source: Path, target: Path) -> int:
    """Copy files (no source maps), skipping those already identical by size and mtime."""
    copied = 0
    files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
    for path in files:
        if path.suffix == ".map":
            continue
        dest = target if source.is_file() else target / path.relative_to(source)
        stat = path.stat()
        if dest.exists() and dest.stat().st_size == stat.st_size and dest.stat().st_mtime == stat.st_mtime:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        copied += 1
    return copied


def copy_assets(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    vendor = Path(app.outdir) / "_static" / "vendor"
    copied = 0
    for name, parts in ASSETS.items():
        for part in parts:
            relative = Path(*Path(part).parts[1:])
            copied += _copy_tree(NODE_MODULES / name / part, vendor / name / relative)
    logger.info(f"sphinx_offline: {copied} vendored asset file(s) copied to {vendor}")


def _script_key(script: Any) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    attributes = getattr(script, "attributes", {}) or {}
    return (
        str(getattr(script, "filename", script) or ""),  # Sphinx stores inline scripts as None or ""
        str(attributes.get("body", "")),
        tuple(sorted((k, str(v)) for k, v in attributes.items() if k not in {"body", "priority"})),
    )


def clean_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if scripts is not None:
        seen: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
        kept = []
        uses_mermaid = False
        for script in scripts:
            attributes = getattr(script, "attributes", {}) or {}
            if attributes.get("type") == WIDGET_STATE:
                continue  # frozen widget state: the explorer's HTML view is shown instead
            body = attributes.get("body", "")
            if attributes.get("type") == "module" and MERMAID_IMPORT.search(body):
                if doctree is None:
                    continue  # genindex, search: sphinxcontrib-mermaid adds it to pages it cannot inspect
                body = MERMAID_IMPORT.sub("const mermaid = window.mermaid;", body, count=1)
                script = type(script)(script.filename, priority=script.priority, **{**attributes, "body": body})
                uses_mermaid = True
            key = _script_key(script)
            if key in seen:
                continue
            seen.add(key)
            kept.append(script)
        scripts[:] = kept
        if uses_mermaid:  # a classic script runs before every (deferred) module script
            app.add_js_file(MERMAID_JS, priority=100)
    for kind in ("script_files", "css_files"):
        for asset in context.get(kind) or []:
            url = str(getattr(asset, "filename", asset) or "")
            body = str((getattr(asset, "attributes", {}) or {}).get("body", ""))
            if MERMAID_IMPORT.search(body) or EXTERNAL_IMPORT.search(body):
                url = "(inline script) " + body[:100]
            if url.startswith(("http://", "https://", "//", "(")):
                logger.warning(
                    f"sphinx_offline: page {pagename!r} would load {url} from another host; "
                    "serve it from _static instead (see tools/sphinx_offline.py)",
                    location=pagename,
                )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", check_assets)
    # After other extensions have added their per-page assets (myst-nb uses the default 500).
    app.connect("html-page-context", clean_page, priority=900)
    app.connect("build-finished", copy_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
