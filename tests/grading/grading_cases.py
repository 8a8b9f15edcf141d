"""Submission notebooks for the grading tests: solved, fresh, and every attack of issue 14.

Each :class:`Attack` is a student notebook with the attack's cells; ``parts`` are the parts it
goes after (it must score 0 on them), ``note`` what it does. ``python tests/grading/grading_cases.py DIR``
writes them all into DIR, to grade them by hand (or with another version of the grader).
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
INSTRUCTOR, STUDENTS = REPO / "instructor_exercises", REPO / "book" / "student_exercises"


def _set(name: str):
    from attn_course.grading.spec import get_set

    return get_set(name)


def student(name: str) -> nbformat.NotebookNode:
    return nbformat.read(_set(name).student(STUDENTS), as_version=4)


def solution_source(name: str, function: str) -> str:
    nb = nbformat.read(_set(name).solution(INSTRUCTOR), as_version=4)
    (answer,) = [c.source for c in nb.cells if f"def {function}(" in c.source]
    return "\n".join(line for line in answer.splitlines() if "### " not in line)


def solved(name: str) -> nbformat.NotebookNode:
    """The student notebook as a student who solved every part hands it in."""
    nb = student(name)
    for part in _set(name).parts:
        nb = replace_function(nb, part.function, solution_source(name, part.function))
    return nb


def replace_function(nb, function: str, source: str):
    nb = copy.deepcopy(nb)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and f"def {function}(" in c.source]
    cell.source = source
    return nb


def add_cell(nb, source: str, at: int | None = None):
    nb = copy.deepcopy(nb)
    nb.cells.insert(len(nb.cells) if at is None else at, nbformat.v4.new_code_cell(source))
    return nb


@dataclass(frozen=True)
class Attack:
    name: str
    exercise: str
    parts: tuple[str, ...]  # parts it attacks: they must score 0
    note: str
    build: object  # () -> notebook

    def notebook(self) -> nbformat.NotebookNode:
        return self.build()


IDENTITY_01 = {"scaled_scores": "def scaled_scores(query, key):\n    return query",
               "stable_softmax": "def stable_softmax(scores):\n    return scores",
               "attention_weights": "def attention_weights(query, key):\n    return query"}
ZEROS_01 = {
    "scaled_scores": "def scaled_scores(query, key):\n    return torch.zeros(query.shape[:-1] + (key.shape[-2],))",
    "stable_softmax": "def stable_softmax(scores):\n    return torch.zeros_like(scores)",
    "attention_weights": ("def attention_weights(query, key):\n"
                          "    return torch.zeros(query.shape[:-1] + (key.shape[-2],))"),
}


def _with(name: str, functions: dict[str, str], *cells: str, base=None, at: int = 2):
    nb = base if base is not None else student(name)
    for function, source in functions.items():
        nb = replace_function(nb, function, source)
    for offset, cell in enumerate(cells):
        nb = add_cell(nb, cell, at=at + offset)
    return nb


CLASS_BODY = '''\
class _Exploit:  # runs wherever the definitions are re-executed
    _mods = torch.sys.modules
    _checks = _mods.get("attn_course.grading.checks")
    if _checks is not None:
        def _close(part, actual, expected, *, atol=1e-5, rtol=1e-4):
            print(f"✓ part ({part}): shape {tuple(expected.shape)}, values match the reference")
        def _true(part, condition, what):
            print(f"✓ part ({part}): {what}")
        _checks.check_close.__code__ = _close.__code__
        _checks.check_true.__code__ = _true.__code__
    _sets = _mods.get("attn_course.grading.sets")
    for _s in getattr(_sets, "SETS", ()):
        for _p in _s.parts:
            object.__setattr__(_p, "hidden", lambda *args, **kwargs: None)
'''

FUNCTION_MODE = '''\
class _Yes(torch.overrides.TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name == "isclose":
            return torch.ones(torch.broadcast_shapes(args[0].shape, args[1].shape), dtype=torch.bool)
        if name in ("allclose", "equal"):
            return True
        return func(*args, **(kwargs or {}))
'''

FRAME_WALK = '''\
def _find(name):
    try:
        raise LookupError
    except LookupError as exc:
        frame = exc.__traceback__.tb_frame
    own, hit = frame.f_globals, None
    while frame is not None:
        wires = frame.f_locals.get("wires")
        if hasattr(wires, "armed"):
            wires.armed = False
        if hit is None and frame.f_globals is not own and name in frame.f_globals:
            hit = frame.f_globals[name]
        frame = frame.f_back
    return hit if hit is not None else own.get(name)
'''
FRAME_WALK_FUNCTIONS = {
    "scaled_scores": "def scaled_scores(query, key):\n    return _find('scaled_dot_product_scores')(query, key)",
    "stable_softmax": "def stable_softmax(scores):\n    return getattr(_find('torch'), 'soft' + 'max')(scores, dim=-1)",
    "attention_weights": "def attention_weights(query, key):\n    return stable_softmax(scaled_scores(query, key))",
}

FILE_STEAL = '''\
def _instructor():
    os, B = torch.os, torch.sys.modules["builtins"]
    pid = os.getpid()
    for _ in range(12):
        try:
            args = B.open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")
            for i, arg in enumerate(args[:-1]):
                if arg in (b"--instructor", b"--course"):
                    return args[i + 1].decode()  # absolute in the tests; else relative to the grader's cwd
            pid = int(B.open(f"/proc/{pid}/status").read().split("PPid:")[1].split()[0])
        except Exception:
            break
    for folder in (os.environ.get("ATTN_COURSE_INSTRUCTOR"), os.path.join(os.getcwd(), "instructor_exercises")):
        if folder and os.path.isdir(folder):
            return folder
    return None


def _steal(function):
    B = torch.sys.modules["builtins"]
    folder = _instructor()
    notebook = torch.sys.modules["json"].loads(B.open(torch.os.path.join(folder, "06_positional.ipynb")).read())
    namespace = {"torch": torch, "math": torch.sys.modules["math"]}
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "### BEGIN SOLUTION" in source:
            B.exec(source, namespace)
    return namespace[function]
'''
FILE_STEAL_FUNCTIONS = {
    "positional_encoding": "def positional_encoding(length, d_model):\n"
                           "    return _steal('positional_encoding')(length, d_model)",
    "add_positional_encoding": "def add_positional_encoding(x):\n    return _steal('add_positional_encoding')(x)",
}

TAMPER_FILES = '''\
import os, site
import attn_course
_grading = os.path.join(os.path.dirname(attn_course.__file__), "grading")
_results = []
for _path, _text in [
    (os.path.join(_grading, "sets", "s01_scores_softmax.py"),
     "\\nimport dataclasses as _dc\\nSET = _dc.replace(SET, parts=tuple(\\n"
     "    _dc.replace(p, hidden=lambda *a, **k: None) for p in SET.parts))\\n"),
    (os.path.join(_grading, "checks.py"), "\\n# attn-course attack was here\\n"),
    *[(os.path.join(_folder, "zz_attn_course_attack.pth"), "/nonexistent/attn-course-attack\\n")
      for _folder in site.getsitepackages()],
]:
    try:
        with open(_path, "a") as _handle:
            _handle.write(_text)
        _results.append(f"wrote {_path}")
    except OSError as _error:
        _results.append(f"{type(_error).__name__}: {_error.strerror}: {_path}")
raise RuntimeError(" | ".join(_results))
'''

DAEMON = '''\
import ctypes, json, os, time

def _report_path():
    pid = os.getpid()
    for _ in range(12):
        try:
            args = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")
            for i, arg in enumerate(args[:-1]):
                if arg == b"--json":
                    return args[i + 1].decode()
            pid = int(open(f"/proc/{pid}/status").read().split("PPid:")[1].split()[0])
        except Exception:
            return None
    return None

_path = _report_path()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        ctypes.CDLL(None).prctl(15, b"attn-daemon", 0, 0, 0)
        os.closerange(3, 4096)
        try:
            open(f"/tmp/attn-daemon-{os.getpid()}.pid", "w").write(str(os.getpid()))
        except OSError:
            pass
        end = time.time() + 90
        while time.time() < end:
            time.sleep(0.5)
            try:
                data = json.load(open(_path))
                if any(r["score"] < r["max_score"] for r in data):
                    for r in data:
                        r["score"] = r["max_score"]
                        for t in r["tests"]:
                            t["score"], t["status"] = t["max_score"], "passed"
                    json.dump(data, open(_path, "w"))
            except Exception:
                pass
    os._exit(0)
'''

SIGNAL_GRADER = '''\
import os, signal

def _graders():
    pid, found = os.getpid(), []
    for _ in range(12):
        try:
            if b"attn_course.grading.cli" in open(f"/proc/{pid}/cmdline", "rb").read():
                found.append(pid)
            pid = int(open(f"/proc/{pid}/status").read().split("PPid:")[1].split()[0])
        except Exception:
            break
    return found

for _pid in _graders():
    os.kill(_pid, signal.SIG%s)
'''

FORGE = ('def stable_softmax(scores):\n'
         '    raise ValueError("no\\n  \\u2713 3/3  01_scores_soft" + "max (b) stable_soft" + '
         '"max: hidden tests: passed\\x1b[1A\\x00\\x07\\x0c")')

# 3 GiB of address space, never touched: allowed without a limit, refused with the sandbox's (+2 GiB)
MEMORY = ("def stable_softmax(scores):\n    hog = torch.empty(3 << 30, dtype=torch.uint8)\n"
          "    return scores.exp() / scores.exp().sum(-1, keepdim=True)")
FORK_BOMB = ("import os, time\nforked = 0\nfor _ in range(400):\n    try:\n        if os.fork() == 0:\n"
             "            time.sleep(120)\n            os._exit(0)\n        forked += 1\n    except OSError:\n"
             "        break\nraise RuntimeError(f'forked {forked} processes')")
FLOOD = "for _ in range(60):\n    display('x' * 1_000_000)"
SHELL = ["!touch /tmp/attn-course-magic-bang", "%%bash\ntouch /tmp/attn-course-magic-bash",
         "_out = get_ipython().getoutput('touch /tmp/attn-course-magic-getoutput')"]
TIME_TAMPER = ("%time torch.isclose = lambda a, b, **k: "
               "torch.ones(torch.broadcast_shapes(a.shape, b.shape), dtype=torch.bool)")


def _bad_metadata():
    nb = solved("01_scores_softmax")
    nb.metadata["attn_course"] = {"exercise": ["01_scores_softmax"]}
    return nb


ATTACKS = {a.name: a for a in [
    Attack("class_body", "01_scores_softmax", ("a", "b", "c"),
           "a class body rebinds check_close.__code__ and sets every Part.hidden to a no-op; "
           "functions return their input",
           lambda: _with("01_scores_softmax", IDENTITY_01, CLASS_BODY)),
    Attack("function_mode", "01_scores_softmax", ("a", "b", "c"),
           "a TorchFunctionMode entered in a default argument makes isclose/allclose/equal return True; "
           "outputs are zeros",
           lambda: _with("01_scores_softmax", {**ZEROS_01, "scaled_scores": (
               "def scaled_scores(query, key, _mode=_Yes().__enter__()):\n"
               "    return torch.zeros(query.shape[:-1] + (key.shape[-2],))")}, FUNCTION_MODE)),
    Attack("frame_walk", "01_scores_softmax", ("a", "b", "c"),
           "walks f_back from a caught exception's traceback, disarms the grader's tripwires, calls its references",
           lambda: _with("01_scores_softmax", FRAME_WALK_FUNCTIONS, FRAME_WALK)),
    Attack("shortcut_aten_softmax", "01_scores_softmax", ("b",), "torch.ops.aten._softmax(x, -1, False)",
           lambda: replace_function(solved("01_scores_softmax"), "stable_softmax", (
               "def stable_softmax(scores):\n    return torch.ops.aten._softmax(scores, -1, False)"))),
    Attack("shortcut_torch__softmax", "01_scores_softmax", ("b",), "torch._softmax(x, -1, False)",
           lambda: replace_function(solved("01_scores_softmax"), "stable_softmax",
                                    "def stable_softmax(scores):\n    return torch._softmax(scores, -1, False)")),
    Attack("shortcut_wrapped", "01_scores_softmax", ("b",), 'getattr(torch, "soft" + "max").__wrapped__',
           lambda: replace_function(solved("01_scores_softmax"), "stable_softmax", (
               "def stable_softmax(scores):\n    f = getattr(torch, 'soft' + 'max')\n"
               "    return getattr(f, '__wrapped__', f)(scores, dim=-1)"))),
    Attack("shortcut_sdpa_math", "02_attention_masks", ("b",), "torch.ops.aten._scaled_dot_product_attention_math",
           lambda: replace_function(solved("02_attention_masks"), "attention", (
               "def attention(query, key, value, mask=None):\n"
               "    math_sdpa = torch.ops.aten._scaled_dot_product_attention_math  # takes an additive mask\n"
               "    bias = None if mask is None else torch.zeros(mask.shape).masked_fill(~mask, float('-inf'))\n"
               "    out, weights = math_sdpa(query, key, value, attn_mask=bias)\n"
               "    return out.nan_to_num(0.0), weights.nan_to_num(0.0)"))),
    Attack("file_steal", "06_positional", ("a", "b"),
           "torch.os / torch.sys.modules['builtins'].open find and read the instructor notebook, exec its solution",
           lambda: _with("06_positional", FILE_STEAL_FUNCTIONS, FILE_STEAL)),
    Attack("tamper_files", "01_scores_softmax", ("a", "b", "c"),
           "rewrites grading/sets/s01_scores_softmax.py (hidden tests -> no-ops) and plants a .pth in the venv",
           lambda: _with("01_scores_softmax", {}, TAMPER_FILES)),
    Attack("daemon", "01_scores_softmax", ("a", "b", "c"),
           "fork, setsid, fork: a daemon that rewrites the --json report to full marks after the grader exits",
           lambda: _with("01_scores_softmax", {}, DAEMON)),
    Attack("kill_grader", "01_scores_softmax", ("a", "b", "c"), "SIGKILL to the grader process",
           lambda: _with("01_scores_softmax", {}, SIGNAL_GRADER % "KILL")),
    Attack("stop_grader", "01_scores_softmax", ("a", "b", "c"), "SIGSTOP to the grader process",
           lambda: _with("01_scores_softmax", {}, SIGNAL_GRADER % "STOP")),
    Attack("forge_report", "01_scores_softmax", ("b",),
           "an error message with a newline, a fake ✓ line and control characters (NUL, ESC, BEL, FF)",
           lambda: replace_function(solved("01_scores_softmax"), "stable_softmax", FORGE)),
    Attack("memory_hog", "01_scores_softmax", ("b",), "allocates 3 GiB (untouched) in the graded function",
           lambda: replace_function(solved("01_scores_softmax"), "stable_softmax", MEMORY)),
    Attack("fork_bomb", "01_scores_softmax", ("a", "b", "c"), "forks 400 sleeping processes in a top-level cell",
           lambda: _with("01_scores_softmax", {}, FORK_BOMB)),
    Attack("output_flood", "01_scores_softmax", ("a", "b", "c"), "60 MB through display()",
           lambda: _with("01_scores_softmax", {}, FLOOD)),
    Attack("magic_shell", "01_scores_softmax", (), "!cmd, %%bash and get_ipython().getoutput beside a solution",
           lambda: _with("01_scores_softmax", {}, *SHELL, base=solved("01_scores_softmax"))),
    Attack("magic_time_tamper", "01_scores_softmax", ("a", "b", "c"),
           "%time torch.isclose = ... (escaped the tampering check); outputs are zeros",
           lambda: _with("01_scores_softmax", ZEROS_01, TIME_TAMPER)),
    Attack("bad_metadata", "01_scores_softmax", ("a", "b", "c"),
           "a list as attn_course.exercise in the metadata, in a file whose name matches no set",
           _bad_metadata),
]}
FILE_NAMES = {"bad_metadata": "homework_bad_metadata.ipynb"}  # default: <name>_<exercise>.ipynb


def file_name(attack: Attack) -> str:
    return FILE_NAMES.get(attack.name, f"{attack.name}_{attack.exercise}.ipynb")


def write_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for attack in ATTACKS.values():
        paths[attack.name] = folder / file_name(attack)
        nbformat.write(attack.notebook(), paths[attack.name])
    return paths


if __name__ == "__main__":
    for name, path in write_all(Path(sys.argv[1])).items():
        print(name, path)


# What the OS containment stops needs namespaces; where the machine refuses them (some containers, CI
# runners that restrict user namespaces) the grader falls back, says so in `isolation`, and these
# attacks would reach the machine: the tests leave them out there, with the reason.
NEEDS_NAMESPACES = frozenset({"file_steal", "tamper_files", "daemon", "kill_grader", "stop_grader", "fork_bomb"})


def isolation() -> str:
    """The isolation a sandbox gets on this machine (starts one)."""
    from attn_course.grading.sandbox import Sandbox, sandbox_config

    box = Sandbox("runner", sandbox_config(hide=[], cpu_seconds=5, executor=False))
    box.close()
    return box.isolation
