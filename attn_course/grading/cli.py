"""``attn-course``: grade, check a notebook, release student notebooks, list the sets, build a Gradescope autograder.

The course (instructor notebooks: solutions, hidden-test markers, expected check outputs; and
optionally its own exercise sets with their hidden tests) is not part of the package: pass its
folder with ``--course DIR`` (``--instructor DIR`` is the same option), or set
``ATTN_COURSE_INSTRUCTOR``, or run from a directory that holds ``instructor_exercises/``.

Exit status of ``grade``: 0 every submission has full marks, 1 graded but not all full marks,
2 a submission could not be graded (its report says why; the others are graded as usual).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .spec import INSTRUCTOR_ENV, MissingFolder, students_dir  # spec imports only the standard library

# Everything else is imported where it is used: ``grade`` starts the zygote (which imports torch for the
# sandboxes) before this process imports torch, nbformat and the course, so the two overlap.
if TYPE_CHECKING:
    from .course import Course


def _course(given: str | None) -> Course | None:
    from .course import CourseError, load_course

    try:
        return load_course(given)
    except (MissingFolder, CourseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _previous(path: str | None) -> dict:
    from .grade import Report

    if not path or not Path(path).exists():
        return {}
    try:
        return {r["path"]: Report.from_json(r) for r in json.loads(Path(path).read_text(encoding="utf-8"))}
    except (ValueError, KeyError, TypeError) as exc:
        print(f"warning: cannot resume from {path} ({exc}); grading everything", file=sys.stderr)
        return {}


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold a Ctrl-C (SIGINT) until the block ends, then raise it: the reports written inside
    (JSON, CSV) are all from the same moment, never one with a submission more than the other."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread can set a handler
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def cmd_grade(args: argparse.Namespace) -> int:
    from .sandbox import start_zygote

    start_zygote()  # first: it imports torch for the sandboxes while this process loads the course
    from . import reports
    from .batch import grade_all

    course = _course(args.course)
    if course is None:
        return 2
    if args.resume and not args.json:
        print("error: --resume reads the reports so far from --json FILE; pass it", file=sys.stderr)
        return 2
    paths = [Path(p) for p in args.submissions]

    def save(done: list) -> None:  # after every submission: an interrupted batch keeps its reports
        with interrupts_deferred():
            if args.json:
                reports.write(Path(args.json), reports.as_json(done))
            if args.csv:
                reports.write(Path(args.csv), reports.gradebook(done))

    progress = args.progress or (sys.stderr.isatty() and len(paths) > 1)
    try:
        results = grade_all(paths, course=course, jobs=args.jobs, previous=_previous(args.json) if args.resume else {},
                            progress=progress, on_report=save, cell_timeout=args.timeout,
                            total_timeout=args.total_timeout, seed=args.seed)
    except KeyboardInterrupt:
        print("\ninterrupted: the finished reports are saved; run the same command with --resume to grade the rest",
              file=sys.stderr)
        return 130
    save(results)
    for report in results:
        if not args.quiet or report.error:
            print(reports.text(report), file=sys.stdout if not report.error else sys.stderr)
    if args.gradescope:
        reports.write(Path(args.gradescope), reports.gradescope(results))
    if args.junit:
        reports.write(Path(args.junit), reports.junit(results))
    if any(r.error for r in results):
        return 2
    return 0 if all(r.score == r.max_score for r in results) else 1


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check

    return check(Path(args.notebook), cell_timeout=args.timeout)


def cmd_release(args: argparse.Namespace) -> int:
    from .release import release

    course = _course(args.course)
    try:
        students = students_dir(args.students)
    except MissingFolder as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if course is None:
        return 2
    for exercise in [s for s in course.sets if not args.sets or s.name in args.sets]:
        print(f"wrote {release(exercise, course.folder, students)}")
    return 0


def _found(find, given: str | None):
    """``find(given)``, or None when nothing was given and the default folder is absent."""
    try:
        return find(given)
    except MissingFolder:
        if given is not None:
            raise
        return None


def cmd_exercises(args: argparse.Namespace) -> int:
    """The sets and their points; a notebook path is shown (as the folder was given) only when
    its folder is given or found, else null / "-"."""
    from .course import CourseError, load_course
    from .spec import all_sets

    try:
        course, students = _found(load_course, args.course), _found(students_dir, args.students)
    except (MissingFolder, CourseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = [{"name": s.name, "title": s.title,
             "student": str(s.student(students)) if students else None,
             "solution": str(s.solution(course.folder)) if course else None, "points": s.points,
             "parts": [{"id": p.id, "function": p.function, "points": p.points, "forbidden": list(p.forbidden)}
                       for p in s.parts]}
            for s in (course.sets if course else all_sets())]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['name']:<20} {row['points']:>3} points  {row['student'] or '-'}  "
                  f"(solution: {row['solution'] or '-'})")
        print(f"{len(rows)} sets, {sum(r['points'] for r in rows)} points")
    return 0


def cmd_gradescope(args: argparse.Namespace) -> int:
    from .autograder import build

    course = _course(args.course)
    if course is None:
        return 2
    print(f"wrote {build(course, Path(args.out), timeout=args.timeout)}")
    return 0


_COURSE_HELP = (f"the course folder: instructor notebooks, and optionally sets/ with the hidden tests "
                f"(default: ${INSTRUCTOR_ENV}, else ./instructor_exercises)")


def _course_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", "--instructor", dest="course", metavar="DIR", help=_COURSE_HELP)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="attn-course", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade submitted notebooks (exit 0: all full marks, 1: not, 2: ungradable)")
    g.add_argument("submissions", nargs="+", metavar="SUBMISSION.ipynb")
    _course_option(g)
    g.add_argument("--json", metavar="OUT", help="write a JSON report (after every submission)")
    g.add_argument("--csv", metavar="OUT", help="write a CSV gradebook (after every submission)")
    g.add_argument("--junit", metavar="OUT", help="write JUnit XML (GitHub Classroom, CI)")
    g.add_argument("--gradescope", metavar="OUT", help="write Gradescope results.json")
    g.add_argument("--resume", action="store_true", help="keep the reports in --json of unchanged files")
    g.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="per cell and per hidden test (10)")
    g.add_argument("--total-timeout", type=float, default=120.0, metavar="SECONDS", help="per notebook run (120)")
    g.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="submissions graded in parallel")
    g.add_argument("--seed", type=int, default=None, help="hidden-test seed (default: drawn at random)")
    g.add_argument("--progress", action="store_true", help="show a progress bar even when stderr is not a TTY")
    g.add_argument("--quiet", "-q", action="store_true", help="no per-part feedback on stdout")
    g.set_defaults(func=cmd_grade)
    c = sub.add_parser("check", help="run a notebook's public checks (the hidden tests run only at grading)")
    c.add_argument("notebook", metavar="NOTEBOOK.ipynb")
    c.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="per cell (30)")
    c.set_defaults(func=cmd_check)
    r = sub.add_parser("release", help="generate the student notebooks from the instructor ones")
    r.add_argument("sets", nargs="*", help="set names (default: all)")
    _course_option(r)
    r.add_argument("--students", "--out", dest="students", metavar="DIR",
                   help="write the student notebooks here (default: ./book/student_exercises)")
    r.set_defaults(func=cmd_release)
    e = sub.add_parser("exercises", help="list the exercise sets")
    e.add_argument("--json", action="store_true")
    _course_option(e)
    e.add_argument("--students", metavar="DIR", help="the student notebooks (default: ./book/student_exercises)")
    e.set_defaults(func=cmd_exercises)
    z = sub.add_parser("gradescope", help="build a Gradescope autograder zip for the course")
    z.add_argument("--out", required=True, metavar="ZIP")
    _course_option(z)
    z.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="grade --timeout in the zip (10)")
    z.set_defaults(func=cmd_gradescope)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
