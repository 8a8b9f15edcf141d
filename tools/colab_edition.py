"""Write the Colab edition of every chapter: the same notebook, its MyST markup as plain Markdown.

    .venv/bin/python -m tools.colab_edition            # write colab/NN_name.ipynb for every book/0*.ipynb
    .venv/bin/python -m tools.colab_edition --check    # exit 1 if an edition is missing, stale or orphaned

Colab cannot install JupyterLab extensions, so it shows MyST as typed: every ``:::{solution}`` of "Check
your understanding" in full under its question, and raw ``{cite}``, ``{doc}``, ``{ref}`` and ``(label)=``.
The book (Sphinx) and JupyterLab (``jupyterlab-myst``, also on Binder) render the chapters as they are, so
the chapters stay the one source, and the book's Colab button (``tools/sphinx_colab.py``) opens this
generated copy instead. Each markdown cell goes through :func:`tools.myst_markdown.to_markdown` (solutions in
``<details>``, folded; citations as author-year text; references as links to the online book; labels
removed); code cells (the Colab install cell of ``tools/colab_cell.py`` included) and metadata are the
chapter's, without outputs: a reader runs them in Colab, and the book shows them (the glued numbers in the
prose are filled in from the chapter's outputs). A first note says that the file is generated and links to
the chapter in the book.

Numbers and texts come from the book's sources: ``_toc.yml`` (chapter numbers: numbered parts count on
across parts, a chapter's sections share its counters, as Sphinx numbers exercises and figures),
``references.bib`` and the chapters' stored glue outputs. The online book is ``https://ORG.github.io/REPO/``
for ``repository.url`` ``https://github.com/ORG/REPO`` (GitHub Pages, ``.github/workflows/book.yml``).
Running the tool again after a chapter changes rewrites only what changed (idempotent).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

from tools.colab_cell import chapters
from tools.myst_markdown import DIRECTIVE, LABEL, OPTION, Book, Citation, Target, to_markdown
from tools.sphinx_colab import EDITION_DIR, edition_path

ROOT = Path(__file__).resolve().parent.parent
NOTE_ID = "colab-edition"
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def book_url(root: Path) -> str:
    url = str(((yaml.safe_load((root / "_config.yml").read_text()) or {}).get("repository") or {}).get("url", ""))
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?", url)
    if not match:
        raise ValueError(f"_config.yml: repository.url must be https://github.com/ORG/REPO, got {url!r}")
    return f"https://{match.group(1)}.github.io/{match.group(2)}/"


def _source(path: Path) -> list[tuple[str, str, dict]]:
    """(cell type, source, metadata) of a page: each cell of a notebook, or a whole .md file as one cell."""
    if path.suffix == ".md":
        return [("markdown", path.read_text(encoding="utf-8"), {})]
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(c["cell_type"], "".join(c["source"]), c.get("metadata", {})) for c in cells]


def _numbered(root: Path) -> list[tuple[list[str], int | None]]:
    """Each top-level entry of ``_toc.yml`` with its files (itself and its sections) and its chapter number."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    number, entries = 0, [([toc["root"]], None)]

    def files(entry: dict) -> list[str]:
        return [entry["file"], *(f for section in entry.get("sections", []) for f in files(section))]

    for part in toc.get("parts", [{"chapters": toc.get("chapters", []), "numbered": toc.get("numbered")}]):
        for entry in part.get("chapters", []):
            number += bool(part.get("numbered"))
            entries.append((files(entry), number if part.get("numbered") else None))
    return entries


def _numbered_title(kind: str, number: int | None, counts: dict[str, int]) -> str:
    """The next ``Exercise 4.2`` or ``Fig. 4.2`` of chapter ``number`` (just ``Exercise`` if it has none)."""
    counts[kind] += 1
    return f"{kind} {number}.{counts[kind]}" if number else kind


def _index(root: Path) -> tuple[dict[str, str], dict[str, Target]]:
    """Every page's title and every label's target, in the book's reading order."""
    titles: dict[str, str] = {}
    targets: dict[str, Target] = {}
    for files, number in _numbered(root):
        counts = {"Exercise": 0, "Fig.": 0}
        for docname in files:
            path = next(p for p in (root / f"{docname}.ipynb", root / f"{docname}.md") if p.is_file())
            pending: str | None = None
            for cell_type, source, metadata in _source(path):
                if cell_type == "code" and "caption" in metadata.get("mystnb", {}).get("figure", {}):
                    target = Target(docname, _numbered_title("Fig.", number, counts))
                    if name := metadata["mystnb"]["figure"].get("name"):
                        targets[name] = target
                if cell_type != "markdown":
                    continue
                lines = source.split("\n")
                for i, line in enumerate(lines):
                    if label := LABEL.match(line):
                        pending = label.group(1)
                    elif heading := HEADING.match(line):
                        titles.setdefault(docname, heading.group(1))
                        if pending:
                            targets[pending], pending = Target(docname, heading.group(1)), None
                    elif (directive := DIRECTIVE.match(line)) and directive.group(2) == "exercise":
                        title = _numbered_title("Exercise", number, counts)
                        for option in lines[i + 1:]:
                            if not (match := OPTION.match(option)):
                                break
                            if match.group(1) == "label":
                                targets[match.group(2).strip()] = Target(docname, title)
    return titles, targets


def citations(root: Path) -> dict[str, Citation]:
    """Every entry of ``references.bib`` as sphinxcontrib-bibtex's author-year style names it (``van den Oord
    et al.``), sorted as the book sorts the keys of one citation (by the first author's last name, then year)."""
    from pybtex.database import parse_file
    from pybtex.richtext import Text

    entries = parse_file(str(root / "references.bib")).entries
    out = {}
    for key, entry in entries.items():
        persons = entry.persons.get("author", [])
        names = [str(Text.from_latex(" ".join([*p.prelast_names, *p.last_names]))) for p in persons]
        authors = names[0] if len(names) == 1 else " and ".join(names) if len(names) == 2 else f"{names[0]} et al."
        sort = str(Text.from_latex(" ".join(persons[0].last_names))).lower() if persons else key
        out[key] = Citation(authors, entry.fields.get("year", ""), sort)
    return out


def load_book(root: Path = ROOT) -> Book:
    titles, targets = _index(root)
    return Book(url=book_url(root), titles=titles, targets=targets, citations=citations(root))


def glue_values(notebook: dict) -> dict[str, str]:
    """The ``text/plain`` of every value the notebook glued (myst-nb's scrapbook outputs)."""
    values = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook and (text := output.get("data", {}).get(f"{scrapbook.get('mime_prefix', '')}text/plain")):
                values[scrapbook["name"]] = "".join(text)
    return values


def edition(notebook: dict, docname: str, book: Book) -> dict:
    """The Colab edition of the chapter ``notebook`` (nbformat 4 JSON) at ``docname``."""
    glue = glue_values(notebook)
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            text = to_markdown("".join(cell["source"]), book, docname, glue)
            cell = {**cell, "source": text.splitlines(keepends=True)}
        elif cell["cell_type"] == "code":  # run in Colab: the outputs are the book's, not repeated here
            cell = {**cell, "outputs": [], "execution_count": None}
        cells.append(cell)
    note = (f"*This is the Colab edition of [{book.titles[docname]}]({book.link(docname)}), generated from "
            f"`{docname}.ipynb` by `tools/colab_edition.py`: edit the chapter, not this copy.*")
    cells.insert(1, {"cell_type": "markdown", "id": NOTE_ID, "metadata": {}, "source": [note]})
    return {**notebook, "cells": cells}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if an edition is missing, stale or orphaned")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    root, book, stale = args.root, load_book(args.root), []
    (root / EDITION_DIR).mkdir(exist_ok=True)
    wanted = set()
    for path in chapters(root):
        docname = path.relative_to(root).with_suffix("").as_posix()
        target = root / edition_path(docname)
        wanted.add(target)
        text = json.dumps(edition(json.loads(path.read_text(encoding="utf-8")), docname, book),
                          indent=1, ensure_ascii=False) + "\n"
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            stale.append(target.name)
            if not args.check:
                target.write_text(text, encoding="utf-8")
    for orphan in sorted(set((root / EDITION_DIR).glob("*.ipynb")) - wanted):
        stale.append(f"{orphan.name} (no chapter)")
        if not args.check:
            orphan.unlink()
    if args.check and stale:
        print(f"stale Colab editions: {', '.join(stale)}; run python -m tools.colab_edition", file=sys.stderr)
        return 1
    print(f"Colab editions in {EDITION_DIR}/: {len(stale)} {'to update' if args.check else 'written'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
