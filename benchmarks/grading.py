"""Benchmark `attn-course grade`: start-up, one submission alone, then a batch of N with --jobs J.

    .venv/bin/python benchmarks/grading.py                 # 100 submissions, --jobs 2
    .venv/bin/python benchmarks/grading.py --count 20 --jobs 2

- start-up, two ways (both printed):
  - first sandbox ready: from launching Python to the first sandbox ready; the grader process only
    imports the CLI and asks for the zygote, which imports torch for the sandboxes. Since the CLI
    stopped importing torch and nbformat before it starts the zygote, this leaves out the grader's
    own imports, which now overlap the zygote's;
  - grader ready (what ``grade`` does before its first submission): the same, plus the grader's
    imports (torch, nbformat, the references) and loading the course. It is never shorter than the
    first, and is the start-up a user waits for;
- one submission: the whole command, start-up included;
- the batch cycles through the sets, alternating solved and fresh student notebooks.

Targets (issue 14): one submission <= 8 s with start-up <= 1.5 s; 100 with --jobs 2 <= 240 s on
2 cores. Prints wall times and the load average, since other processes slow this down; asserts
nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from attn_course.grading.spec import all_sets

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "grading"))
from grading_cases import INSTRUCTOR, solved, student  # noqa: E402 - the tests' notebook builders

GRADE = [sys.executable, "-m", "attn_course.grading.cli", "grade", "--quiet", "--course", str(INSTRUCTOR)]
FIRST_SANDBOX = "sandbox.Sandbox('runner', sandbox.sandbox_config(hide=[], cpu_seconds=5, executor=False)).close()\n"
STARTUPS = {
    "first sandbox ready": "from attn_course.grading import cli, sandbox\nsandbox.start_zygote()\n" + FIRST_SANDBOX,
    "grader ready": ("from attn_course.grading import cli, sandbox\nsandbox.start_zygote()\n"  # as cli.cmd_grade
                     "from attn_course.grading import batch, reports\n"
                     f"assert cli._course({str(INSTRUCTOR)!r}) is not None\n" + FIRST_SANDBOX),
}


def make_batch(folder: Path, count: int) -> list[Path]:
    sets = all_sets()
    paths = []
    for i in range(count):
        exercise = sets[i % len(sets)]
        nb = solved(exercise.name) if i % 2 == 0 else student(exercise.name)
        path = folder / f"student{i:03d}_{exercise.name}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - start, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="start-up and single runs (the best is printed)")
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_batch(folder, args.count)
        for name, code in STARTUPS.items():
            startups = []
            for _ in range(args.repeat):
                seconds, done = timed([sys.executable, "-c", code])
                assert done.returncode == 0, done.stderr
                startups.append(seconds)
            print(f"start-up, python launched -> {name}: best {min(startups):.2f} s of {args.repeat} "
                  f"({', '.join(f'{s:.2f}' for s in startups)})")
        singles = [timed([*GRADE, str(paths[0])]) for _ in range(args.repeat)]
        best, done = min(singles, key=lambda pair: pair[0])
        print(f"one submission ({paths[0].name}, full marks, exit {done.returncode}): best {best:.2f} s wall of "
              f"{args.repeat} ({', '.join(f'{s:.2f}' for s, _ in singles)}), start-up included")
        report = folder / "report.json"
        batch, done = timed([*GRADE, "--jobs", str(args.jobs), "--json", str(report), *map(str, paths)])
        results = json.loads(report.read_text())
        full = sum(r["score"] == r["max_score"] for r in results)
        print(f"batch of {args.count} with --jobs {args.jobs}: {batch:.1f} s wall, {batch / args.count:.2f} s per "
              f"submission; {full} with full marks, {len(results) - full} without; exit {done.returncode}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        expected_full = (args.count + 1) // 2
        if full != expected_full or len(results) != args.count:
            print(f"UNEXPECTED: {full} full-mark reports, expected {expected_full}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
