"""Benchmark `attn-course grade`: one submission alone, then a batch of N with --jobs J.

    .venv/bin/python benchmarks/grading.py                 # 100 submissions, --jobs 2
    .venv/bin/python benchmarks/grading.py --count 20 --jobs 2

The batch cycles through the seven sets, alternating solved and fresh student notebooks.
Targets (issue 7): <= 10 s for one submission, <= 300 s for 100 with --jobs 2 on 2 cores.
Prints wall times, and the load average, since other processes on the machine slow this down.
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
INSTRUCTOR, STUDENTS = REPO / "instructor_exercises", REPO / "book" / "student_exercises"
GRADE = [sys.executable, "-m", "attn_course.grading.cli", "grade", "--quiet", "--instructor", str(INSTRUCTOR)]


def solved(exercise) -> nbformat.NotebookNode:
    """The student notebook with the instructor's answers pasted in, as a student would submit it."""
    student = nbformat.read(exercise.student(STUDENTS), as_version=4)
    solution = nbformat.read(exercise.solution(INSTRUCTOR), as_version=4)
    for part in exercise.parts:
        (answer,) = [c.source for c in solution.cells if f"def {part.function}(" in c.source]
        (cell,) = [c for c in student.cells if c.cell_type == "code" and f"def {part.function}(" in c.source]
        cell.source = "\n".join(line for line in answer.splitlines() if "### " not in line)
    return student


def make_batch(folder: Path, count: int) -> list[Path]:
    sets = all_sets()
    paths = []
    for i in range(count):
        exercise = sets[i % len(sets)]
        nb = solved(exercise) if i % 2 == 0 else nbformat.read(exercise.student(STUDENTS), as_version=4)
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
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_batch(folder, args.count)
        single, done = timed([*GRADE, str(paths[0])])
        print(f"one submission ({paths[0].name}, full marks, exit {done.returncode}): {single:.1f} s wall "
              "(includes starting the grader)")
        report = folder / "report.json"
        batch, done = timed([*GRADE, "--jobs", str(args.jobs), "--json", str(report), *map(str, paths)])
        results = json.loads(report.read_text())
        full = sum(r["score"] == r["max_score"] for r in results)
        cpu = sum(r["cpu_seconds"] for r in results) / len(results)
        print(f"batch of {args.count} with --jobs {args.jobs}: {batch:.1f} s wall, {batch / args.count:.2f} s per "
              f"submission; {full} with full marks, {len(results) - full} without; exit {done.returncode}")
        print(f"CPU time per submission (nbval run with its kernel, and hidden tests): {cpu:.2f} s; "
              f"on {os.cpu_count()} idle cores the batch needs about {cpu * args.count / os.cpu_count():.0f} s")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        expected_full = (args.count + 1) // 2
        if full != expected_full or len(results) != args.count:
            print(f"UNEXPECTED: {full} full-mark reports, expected {expected_full}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
