"""Report formats: human-readable text, JSON, Gradescope ``results.json`` and JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from .grade import Report


def text(report: Report) -> str:
    lines = [f"{report.path}  [{report.exercise}]  {report.score:g} / {report.max_score:g} points"]
    for test in report.tests:
        mark = "✓" if test.status == "passed" else "✗"
        lines.append(f"  {mark} {test.score:g}/{test.max_score:g}  {test.name}: {test.message}")
    lines += [f"  note: {note}" for note in report.notes]
    return "\n".join(lines)


def as_json(reports: list[Report]) -> list[dict]:
    """[{path, score, max_score, tests: [{name, score, max_score, status, message}]}], plus exercise, seed, notes."""
    return [report.as_json() for report in reports]


def gradescope(reports: list[Report]) -> dict:
    """Gradescope autograder ``results.json``: one object; several submissions are summed."""
    prefix = len(reports) > 1
    tests = [
        {"name": (f"{r.path}: " if prefix else "") + t.name, "score": t.score, "max_score": t.max_score,
         "status": t.status, "output": t.message}
        for r in reports for t in r.tests
    ]
    notes = [f"{r.path}: {n}" if prefix else n for r in reports for n in r.notes]
    return {
        "score": sum(r.score for r in reports),
        "max_score": sum(r.max_score for r in reports),
        "output": "\n".join(notes) if notes else "Graded by attn-course.",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def junit(reports: list[Report]) -> str:
    """JUnit XML: one <testsuite> per submission, one <testcase> per graded test."""
    root = ET.Element("testsuites", name="attn-course", tests=str(sum(len(r.tests) for r in reports)),
                      failures=str(sum(t.status != "passed" for r in reports for t in r.tests)))
    for r in reports:
        suite = ET.SubElement(root, "testsuite", name=r.path, tests=str(len(r.tests)),
                              failures=str(sum(t.status != "passed" for t in r.tests)), errors="0")
        props = ET.SubElement(suite, "properties")
        for key, value in (("score", r.score), ("max_score", r.max_score), ("exercise", r.exercise), ("seed", r.seed)):
            ET.SubElement(props, "property", name=key, value=str(value))
        for t in r.tests:
            case = ET.SubElement(suite, "testcase", classname=r.exercise, name=t.name)
            if t.status != "passed":
                failure = ET.SubElement(case, "failure", message=t.message)
                failure.text = f"{t.score:g}/{t.max_score:g} points: {t.message}"
            else:
                ET.SubElement(case, "system-out").text = f"{t.score:g}/{t.max_score:g} points: {t.message}"
        if r.notes:
            ET.SubElement(suite, "system-err").text = "\n".join(r.notes)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def write(path: Path, content: str | dict | list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = content if isinstance(content, str) else json.dumps(content, indent=2, ensure_ascii=False)
    path.write_text(body + "\n", encoding="utf-8")
