"""Notebook helpers shared by ``tools/`` and the grader: one kernelspec, one normalisation, one executor.

Internal. ``tools/execute_notebooks.py`` (chapters), ``tools/build_book.py`` (the book's execution
cache) and :mod:`attn_course.grading.release` (student notebooks) run and normalise notebooks with
these, so a committed notebook looks the same whichever of them wrote it. Only ``nbformat`` is
imported here (``nbclient`` and jupyter_client when a notebook is executed); never torch or matplotlib.
"""

from __future__ import annotations

import platform
import re
import sys
import time
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from ._nbformat import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
#: What ipykernel reports (``IPythonKernel.language_info``) and JupyterLab writes into a notebook it opens:
#: committing the same keeps a notebook that was only opened unmodified. The version is this interpreter's,
#: the venv's, which is also the ``python3`` kernel's.
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": f"ipython{sys.version_info[0]}",
    "version": platform.python_version(),
}
#: Cell metadata a chapter keeps: tags, myst-nb's options and JupyterLab's editable/deletable/collapsed.
CHAPTER_CELL_METADATA = frozenset({"tags", "mystnb", "editable", "deletable", "jupyter"})
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class NotebookError(RuntimeError):
    """A cell left an error output (a cell tagged ``raises-exception`` does not stop nbclient)."""


#: The mime type of an ipywidgets view; a saved one needs the widget state, which is never saved here.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def normalise(
    nb: nbformat.NotebookNode,
    *,
    extra_metadata: Mapping[str, Any] | None = None,
    keep_cell_metadata: Collection[str] = CHAPTER_CELL_METADATA,
) -> None:
    """Strip volatile metadata in place: one kernelspec, no widget state or views, no timings, stable cell ids.

    The notebook metadata becomes the kernelspec and the kernel's full language info (what JupyterLab
    writes on opening), plus ``extra_metadata``; each cell keeps only the metadata keys in ``keep_cell_metadata``.
    """
    nb.metadata = nbformat.from_dict(  # copies, so no two notebooks share a dict
        {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO, **(extra_metadata or {})}
    )
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index:03d}"
        cell.metadata = nbformat.NotebookNode({k: v for k, v in cell.metadata.items() if k in keep_cell_metadata})
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)
            data = output.get("data", {})
            if WIDGET_VIEW in data and "text/html" in data:  # no widget state is saved, so the view could only
                del data[WIDGET_VIEW]  # say "Loading widget...": keep the kernel-free card ("Run this cell ...")


def execute(
    nb: nbformat.NotebookNode, workdir: Path | str, *, timeout: int = 120, kernel_name: str = KERNELSPEC["name"]
) -> float:
    """Run ``nb`` in place, top to bottom, in a fresh ``python3`` kernel in ``workdir``; returns the seconds.

    ``kernel_name`` picks another kernelspec (``tools/build_book.py``: ``python3-fork``, the same kernel
    forked from a pre-warmed process); the notebook's own kernelspec metadata is left as it is.

    Raises on the first failing cell (nbclient's ``CellExecutionError``, or ``CellTimeoutError``
    after ``timeout`` seconds in one cell), and :class:`NotebookError` if any error output is left
    (a ``raises-exception`` cell), so an executed notebook never holds an error. No widget state and
    no execution timings are recorded.
    """
    from nbclient import NotebookClient

    from ._kernels import AsyncIPCKernelManager  # Unix sockets: kernels started side by side cannot collide

    client = NotebookClient(
        nb, timeout=timeout, kernel_name=kernel_name, allow_errors=False, record_timing=False,
        store_widget_state=False, resources={"metadata": {"path": str(workdir)}},
        kernel_manager_class=AsyncIPCKernelManager,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    failed = [
        index for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and any(o.output_type == "error" for o in cell.get("outputs", []))
    ]
    if failed:
        raise NotebookError(f"{len(failed)} cell(s) produced errors (cell index {', '.join(map(str, failed))})")
    return elapsed


def strip_ansi(text: str) -> str:
    """``text`` without terminal colour codes (tracebacks from a kernel or pytest, for logs and reports)."""
    return _ANSI.sub("", text)
