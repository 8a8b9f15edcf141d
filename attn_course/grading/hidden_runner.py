"""The hidden-test process: ``python -m attn_course.grading.hidden_runner`` (JSON on stdin).

Runs apart from the student's kernel, so nothing the notebook did at run time (patched
``torch.allclose``, a redefined ``NotImplementedError``, printed text) reaches it. It
re-creates the student's functions from source (:mod:`.extract`), calls them on inputs drawn
from a seed chosen by the grader, compares with ``attn_course`` and checks properties.

Request: {"set": name, "seed": int, "cells": [[index, source], ...], "part_timeout": seconds}
Result:  {"parts": {id: {"passed": bool, "message": str}}, "errors": [...], "tampering": [...]}
"""

from __future__ import annotations

import io
import json
import signal
import sys
import traceback

import torch

from .extract import Extracted, extract, find_shortcuts
from .sandbox import block_network, restricted_builtins
from .spec import ExerciseSet, Part, get_set
from .tripwire import Integrity, Tripwires


class PartTimeout(BaseException):
    """Raised by SIGALRM; a BaseException so ``except Exception`` in student code cannot swallow it."""


class Tampered(Exception):
    pass


def _alarm(_signum, _frame):
    raise PartTimeout


def _describe(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<submission")]
    where = f" (in {frames[-1].name}, line {frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def define(extracted: Extracted) -> tuple[dict, list[str]]:
    """Execute the kept statements one by one in a namespace with restricted builtins."""
    namespace: dict = {"__builtins__": restricted_builtins(), "__name__": "submission"}
    errors = []
    for number, statement in enumerate(extracted.statements):
        try:
            code = compile(statement, f"<submission statement {number}>", "exec")
            exec(code, namespace)  # noqa: S102 - the point of this module
        except (Exception, PartTimeout) as exc:
            first = statement.splitlines()[0][:80]
            errors.append(f"`{first}` failed: {type(exc).__name__}: {exc}")
    return namespace, errors


def run_part(part: Part, namespace: dict, extracted: Extracted, imports: str, wires: Tripwires,
             integrity: Integrity, seed: int, timeout: float) -> tuple[bool, str]:
    function = namespace.get(part.function)
    if not callable(function):
        return False, f"{part.function} is not defined (a missing cell, or a syntax error in its cell?)"
    shortcuts = find_shortcuts(extracted, part.function, part.forbidden, imports)
    if shortcuts:
        return False, "forbidden shortcut: " + "; ".join(shortcuts)

    def guarded(*args, **kwargs):
        wires.armed = True
        try:
            return function(*args, **kwargs)
        finally:
            wires.armed = False
            changed = integrity.changes()
            if changed:
                raise Tampered("your code modified the grader's environment: " + ", ".join(changed[:5]))

    generator = torch.Generator().manual_seed(seed)
    start = len(wires.calls)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        part.hidden(guarded, generator)
        passed, message = True, "passed on random inputs and property checks"
    except PartTimeout:
        passed, message = False, f"timed out after {timeout:g} s (an infinite loop?)"
    except NotImplementedError:
        passed, message = False, "not implemented yet (raises NotImplementedError)"
    except (AssertionError, Tampered) as exc:
        passed, message = False, str(exc)
    except Exception as exc:
        passed, message = False, f"raised {_describe(exc)}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    used = sorted({label for name, label in wires.calls[start:] if name in part.forbidden})
    if used:
        return False, f"forbidden shortcut: {part.function} called {', '.join(used)}"
    return passed, message


def run(request: dict) -> dict:
    exercise: ExerciseSet = get_set(request["set"])
    extracted = extract([(int(i), s) for i, s in request["cells"]])
    imports = "\n".join(s for s in extracted.statements if s.startswith(("import ", "from ")))
    wires = Tripwires()
    wires.install(tuple(sorted({name for part in exercise.parts for name in part.forbidden})))
    integrity = Integrity()
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, float(request["part_timeout"]))
    try:
        namespace, errors = define(extracted)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    parts = {}
    broken = integrity.changes()
    for part in exercise.parts:
        if broken:
            parts[part.id] = {"passed": False, "message": "grading environment modified: " + ", ".join(broken[:5])}
            continue
        passed, message = run_part(part, namespace, extracted, imports, wires, integrity,
                                   int(request["seed"]), float(request["part_timeout"]))
        parts[part.id] = {"passed": passed, "message": message}
        broken = integrity.changes()
    return {"parts": parts, "errors": extracted.errors + errors, "tampering": extracted.tampering}


def run_child(request: dict) -> dict:
    """Entry point in a fresh child process (see :mod:`.workers`)."""
    block_network()
    torch.set_num_threads(1)
    sys.stdout = sys.stderr = io.StringIO()  # the student's prints go nowhere
    signal.signal(signal.SIGALRM, _alarm)
    return run(request)


def main() -> int:
    """``python -m attn_course.grading.hidden_runner < request.json``: for debugging one submission."""
    request = json.loads(sys.stdin.read())
    print(json.dumps(run(request), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
