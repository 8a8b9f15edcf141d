"""Execute chapter notebooks in place and normalise them for committing.

    .venv/bin/python tools/execute_notebooks.py book/03_algorithm.ipynb [...]
    .venv/bin/python tools/execute_notebooks.py            # every notebook under book/

Each notebook runs top to bottom in a fresh ``python3`` kernel (this venv),
with its own folder as the working directory. The run fails on the first
error, so error outputs are never written. Then the metadata is normalised:
one kernelspec, no widget state, no execution timestamps, stable cell ids.
Prints each notebook's wall time (execution only).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
KEEP_CELL_METADATA = {"tags", "mystnb", "editable", "deletable", "jupyter"}


def normalise(nb: nbformat.NotebookNode) -> None:
    """Strip volatile metadata in place."""
    nb.metadata = nbformat.NotebookNode(
        kernelspec=KERNELSPEC,
        language_info={"name": "python", "pygments_lexer": "ipython3"},
    )
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index:03d}"
        cell.metadata = nbformat.NotebookNode(
            {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
        )
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                output.get("metadata", {}).pop("execution", None)


def execute(path: Path, timeout: int = 120) -> float:
    nb = nbformat.read(path, as_version=4)
    normalise(nb)  # run under the canonical kernelspec
    resources = {"metadata": {"path": str(path.parent)}}
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources=resources)
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    errors = [c for c in nb.cells if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)]
    if errors:
        raise RuntimeError(f"{path}: {len(errors)} cell(s) produced errors; not written")
    normalise(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted(
        p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    for path in paths:
        elapsed = execute(path.resolve())
        print(f"{elapsed:6.1f} s  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
