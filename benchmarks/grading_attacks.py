"""Grade the attack notebooks of issue 14 with the grader of any checkout, and print what each achieved.

    .venv/bin/python benchmarks/grading_attacks.py --root .                 # this checkout's grader
    .venv/bin/python benchmarks/grading_attacks.py --root /path/to/old/checkout --safe-only

The notebooks come from ``tests/grading/grading_cases.py`` of *this* checkout. Some attacks
damage the grader when they succeed (they write its files and its venv, leave a daemon, signal
the grader): run an old grader only on a throwaway copy, e.g. inside ``unshare --mount`` with an
overlay over the checkout. ``--safe-only`` leaves out the memory hog, the fork bomb and the
output flood, which need the limits of the new sandbox not to hurt the machine. Prints one row
per attack: the score on the parts it attacks, and what it did beyond that.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "grading"))
import grading_cases  # noqa: E402 - the attack catalogue lives with the tests

UNSAFE = ("memory_hog", "fork_bomb", "output_flood")
# tamper_files runs last: when it succeeds, the grader it damaged would skew every later run
MARKERS = [Path("/tmp") / f"attn-course-magic-{k}" for k in ("bang", "bash", "getoutput")]


def grade(root: Path, python: str, paths: list[Path], out: Path, timeout: float = 600) -> dict:
    cmd = [python, "-m", "attn_course.grading.cli", "grade", "--instructor", str(root / "instructor_exercises"),
           "--json", str(out / "r.json"), "--junit", str(out / "r.xml"), "--jobs", "2", *map(str, paths)]
    env = {**os.environ, "PYTHONPATH": str(root)}
    start = time.monotonic()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=out,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        hung = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGCONT)
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        hung = True
    reports = {}
    if (out / "r.json").exists():
        try:
            reports = {Path(r["path"]).name: r for r in json.loads((out / "r.json").read_text())}
        except ValueError:
            pass
    return {"rc": process.returncode, "hung": hung, "stdout": stdout, "stderr": stderr, "reports": reports,
            "seconds": time.monotonic() - start}


def attacked_score(report: dict | None, parts: tuple[str, ...]) -> str:
    if report is None:
        return "no report"
    got = sum(t["score"] for t in report["tests"] if any(f"({p})" in t["name"] for p in parts))
    most = sum(t["max_score"] for t in report["tests"] if any(f"({p})" in t["name"] for p in parts))
    return f"{got:g}/{most:g}"


def daemons() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "attn-daemon":
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True, help="the checkout whose grader to run")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--safe-only", action="store_true", help="leave out the attacks that need limits")
    parser.add_argument("--stop-timeout", type=float, default=150.0, help="when a stopped grader counts as hung")
    parser.add_argument("--only", nargs="*", help="grade only these attacks of the batch (and none of the others)")
    args = parser.parse_args()
    root = args.root.resolve()
    rows: dict[str, tuple[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="attn-attacks-") as tmp:
        tmp = Path(tmp)
        subs = grading_cases.write_all(tmp / "subs")
        solved = tmp / "subs" / "solved_01_scores_softmax.ipynb"
        import nbformat

        nbformat.write(grading_cases.solved("01_scores_softmax"), solved)
        fresh = tmp / "subs" / "untouched_01_scores_softmax.ipynb"
        nbformat.write(grading_cases.student("01_scores_softmax"), fresh)
        batch = [n for n in subs if n not in ("tamper_files", "daemon", "kill_grader", "stop_grader", "bad_metadata")
                 and not (args.safe_only and n in UNSAFE) and (not args.only or n in args.only)]
        for marker in MARKERS:
            marker.unlink(missing_ok=True)
        run = grade(root, args.python, [subs[n] for n in batch] + [solved], _mk(tmp, "batch"))
        junit_ok = _parses(tmp / "batch" / "r.xml")
        for name in batch:
            attack = grading_cases.ATTACKS[name]
            effect = ""
            if name == "forge_report":  # its own block of the text report: a ✓ line that no test wrote
                blocks = [b for b in run["stdout"].split("\n/") if subs[name].name in b.splitlines()[0]]
                marks = [ln for ln in (blocks[0].splitlines()[1:] if blocks else []) if ln.lstrip()[:1] in "✓✗"]
                report = run["reports"].get(subs[name].name)
                fake = report is not None and len(marks) > len(report["tests"])  # more ✓/✗ lines than tests
                effect = f"JUnit XML {'valid' if junit_ok else 'INVALID'}; fake ✓ line in text report: {fake}"
            if name == "magic_shell":
                effect = f"shell commands ran: {sum(m.exists() for m in MARKERS)}/{len(MARKERS)}"
            if name in UNSAFE:
                effect = f"batch finished (rc {run['rc']}, {run['seconds']:.0f} s)"
            rows[name] = (attacked_score(run["reports"].get(subs[name].name), attack.parts), effect)
        for marker in MARKERS:
            marker.unlink(missing_ok=True)
        if args.only:
            return _print(rows)
        out = _mk(tmp, "daemon")
        run = grade(root, args.python, [subs["daemon"]], out)
        time.sleep(5)
        late = json.loads((out / "r.json").read_text()) if (out / "r.json").exists() else []
        alive = daemons()
        rows["daemon"] = (attacked_score(run["reports"].get(subs["daemon"].name), ("a", "b", "c")),
                          f"report 5 s after exit: {late[0]['score'] if late else '-'}/9; daemons alive: {len(alive)}")
        for pid in alive:
            os.kill(pid, signal.SIGKILL)
        for name, timeout in (("kill_grader", 600), ("stop_grader", args.stop_timeout), ("bad_metadata", 600)):
            run = grade(root, args.python, [subs[name], solved], _mk(tmp, name), timeout=timeout)
            other = attacked_score(run["reports"].get(solved.name), ("a", "b", "c"))
            rows[name] = (attacked_score(run["reports"].get(subs[name].name), grading_cases.ATTACKS[name].parts),
                          f"rc {run['rc']}{' (hung, killed)' if run['hung'] else ''}; other submission: {other}")
        site = _site_packages(args.python)
        before = _snapshot(root, site)
        run = grade(root, args.python, [subs["tamper_files"]], _mk(tmp, "tamper"))
        after = grade(root, args.python, [fresh], _mk(tmp, "untouched"))
        now = _snapshot(root, site)
        changed = sorted(str(p) for p in before.keys() | now.keys()
                         if before.get(p) != now.get(p) and not str(p).endswith(".pyc"))
        untouched = attacked_score(after["reports"].get(fresh.name), ("a", "b", "c"))
        rows["tamper_files"] = (attacked_score(run["reports"].get(subs["tamper_files"].name), ("a", "b", "c")),
                                f"next untouched notebook: {untouched}; "
                                f"files changed: {len(changed)} {[Path(c).name for c in changed][:4]}")
    return _print(rows)


def _print(rows: dict[str, tuple[str, str]]) -> int:
    print("| attack | score on attacked parts | effect |\n|---|---|---|")
    for name, (score, effect) in rows.items():
        print(f"| {name} | {score} | {effect} |")
    return 0


def _mk(tmp: Path, name: str) -> Path:
    (tmp / name).mkdir()
    return tmp / name


def _parses(path: Path) -> bool:
    try:
        ET.parse(path)
        return True
    except (ET.ParseError, OSError):
        return False


def _site_packages(python: str) -> list[Path]:
    out = subprocess.run([python, "-c", "import site; print('\\n'.join(site.getsitepackages()))"],
                         capture_output=True, text=True).stdout
    return [Path(p) for p in out.split()]


def _snapshot(root: Path, site: list[Path]) -> dict[Path, tuple[int, int]]:
    files = [p for p in (root / "attn_course").rglob("*") if p.is_file()]
    files += [p for folder in site for p in folder.glob("*.pth")]
    return {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in files}


if __name__ == "__main__":
    sys.exit(main())
