"""pytest plugin for the grading run: one JSON line per nbval cell, written as it finishes.

Written line by line so that results survive if the run is killed at the total time limit.
The path comes from the ``ATTN_COURSE_NBVAL_REPORT`` environment variable.
"""

from __future__ import annotations

import json
import os
import re

from .._notebooks import strip_ansi

_LIMIT = 2000


def pytest_runtest_logreport(report) -> None:
    path = os.environ.get("ATTN_COURSE_NBVAL_REPORT")
    if not path or (report.when != "call" and report.passed):
        return
    match = re.search(r"::Cell (\d+)", report.nodeid)
    if not match:
        return
    # After a timeout nbval marks later cells xfail, so a failure shows up as "skipped".
    text = strip_ansi(report.longreprtext or "") if not report.passed else ""
    record = {"cell": int(match.group(1)), "when": report.when, "outcome": report.outcome, "text": text[-_LIMIT:]}
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
