"""``attn-course``: grade submissions, release student notebooks, list the exercise sets."""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import reports
from .grade import Report, grade
from .notebook import InvalidSubmission, read_submission
from .spec import ROOT, all_sets


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\rgrading [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.write("\n" if done == total else "")
    sys.stderr.flush()


def cmd_grade(args: argparse.Namespace) -> int:
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
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(grade, s, cell_timeout=args.timeout, total_timeout=args.total_timeout, seed=args.seed)
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

    chosen = [s for s in all_sets() if not args.sets or s.name in args.sets]
    for exercise in chosen:
        path = release(exercise, Path(args.out) if args.out else None)
        print(f"wrote {path}")
    return 0


def cmd_exercises(args: argparse.Namespace) -> int:
    rows = [{"name": s.name, "title": s.title, "student": str(s.student.relative_to(ROOT)),
             "solution": str(s.solution.relative_to(ROOT)), "points": s.points,
             "parts": [{"id": p.id, "function": p.function, "points": p.points} for p in s.parts]}
            for s in all_sets()]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['name']:<20} {row['points']:>3} points  {row['student']}  (solution: {row['solution']})")
        print(f"{len(rows)} sets, {sum(r['points'] for r in rows)} points")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="attn-course", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade submitted notebooks (exit 0: all full marks, 1: not, 2: unreadable)")
    g.add_argument("submissions", nargs="+", metavar="SUBMISSION.ipynb")
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
    r.add_argument("--out", metavar="DIR", help="write here instead of book/exercises/")
    r.set_defaults(func=cmd_release)
    e = sub.add_parser("exercises", help="list the exercise sets")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_exercises)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
