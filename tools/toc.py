"""The table of contents: the files ``_toc.yml`` puts in the book, in reading order; and the files under ``book/``."""

from __future__ import annotations

from pathlib import Path

import yaml


def toc_files(root: Path) -> list[str]:
    """Every ``file:`` of ``root/_toc.yml`` (no suffix, relative to ``root``), the root page first.

    Walks top-level ``chapters`` and the ``chapters`` of each of the ``parts``, with their
    ``sections`` at any depth.
    """
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))

    walk(toc.get("chapters", []))
    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return files


#: Folders under book/ that are no source of the book: Jupyter's checkpoints, Python's bytecode caches
#: (pytest writes book/__pycache__/ when it loads book/conftest.py).
NOT_SOURCES = {".ipynb_checkpoints", "__pycache__"}


def book_files(root: Path) -> list[Path]:
    """Every file under ``root/book`` a build could read, sorted (for the fingerprints of what a build read)."""
    return sorted(p for p in (Path(root) / "book").rglob("*") if p.is_file() and not NOT_SOURCES & set(p.parts))
