"""``attn-course``: grade submissions, release student notebooks, list the exercise sets.

The instructor notebooks (solutions, hidden-test markers, the expected check outputs) are not
part of the package: pass their folder with ``--instructor DIR``, or set
``ATTN_COURSE_INSTRUCTOR``, or run from a directory that holds ``instructor_exercises/``.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import reports
from .grade import Report, grade
from .notebook import InvalidSubmission, read_submission
from .sandbox import start_zygote
from .spec import INSTRUCTOR_ENV, MissingFolder, all_sets, instructor_dir, students_dir


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\rgrading [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.write("\n" if done == total else "")
    sys.stderr.flush()


def cmd_grade(args: argparse.Namespace) -> int:
    try:
        instructor = instructor_dir(args.instructor)
    except MissingFolder as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    paths = [Path(p) for p in args.submissions]
    submissions, status = [], 0
    for path in paths:
        try:
            submissions.append(read_submission(path))
        except InvalidSubmission as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
    show_progress = args.progress or (sys.stderr.isatty() and len(submissions) > 1)
    results: list[Report] = []
    start_zygote()
    folders = sorted({p.resolve().parent for p in paths})
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(grade, s, instructor=instructor, cell_timeout=args.timeout,
                               total_timeout=args.total_timeout, seed=args.seed, hide=folders)
                   for s in submissions]
        for done, future in enumerate(futures, 1):
            results.append(future.result())
            if show_progress:
                _progress(done, len(futures))
    for report in results:
        if not args.quiet:
            print(reports.text(report))
    if args.json:
        reports.write(Path(args.json), reports.as_json(results))
    if args.gradescope:
        reports.write(Path(args.gradescope), reports.gradescope(results))
    if args.junit:
        reports.write(Path(args.junit), reports.junit(results))
    if status:
        return status
    return 0 if all(r.score == r.max_score for r in results) else 1


def cmd_release(args: argparse.Namespace) -> int:
    from .release import release

    try:
        instructor, students = instructor_dir(args.instructor), students_dir(args.students)
    except MissingFolder as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    chosen = [s for s in all_sets() if not args.sets or s.name in args.sets]
    for exercise in chosen:
        path = release(exercise, instructor, students)
        print(f"wrote {path}")
    return 0


def _found(find, given: str | None) -> Path | None:
    """``find(given)``, or None when nothing was given and the default folder is absent."""
    try:
        return find(given)
    except MissingFolder:
        if given is not None:
            raise
        return None


def cmd_exercises(args: argparse.Namespace) -> int:
    """The sets and their points come with the package; a notebook path is shown (as the folder
    was given) only when its folder is given or found, else null / "-"."""
    try:
        instructor, students = _found(instructor_dir, args.instructor), _found(students_dir, args.students)
    except MissingFolder as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = [{"name": s.name, "title": s.title,
             "student": str(s.student(students)) if students else None,
             "solution": str(s.solution(instructor)) if instructor else None, "points": s.points,
             "parts": [{"id": p.id, "function": p.function, "points": p.points} for p in s.parts]}
            for s in all_sets()]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['name']:<20} {row['points']:>3} points  {row['student'] or '-'}  "
                  f"(solution: {row['solution'] or '-'})")
        print(f"{len(rows)} sets, {sum(r['points'] for r in rows)} points")
    return 0


_INSTRUCTOR_HELP = (f"the instructor notebooks (default: ${INSTRUCTOR_ENV}, else ./instructor_exercises)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="attn-course", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade submitted notebooks (exit 0: all full marks, 1: not, 2: unreadable)")
    g.add_argument("submissions", nargs="+", metavar="SUBMISSION.ipynb")
    g.add_argument("--instructor", metavar="DIR", help=_INSTRUCTOR_HELP)
    g.add_argument("--json", metavar="OUT", help="write a JSON report")
    g.add_argument("--junit", metavar="OUT", help="write JUnit XML (GitHub Classroom, CI)")
    g.add_argument("--gradescope", metavar="OUT", help="write Gradescope results.json")
    g.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="per cell and per hidden test (10)")
    g.add_argument("--total-timeout", type=float, default=120.0, metavar="SECONDS", help="per submission (120)")
    g.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="submissions graded in parallel")
    g.add_argument("--seed", type=int, default=None, help="hidden-test seed (default: drawn at random)")
    g.add_argument("--progress", action="store_true", help="show a progress bar even when stderr is not a TTY")
    g.add_argument("--quiet", "-q", action="store_true", help="no per-part feedback on stdout")
    g.set_defaults(func=cmd_grade)
    r = sub.add_parser("release", help="generate the student notebooks from the instructor ones")
    r.add_argument("sets", nargs="*", help="set names (default: all)")
    r.add_argument("--instructor", metavar="DIR", help=_INSTRUCTOR_HELP)
    r.add_argument("--students", "--out", dest="students", metavar="DIR",
                   help="write the student notebooks here (default: ./book/student_exercises)")
    r.set_defaults(func=cmd_release)
    e = sub.add_parser("exercises", help="list the exercise sets")
    e.add_argument("--json", action="store_true")
    e.add_argument("--instructor", metavar="DIR", help=_INSTRUCTOR_HELP)
    e.add_argument("--students", metavar="DIR", help="the student notebooks (default: ./book/student_exercises)")
    e.set_defaults(func=cmd_exercises)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
