"""``attn-course check NOTEBOOK``: the student's own check, before handing in.

Runs the notebook in a sandbox, as the grader would (a cell with magics or shell escapes is
refused), and reads what its check cells print: ``✓`` lines, ``✗`` lines, ``… not implemented
yet``, errors. These are the *public* checks only; the hidden tests need the course's private
material and run at grading, so a clean run ends with "public checks passed; hidden tests run
at grading", never with "all tests passed". It also names forbidden shortcuts it can see in the
source, for the sets it knows.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .extract import extract, find_shortcuts
from .notebook import InvalidSubmission, check_part, identify, read_notebook
from .reports import clean
from .visible import run_notebook

PASSED = "public checks passed; hidden tests run at grading"


def _verdict(text: str, status: str, error: str) -> tuple[bool, list[str]]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip().startswith(("✓", "✗", "…"))]
    problems = [ln for ln in lines if not ln.startswith("✓")]
    if status != "ok":
        problems.append(error or status)
    elif not lines:
        problems.append("the check cell printed no ✓ line")
    return not problems, problems


def check(path: Path, *, cell_timeout: float = 30.0, out=None) -> int:
    """Print the public checks of the notebook at ``path``; 0 when they all pass, 1 if not, 2 if unreadable."""
    out = out or sys.stdout
    try:
        notebook = read_notebook(path)
    except InvalidSubmission as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:  # a set of a private course is unknown here: its checks still run, only the shortcut names are not known
        exercise = identify(notebook, path)
    except InvalidSubmission:
        exercise = None
    cells = [(i, c.source) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    extracted = extract([(i, s) for i, s in cells if not check_part(notebook.cells[i])])
    runnable = [(i, s) for i, s in cells if i not in extracted.refused]
    run = run_notebook([(f"cell {i + 1}", s) for i, s in runnable], cell_timeout, cell_timeout * len(runnable) + 30, [])
    failed = 0
    print(f"{clean(path)}  [{exercise.name if exercise else 'a set of your course'}]", file=out)
    for (index, _), result in zip(runnable, run.cells, strict=True):
        part = check_part(notebook.cells[index])
        if part is None:
            if result.status in ("error", "timeout"):
                print(f"  note: cell {index + 1} failed: {clean(result.error)}", file=out)
            continue
        ok, problems = _verdict(result.stdout, result.status, result.error)
        failed += not ok
        print(f"  {'✓' if ok else '✗'} part ({part}) check cell" + ("" if ok else ": " + clean("; ".join(problems))),
              file=out)
    for index, why in sorted(extracted.refused.items()):
        print(f"  note: cell {index + 1} is refused at grading and was not run: {clean(why)}", file=out)
    for part in exercise.parts if exercise else ():
        for found in find_shortcuts(extracted, part.function, part.forbidden, extracted.imports):
            failed += 1
            print(f"  ✗ part ({part.id}) forbidden shortcut: {clean(found)} (scores 0 at grading)", file=out)
    if run.note:
        print(f"  note: {clean(run.note)}", file=out)
    print(PASSED if not failed and not run.note else f"{failed} public check(s) did not pass", file=out)
    return 0 if not failed and not run.note else 1
