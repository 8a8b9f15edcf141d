"""Execute chapter notebooks in place and normalise them for committing.

    .venv/bin/python tools/execute_notebooks.py book/03_algorithm.ipynb [...]
    .venv/bin/python tools/execute_notebooks.py            # every notebook under book/
    .venv/bin/python tools/execute_notebooks.py --normalise-only book/*.ipynb   # metadata only, no kernel

Each notebook runs top to bottom in a fresh ``python3`` kernel (this venv),
with its own folder as the working directory. The run fails on the first
error, so error outputs are never written. Then the metadata is normalised:
one kernelspec, no widget state, no execution timestamps, stable cell ids
(``attn_course._notebooks``, shared with the grader's ``release``).
Prints each notebook's wall time (execution only).

For a chapter (a notebook directly in ``book/``), the fingerprint of what its outputs were made from
(``tools.chapter_deps.outputs_fingerprint``: its code cells, the ``attn_course`` modules they use, the
pins) is recorded in ``book/executed.json``. The book renders the committed outputs without executing
anything, and ``tests/book/test_notebooks.py`` fails for a chapter whose record no longer matches.

``--normalise-only`` rewrites the metadata and nothing else: outputs and execution counts stay as
committed, so a notebook executed before a change of the normalisation can catch up without a re-run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat

from attn_course._notebooks import NotebookError, execute, normalise

if not __package__:  # run as a script (tools/execute_notebooks.py): the repository's tools/ must be importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.chapter_deps import Package, outputs_fingerprint  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
#: chapter file name -> outputs_fingerprint of the run whose outputs are committed
RECORD = ROOT / "book" / "executed.json"


def recorded_fingerprints(record: Path = RECORD) -> dict[str, str]:
    return json.loads(record.read_text(encoding="utf-8"))["chapters"] if record.exists() else {}


def chapter_fingerprint(path: Path, root: Path = ROOT, package: Package | None = None) -> str:
    """``outputs_fingerprint`` of the chapter at ``path`` (``package``: one already read from ``root``, to reuse)."""
    return outputs_fingerprint(path, package or Package(root), (root / "constraints.txt").read_bytes())


def record_chapter(path: Path, record: Path = RECORD) -> None:
    """Record the fingerprint of the code that made ``path``'s outputs (a chapter just executed)."""
    chapters = recorded_fingerprints(record)
    chapters[path.name] = chapter_fingerprint(path)
    about = "What each chapter's committed outputs were made from (tools/execute_notebooks.py writes it)."
    text = json.dumps({"about": about, "chapters": dict(sorted(chapters.items()))}, indent=1)
    record.write_text(text + "\n", encoding="utf-8")


def execute_in_place(path: Path, timeout: int = 120) -> float:
    """Execute, normalise and rewrite the notebook at ``path``; returns the execution seconds."""
    nb = nbformat.read(path, as_version=4)
    normalise(nb)  # run under the canonical kernelspec
    try:
        elapsed = execute(nb, path.parent, timeout=timeout)
    except NotebookError as exc:
        raise NotebookError(f"{path}: {exc}; not written") from exc
    normalise(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def normalise_in_place(path: Path) -> bool:
    """Normalise the notebook at ``path`` without executing it; returns whether the file changed."""
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    normalise(nb)
    nbformat.validate(nb)
    after = nbformat.writes(nb) + "\n"  # nbformat.write ends the file with a newline, writes does not
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: every notebook under book/)")
    parser.add_argument("--normalise-only", action="store_true", help="rewrite the metadata only, do not execute")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    for path in paths:
        if args.normalise_only:
            print(f"{'normalised' if normalise_in_place(path.resolve()) else 'unchanged':>10}  {path}")
        else:
            elapsed = execute_in_place(path.resolve())
            if path.resolve().parent == RECORD.parent:
                record_chapter(path.resolve())
            print(f"{elapsed:6.1f} s  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
