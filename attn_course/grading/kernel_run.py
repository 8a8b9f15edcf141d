"""Run the grading notebook under nbval, in a fresh kernel in an isolated child process.

``pytest --nbval`` starts a fresh ``python3`` kernel (this environment's interpreter) and runs
the cells in order; check cells are compared with the instructor's stored outputs. The kernel
gets an IPython startup file that blocks the network and caps output; where available the
whole run is in an empty network namespace where the OS allows it (:mod:`.workers`). Each cell has
``cell_timeout`` seconds (nbval interrupts the kernel and moves on); the whole run has
``total_timeout`` seconds, after which it is killed and unfinished cells are reported as such.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .workers import run_isolated

OUTPUT_LIMIT = 100_000  # characters of stdout+stderr the kernel may produce

# Runs in the fresh kernel before the first cell. Importing torch here keeps its few seconds of
# import time out of the per-cell clock (the kernel has a separate startup timeout).
_STARTUP = f"""\
from attn_course.grading.sandbox import block_network, cap_output
import attn_course.grading.checks
block_network()
cap_output({OUTPUT_LIMIT})
del block_network, cap_output
"""


@dataclass
class CellResult:
    outcome: str  # "passed", "failed", "skipped" or "not run"
    text: str = ""


def nbval_child(workdir: str, cell_timeout: float) -> int:
    """Runs in a fresh child process (see :mod:`.workers`): ``pytest --nbval grading.ipynb``."""
    import pytest

    os.chdir(workdir)
    os.environ.update({
        "IPYTHONDIR": os.path.join(workdir, "ipython"),
        "ATTN_COURSE_NBVAL_REPORT": os.path.join(workdir, "cells.jsonl"),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "OMP_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    })
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    args = [
        "-p", "nbval.plugin", "-p", "attn_course.grading.nbval_report", "-p", "no:cacheprovider", "-q",
        "-c", "pytest.ini", "--rootdir", workdir, "--nbval", "--nbval-current-env",
        f"--nbval-cell-timeout={cell_timeout:g}", "--nbval-kernel-startup-timeout=60", "grading.ipynb",
    ]
    return int(pytest.main(args))


def run_nbval(notebook: nbformat.NotebookNode, workdir: Path, cell_timeout: float,
              total_timeout: float) -> tuple[dict[int, CellResult], str, str, float]:
    """Per-cell results (by grading-notebook index), a note, the network isolation used, and CPU seconds."""
    nbformat.write(notebook, workdir / "grading.ipynb")
    startup = workdir / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-grading-sandbox.py").write_text(_STARTUP)
    (workdir / "pytest.ini").write_text("[pytest]\n")
    report = workdir / "cells.jsonl"
    outcome, isolation, cpu = run_isolated(nbval_child, (str(workdir), cell_timeout), total_timeout)
    note = ""
    if isinstance(outcome, TimeoutError):
        note = f"the notebook did not finish within the total time limit of {total_timeout:g} s"
    elif isinstance(outcome, BaseException):
        note = f"nbval could not run the notebook: {type(outcome).__name__}: {outcome}"
    results = {i: CellResult("not run") for i in range(len(notebook.cells))}
    if report.exists():
        for line in report.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if 0 <= record["cell"] < len(notebook.cells):
                results[record["cell"]] = CellResult(record["outcome"], record["text"])
    return results, note, isolation, cpu
