"""The hidden tests: the grader draws inputs, a sandboxed runner calls the student's function, the grader compares.

For each part, a fresh runner sandbox (:mod:`.sandboxed.runner`) re-creates the student's
definitions with the part's forbidden operators refused. The part's hidden test, a generator
(:mod:`.expect`), runs *here*: each ``call(...)`` it yields is sent to the runner as data, and
the answer comes back as data (:mod:`.sandboxed.wire`). The expected values, the comparisons and
the verdict never leave this process, and no student code ever runs in it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .expect import Call
from .extract import Extracted, find_shortcuts
from .sandbox import ALLOWED_IMPORTS, Sandbox, SandboxError, sandbox_config
from .sandboxed import wire
from .spec import ExerciseSet, Part

MAX_ANSWER = 16 * 1024 * 1024  # bytes per answer from the runner


class Refused(Exception):
    """The runner attempted a forbidden operator."""


@dataclass
class HiddenResult:
    parts: dict[str, tuple[bool, str]] = field(default_factory=dict)  # part id -> (passed, message)
    errors: list[str] = field(default_factory=list)  # definitions that failed in the runner
    isolation: str = ""


def _answer(box: Sandbox, deadline: float) -> object:
    """The value of one call; raises :class:`Refused`, or ``AssertionError`` for what the student raised."""
    while True:
        message = box.recv(deadline, MAX_ANSWER)
        if "forbidden" in message:
            raise Refused(str(message["forbidden"])[:200])
        if "value" in message:
            return wire.decode(message["value"])
        raised = message.get("raised")
        if isinstance(raised, dict):
            kind, text, where = (str(raised.get(k, ""))[:1000] for k in ("type", "message", "where"))
            if "is a forbidden shortcut in this part" in text:
                raise Refused(text.split(" is a forbidden")[0][:200])
            if kind == "NotImplementedError":
                raise AssertionError("not implemented yet (raises NotImplementedError)")
            raise AssertionError(f"raised {kind}: {text}" + (f" (in {where})" if where else ""))
        raise wire.ProtocolError("an answer that is neither a value nor an exception")


def _drive(part: Part, box: Sandbox, seed: int, deadline: float) -> tuple[bool, str]:
    test = part.hidden(torch.Generator().manual_seed(seed))
    try:
        request = next(test)
        while True:
            if not isinstance(request, Call):
                raise TypeError(f"{part.hidden.__name__} yielded {type(request).__name__}, not a call(...)")
            box.send({"call": part.function, "args": [wire.encode(a) for a in request.args],
                      "kwargs": {k: wire.encode(v) for k, v in request.kwargs.items()}})
            request = test.send(_answer(box, deadline))
    except StopIteration:
        return True, "passed on random inputs and property checks"
    except Refused as exc:
        return False, f"forbidden shortcut: {part.function} reached {exc} (refused at run time)"
    except AssertionError as exc:
        return False, str(exc)
    except TimeoutError:
        return False, "timed out (an infinite loop?)"
    except (EOFError, wire.ProtocolError) as exc:
        return False, f"the runner stopped answering ({exc}): it crashed, ran out of memory or was killed"
    except (TypeError, ValueError, IndexError, RuntimeError, AttributeError) as exc:  # a result of the wrong kind
        return False, f"returned something the checks cannot use ({type(exc).__name__}: {exc})"
    finally:
        test.close()


def run_part(part: Part, extracted: Extracted, seed: int, timeout: float,
             hide: list[Path]) -> tuple[bool, str, list, str]:
    """``(passed, message, definition errors, isolation)`` of one part, in a fresh runner sandbox."""
    shortcuts = find_shortcuts(extracted, part.function, part.forbidden, extracted.imports)
    if shortcuts:
        return False, "forbidden shortcut: " + "; ".join(shortcuts), [], ""
    try:
        box = Sandbox("runner", sandbox_config(hide=hide, cpu_seconds=timeout + 2, executor=False))
    except SandboxError as exc:
        return False, str(exc), [], ""
    try:
        deadline = time.monotonic() + timeout
        box.send({"forbidden": list(part.forbidden), "statements": extracted.statements,
                  "imports": list(ALLOWED_IMPORTS)})
        defined = box.recv(deadline)
        errors = defined.get("errors") if isinstance(defined.get("errors"), list) else []
        errors = [str(e)[:500] for e in errors[:20]]
        if part.function not in (defined.get("defined") or []):
            missing = f"{part.function} is not defined (a missing cell, or an error in its cell?)"
            return False, missing, errors, box.isolation
        passed, message = _drive(part, box, seed, deadline)
        if not passed and message == "timed out (an infinite loop?)":
            message = f"timed out after {timeout:g} s (an infinite loop?)"
        return passed, message, errors, box.isolation
    except (EOFError, TimeoutError, wire.ProtocolError) as exc:
        return False, f"the runner did not define the functions in time ({type(exc).__name__})", [], box.isolation
    finally:
        box.close()


def run_hidden(exercise: ExerciseSet, extracted: Extracted, seed: int, part_timeout: float,
               hide: list[Path]) -> HiddenResult:
    result = HiddenResult()
    for part in exercise.parts:
        passed, message, errors, isolation = run_part(part, extracted, seed, part_timeout, hide)
        result.parts[part.id] = (passed, message)
        result.errors += [e for e in errors if e not in result.errors]
        result.isolation = result.isolation or isolation
    return result
