"""Report formats: text, JSON, CSV gradebook, Gradescope ``results.json`` and JUnit XML.

Every string from a report passes through :func:`clean` on its way out: student code chooses
the text of its own exceptions, so a message could otherwise carry newlines (a fake "✓" line in
the text report), terminal escapes, or characters that make the XML invalid for the whole batch.
"""

from __future__ import annotations

import csv
import io
import json
import os
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

from .grade import Report

_LIMIT = 2000


def clean(text: object, limit: int = _LIMIT) -> str:
    """``text`` on one line: control and format characters (newlines, ESC, NUL, bidi overrides, lone
    surrogates) become a space or go, and it is cut at ``limit`` characters."""
    out = []
    for char in str(text)[: limit * 2]:
        kind = unicodedata.category(char)
        if kind == "Cc" or char in "\u2028\u2029":
            out.append(" " if char.isspace() else "")
        elif kind not in ("Cf", "Cs", "Co", "Cn"):
            out.append(char)
    line = "".join(out).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _clean_report(report: Report) -> dict:
    data = report.as_json()
    for key in ("path", "exercise", "isolation", "error"):
        data[key] = clean(data[key])
    data["notes"] = [clean(n) for n in data["notes"]]
    data["tests"] = [{**t, "name": clean(t["name"]), "message": clean(t["message"])} for t in data["tests"]]
    return data


def text(report: Report) -> str:
    data = _clean_report(report)
    if data["error"]:
        return f"{data['path']}  could not be graded: {data['error']}"
    lines = [f"{data['path']}  [{data['exercise']}]  {data['score']:g} / {data['max_score']:g} points"]
    for test in data["tests"]:
        mark = "✓" if test["status"] == "passed" else "✗"
        lines.append(f"  {mark} {test['score']:g}/{test['max_score']:g}  {test['name']}: {test['message']}")
    lines += [f"  note: {note}" for note in data["notes"]]
    return "\n".join(lines)


def as_json(reports: list[Report]) -> list[dict]:
    """[{path, exercise, seed, score, max_score, tests: [{name, score, max_score, status, message}], notes,
    isolation, error, sha256}]: see ``schemas/report.schema.json``."""
    return [_clean_report(r) for r in reports]


def gradebook(reports: list[Report]) -> str:
    """CSV, one row per submission: path, exercise, score, max_score, percent, then each part's points."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["path", "exercise", "score", "max_score", "percent", "parts", "error"])
    for r in map(_clean_report, reports):
        parts = "; ".join(f"{t['name']} {t['score']:g}/{t['max_score']:g}" for t in r["tests"])
        percent = f"{100 * r['score'] / r['max_score']:.1f}" if r["max_score"] else ""
        row = [r["path"], r["exercise"], f"{r['score']:g}", f"{r['max_score']:g}", percent, parts, r["error"]]
        writer.writerow([("'" + v if v[:1] in "=+-@" and not v[1:2].isdigit() else v) for v in row])  # no formulas
    return buffer.getvalue()


def gradescope(reports: list[Report]) -> dict:
    """Gradescope autograder ``results.json``: one object; several submissions are summed."""
    prefix = len(reports) > 1
    data = [_clean_report(r) for r in reports]
    tests = [
        {"name": (f"{r['path']}: " if prefix else "") + t["name"], "score": t["score"], "max_score": t["max_score"],
         "status": t["status"], "output": t["message"]}
        for r in data for t in r["tests"]
    ]
    notes = [f"{r['path']}: {n}" if prefix else n
             for r in data for n in r["notes"] + ([r["error"]] if r["error"] else [])]
    return {
        "score": sum(r["score"] for r in data),
        "max_score": sum(r["max_score"] for r in data),
        "output": "\n".join(notes) if notes else "Graded by attn-course.",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def junit(reports: list[Report]) -> str:
    """JUnit XML: one <testsuite> per submission, one <testcase> per graded test (an <error> if ungradable)."""
    data = [_clean_report(r) for r in reports]
    root = ET.Element("testsuites", name="attn-course", tests=str(sum(max(len(r["tests"]), 1) for r in data)),
                      failures=str(sum(t["status"] != "passed" for r in data for t in r["tests"])),
                      errors=str(sum(bool(r["error"]) for r in data)))
    for r in data:
        suite = ET.SubElement(root, "testsuite", name=r["path"], tests=str(max(len(r["tests"]), 1)),
                              failures=str(sum(t["status"] != "passed" for t in r["tests"])),
                              errors=str(int(bool(r["error"]))))
        props = ET.SubElement(suite, "properties")
        for key in ("score", "max_score", "exercise", "seed"):
            ET.SubElement(props, "property", name=key, value=str(r[key]))
        if r["error"]:
            case = ET.SubElement(suite, "testcase", classname=r["exercise"] or "submission", name="grading")
            ET.SubElement(case, "error", message=r["error"]).text = r["error"]
        for t in r["tests"]:
            case = ET.SubElement(suite, "testcase", classname=r["exercise"], name=t["name"])
            body = f"{t['score']:g}/{t['max_score']:g} points: {t['message']}"
            if t["status"] != "passed":
                ET.SubElement(case, "failure", message=t["message"]).text = body
            else:
                ET.SubElement(case, "system-out").text = body
        if r["notes"]:
            ET.SubElement(suite, "system-err").text = "\n".join(r["notes"])
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def write(path: Path, content: str | dict | list) -> None:
    """Write atomically (a temporary file, then rename), so a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = content if isinstance(content, str) else json.dumps(content, indent=2, ensure_ascii=False)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(body + ("" if body.endswith("\n") else "\n"), encoding="utf-8")
    os.replace(partial, path)
