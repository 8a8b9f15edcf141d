"""The table of contents: the files ``_toc.yml`` puts in the book, in reading order."""

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
