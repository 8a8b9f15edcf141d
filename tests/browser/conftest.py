"""Fixtures for the browser tests: headless Debian Chromium through playwright."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .checks import CHROMIUM_ARGS, find_chromium

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "_build" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    chromium = find_chromium()
    if chromium is None:
        pytest.skip(
            "Chromium is not installed, so the rendered book cannot be checked in a browser: "
            "`apt-get install -y chromium` (.ci/run does this), or set CHROMIUM=/path/to/chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def build_book(root: Path) -> Path:
    """Build the book in ``root`` with tools/build_book.py; fail with its output if it fails."""
    cmd = [sys.executable, "-m", "tools.build_book", "--root", str(root)]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if result.returncode != 0:
        output = f"{result.stdout[-20000:]}\n{result.stderr[-5000:]}"
        pytest.fail(f"{' '.join(cmd)} failed (exit {result.returncode}):\n{output}")
    return root / "_build" / "html"


@pytest.fixture(scope="session")
def book_html() -> Path:
    """The repository's built book. `make test` builds it first (`make book`); built here if missing."""
    html = ROOT / "_build" / "html"
    if not (html / "index.html").exists():
        build_book(ROOT)
    return html


def pytest_terminal_summary(terminalreporter):
    if SHOTS.exists():
        shots = sorted(p for p in SHOTS.rglob("*") if p.suffix in {".png", ".jpg"})  # first screens: JPEG
        if shots:
            terminalreporter.write_line(f"browser tests: {len(shots)} screenshot(s) of the rendered pages in {SHOTS}")
