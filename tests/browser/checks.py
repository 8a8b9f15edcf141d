"""What a reader's browser must see on every page of the built book.

Used by the browser tests: serve a built ``_build/html`` on 127.0.0.1, open each
page in headless Chromium with every request outside localhost refused unsent, and
collect what went wrong (console errors, failed or external requests, untypeset
math, undrawn mermaid diagrams, widget placeholders, broken images, explorers
that have no accessible name or live region or do not respond: ``explorer_checks.py``).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .explorer_checks import accessibility_problems, move_explorer
from .layout import desktop_problems, phone_problems
from .reader_checks import chinese_problems, diagram_problems, phone_zoom_problems, search_problems

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--no-first-run", "--disable-extensions", "--mute-audio",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
#: Text a widget front end shows when it has no kernel or no widget manager.
WIDGET_PLACEHOLDERS = re.compile(
    r"Loading widget|Error displaying widget|Failed to display Jupyter Widget|model not found|Error rendering output",
    re.IGNORECASE,
)
#: ``BOOK_SCREENSHOTS=full``: save each page whole (a tall page takes seconds to capture), not its first screen.
FULL_SCREENSHOTS = os.environ.get("BOOK_SCREENSHOTS", "").lower() == "full"
#: ``wait_for_function`` checks its condition every POLL_MS, not on every animation frame (playwright's default),
#: which would keep Chromium drawing 60 frames a second for as long as the wait lasts.
POLL_MS = 100
#: Not pages of the book: Sphinx's own folders in the output.
NON_PAGE_DIRS = {"_static", "_sources", "_images", "reports", "_downloads"}


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def book_pages(html: Path) -> list[str]:
    """Every HTML page of the built book, as paths relative to ``html``."""
    pages = []
    for path in sorted(html.rglob("*.html")):
        relative = path.relative_to(html)
        if NON_PAGE_DIRS & set(relative.parts[:-1]):  # also zh/_static/... of the Chinese edition
            continue
        pages.append(relative.as_posix())
    return pages


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript", ".mjs": "text/javascript", ".woff": "font/woff", ".woff2": "font/woff2",
        ".svg": "image/svg+xml", ".json": "application/json",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep the test output quiet
        pass

    def send_head(self):
        """``/favicon.ico``, when the site has none, is "204 No Content": Chromium asks every site for it (once
        per context, and not while playwright routes requests), and the book declares no icon."""
        if self.path.split("?")[0] == "/favicon.ico" and not Path(self.directory, "favicon.ico").is_file():
            self.send_response(204)
            self.end_headers()
            return None
        return super().send_head()


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(_Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class PageReport:
    page: str
    problems: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    math: int = 0
    mermaid: int = 0
    explorers: int = 0
    explorers_moved: int = 0
    images: int = 0
    screenshot: Path | None = None


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    if parts.scheme == "file":
        return True
    return parts.hostname in LOCAL_HOSTS


@functools.cache
def _nowhere() -> socket.socket:
    """A TCP port on 127.0.0.1 that is bound but not listening, so that every connection to it is refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock  # kept open (and so bound) for the life of the process


def new_context(browser):
    """A browser context in which no request leaves this machine, and every request that tries is listed.

    Requests to other hosts go to a proxy that refuses every connection (``_nowhere``): they fail without
    being sent. The context lists them in ``context.blocked``. Playwright's request routing would block them
    too, but it turns the browser's HTTP cache off, so every page would fetch MathJax, the fonts and the
    theme again (4-7 MB a page).
    """
    proxy = {"server": f"http://127.0.0.1:{_nowhere().getsockname()[1]}", "bypass": "127.0.0.1,localhost,[::1]"}
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block", proxy=proxy)
    blocked: list[str] = []
    context.on("request", lambda request: None if is_local(request.url) else blocked.append(request.url))
    context.blocked = blocked  # type: ignore[attr-defined]
    return context


_EXPAND = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-button.toggle-button-hidden').forEach(b => b.click());
}"""

#: A reader's scroll from top to bottom, one screen at a time. Each position is drawn (two animation frames:
#: scroll events, then intersection observers, i.e. lazy images and lazy renderers, see it) before the next.
_SCROLL = """async () => {
  // two frames, or half a second if the page draws none (a page the browser stops drawing must not hang here)
  const frame = () => new Promise(r => { requestAnimationFrame(() => requestAnimationFrame(r)); setTimeout(r, 500); });
  const step = Math.max(200, window.innerHeight - 100);
  for (let y = 0; y < document.body.scrollHeight; y += step) {
    window.scrollTo(0, y);
    await frame();
  }
  window.scrollTo(0, 0);
  await frame();
}"""

_MATH = """async () => {
  const nodes = Array.from(document.querySelectorAll('.math'));
  if (nodes.length === 0) return {count: 0, missing: [], errors: []};
  if (!window.MathJax || !window.MathJax.startup) {
    return {count: nodes.length, missing: ['MathJax not loaded'], errors: []};
  }
  await window.MathJax.startup.promise;
  const missing = nodes.filter(n => !n.querySelector('mjx-container')).map(n => n.textContent.slice(0, 60));
  const errors = Array.from(document.querySelectorAll('mjx-merror')).map(n => n.textContent.slice(0, 80));
  return {count: nodes.length, missing, errors};
}"""

_MERMAID = """() => Array.from(document.querySelectorAll('.mermaid')).map(el => ({
  svg: !!el.querySelector('svg'),
  processed: el.getAttribute('data-processed'),
  failed: el.hasAttribute('data-mermaid-render-failed') || /Syntax error|Parse error/i.test(el.textContent),
  text: el.textContent.slice(0, 60),
}))"""

_IMAGES = """() => Array.from(document.images).map(img => ({
  src: img.currentSrc.slice(0, 80), complete: img.complete, width: img.naturalWidth,
}))"""

_WIDGETS = """() => ({
  views: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
  state: document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]').length,
  requirejs: Array.from(document.scripts).filter(s => /require(\\.min)?\\.js|embed-amd/.test(s.src)).length,
  text: document.body.innerText,
})"""


def check_page(context, url: str, page_name: str, shots: Path, timeout_ms: int = 20_000) -> PageReport:
    """Open one page and return everything a reader would find wrong with it."""
    report = PageReport(page_name)
    page = context.new_page()
    problems = report.problems
    pending: set = set()  # requests sent and not yet answered or failed (_settle waits for none)
    page.on("request", lambda r: pending.add(r))
    page.on("requestfinished", lambda r: pending.discard(r))
    page.on("requestfailed", lambda r: pending.discard(r))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"uncaught exception: {e}"))
    page.on("requestfailed", lambda r: None if not is_local(r.url) else problems.append(
        f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    before = len(context.blocked)
    try:
        page.goto(url, wait_until="load", timeout=timeout_ms)
        _follow_refresh(page, url, timeout_ms)
        _settle(page, pending)
        page.evaluate(_EXPAND)
        page.evaluate(_SCROLL)

        math = page.evaluate(_MATH)
        report.math = math["count"]
        problems += [f"math not typeset: {m!r}" for m in math["missing"]]
        problems += [f"MathJax error: {m!r}" for m in math["errors"]]

        if page.locator(".mermaid").count():
            try:
                page.wait_for_function(
                    "() => Array.from(document.querySelectorAll('.mermaid')).every("
                    "el => el.querySelector('svg') || el.hasAttribute('data-mermaid-render-failed'))",
                    timeout=timeout_ms, polling=POLL_MS,
                )
            except Exception:  # noqa: BLE001 - reported per diagram below
                pass
        diagrams = page.evaluate(_MERMAID)
        report.mermaid = len(diagrams)
        undrawn = [d for d in diagrams if not d["svg"] or d["failed"]]
        problems += [f"mermaid diagram not drawn as SVG: {d['text']!r}" for d in undrawn]

        widgets = page.evaluate(_WIDGETS)
        if widgets["views"]:
            problems.append(f"{widgets['views']} ipywidgets view(s) with no kernel-free HTML (they need a kernel)")
        if widgets["state"] or widgets["requirejs"]:
            problems.append("embedded widget state / widget manager scripts on the page")
        if placeholder := WIDGET_PLACEHOLDERS.search(widgets["text"]):
            problems.append(f"widget placeholder text on the page: {placeholder.group(0)!r}")

        _settle(page, pending)
        try:
            page.wait_for_function("() => Array.from(document.images).every(i => i.complete)", timeout=timeout_ms,
                                   polling=POLL_MS)
        except Exception:  # noqa: BLE001 - the unfinished images are reported below
            pass
        images = page.evaluate(_IMAGES)
        report.images = len(images)
        problems += [f"image did not load: {i['src']}" for i in images if not i["complete"] or i["width"] == 0]

        problems += desktop_problems(page)  # figures, outputs and titles at 1280 px (tests/browser/layout.py)
        problems += diagram_problems(page) + search_problems(page) + chinese_problems(page)  # reader_checks.py

        report.explorers = page.locator(".attn-explorer").count()
        shots.mkdir(parents=True, exist_ok=True)
        stem = page_name.replace("/", "__").removesuffix(".html")
        report.screenshot = shots / f"{stem}.jpg"  # the first screen, or the whole page (JPEG: half PNG's time)
        page.screenshot(path=str(report.screenshot), full_page=FULL_SCREENSHOTS, type="jpeg", quality=70)
        for index in range(report.explorers):
            problems += accessibility_problems(page, index)
            if move_explorer(page, index, problems):
                report.explorers_moved += 1
                explorer = page.locator(".attn-explorer").nth(index)
                explorer.screenshot(path=str(shots / f"{stem}__explorer{index}-moved.png"))
        problems += phone_problems(page)  # last: it resizes the page
        problems += search_problems(page) + phone_zoom_problems(page)
        page.screenshot(path=str(shots / f"{stem}__phone.png"), full_page=False)
        _settle(page, pending)  # a late request's failure is reported, not cut off by closing the page
    except Exception as error:  # noqa: BLE001 - a page that cannot be checked is a failure
        problems.append(f"page could not be checked: {type(error).__name__}: {error}")
    finally:
        page.close()
    report.blocked = context.blocked[before:]
    problems += [f"request to another host (blocked): {u}" for u in report.blocked]
    return report


def _follow_refresh(page, url: str, timeout_ms: int) -> None:
    """A redirect page (``<meta http-equiv="refresh">``, the root index.html) is checked where it leads."""
    try:
        redirect = page.url != url or page.evaluate("() => !!document.querySelector('meta[http-equiv=refresh i]')")
    except Exception:  # noqa: BLE001 - the page navigated away while being looked at: a redirect
        redirect = True
    if redirect:
        page.wait_for_url(lambda now: now != url, wait_until="load", timeout=timeout_ms)


def _settle(page, pending: set, timeout_ms: int = 3_000) -> None:
    """Wait until the page's fonts are loaded and none of its requests is still unanswered (fonts, lazy chunks).

    Best effort: a page still busy after ``timeout_ms`` is checked as it is (the checks do their own waiting).
    """
    deadline = time.monotonic() + timeout_ms / 1000
    try:
        page.evaluate("ms => Promise.race([document.fonts.ready, new Promise(r => setTimeout(r, ms))])", timeout_ms)
        while pending and time.monotonic() < deadline:
            page.wait_for_timeout(20)  # lets playwright deliver the requests' events
    except Exception:  # noqa: BLE001 - best effort only: the checks below do their own waiting
        pass
