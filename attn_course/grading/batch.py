"""Grade a batch of submissions: in parallel, with a progress bar, never losing a finished report.

A submission that cannot be read or identified, or whose grading fails in any way, gets a report
with an ``error`` (exit status 2) and the others are graded as usual. ``on_report`` is called
after every finished submission, so the caller can write the reports so far: an interrupted batch
keeps them, and ``--resume`` then grades only what is missing (or changed: reports carry the
file's SHA-256).
"""

from __future__ import annotations

import hashlib
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from .course import Course
from .grade import Report, grade
from .notebook import InvalidSubmission, read_submission
from .sandbox import start_zygote, stop_zygote


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def error_report(path: Path, message: str, sha256: str = "") -> Report:
    return Report(path=str(path), exercise="", seed=0, error=message, sha256=sha256)


def grade_one(path: Path, *, course: Course, hide: list[Path], **options) -> Report:
    """Grade ``path``; any failure becomes an error report, never an exception."""
    digest = _digest(path)
    try:
        submission = read_submission(path, course.sets)
    except InvalidSubmission as exc:
        return error_report(path, str(exc), digest)
    try:
        report = grade(submission, instructor=course.folder, hide=[*course.private, *hide], **options)
    except Exception as exc:  # noqa: BLE001 - one bad submission must not cost the batch
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return error_report(path, f"the grader failed on this submission: {type(exc).__name__}: {exc} "
                                  f"({Path(where.filename).name}, line {where.lineno})", digest)
    report.sha256 = digest
    return report


def progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\rgrading [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.write("\n" if done == total else "")
    sys.stderr.flush()


def grade_all(paths: list[Path], *, course: Course, jobs: int = 1, previous: dict[str, Report] | None = None,
              progress: bool = False, on_report: Callable[[list[Report]], None] | None = None,
              **options) -> list[Report]:
    """Reports for ``paths``, in their order. ``previous``: reports by path from an earlier run,
    kept when the file is unchanged. ``options``: passed to :func:`.grade.grade`."""
    previous = previous or {}
    results: dict[int, Report] = {}
    for index, path in enumerate(paths):
        old = previous.get(str(path))
        if old is not None and old.sha256 and old.sha256 == _digest(path):
            results[index] = old
    todo = [i for i in range(len(paths)) if i not in results]
    hide = sorted({p.resolve() for p in paths})  # every submission of the batch: no sandbox reads another's

    def finished() -> list[Report]:
        return [results[i] for i in sorted(results)]

    if progress and results:
        progress_bar(len(results), len(paths))
    if todo:
        start_zygote()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(grade_one, paths[i], course=course, hide=hide, **options): i for i in todo}
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if on_report:
                    on_report(finished())
                if progress:
                    progress_bar(len(results), len(paths))
        except BaseException:  # Ctrl-C: end the sandboxes now, so the running gradings stop at once
            for future in futures:
                future.cancel()
            stop_zygote(refuse_new=True)  # and start no other: a running grading fails its next sandbox at once
            raise
    return finished()
