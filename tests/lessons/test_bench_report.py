"""attn_course.lessons.bench: reading the committed `make bench` report the efficiency chapter quotes."""

from __future__ import annotations

import json

import pytest

from attn_course.lessons.bench import BENCH_PATH, load_bench, memory_ratio, ratio, ratio_table

MODES = ("forward", "forward+backward")


def fake_report(lengths=(256, 1024)) -> dict:
    """A report shaped like benchmarks/attention.py's, with made-up medians whose ratios are known."""
    time = {}
    for length in lengths:
        time[str(length)] = {}
        for i, mode in enumerate(MODES):
            med = {"flash": 3.0 + i, "sdpa": 2.0, "naive": 4.0, "sdpa_math": 8.0}
            time[str(length)][mode] = {"median_s": med, "ratio": {"flash/sdpa": med["flash"] / med["sdpa"],
                                                                  "naive/sdpa_math": med["naive"] / med["sdpa_math"]}}
    memory = {"naive": {"2048": {"extra_bytes": 500}}, "flash": {"2048": {"extra_bytes": 20}}}
    return {"config": {"threads": 2}, "time": time, "memory": memory}


def test_load_and_read_back_a_report(tmp_path):
    path = tmp_path / "report.json"
    path.write_text(json.dumps(fake_report()))
    report = load_bench(path)
    assert ratio(report, "flash/sdpa", 1024) == 1.5
    assert ratio(report, "flash/sdpa", 256, "forward+backward") == 2.0
    assert memory_ratio(report, 2048) == 25.0
    table = ratio_table(report)
    assert table.header == ("", "flash_attention / SDPA", "attention() / SDPA math")
    assert len(table.rows) == 2 * 2  # one row per (mode, L)
    assert table.rows[0] == ("forward, L = 256", "1.50", "0.50")
    assert table.rows[-1] == ("forward+backward, L = 1024", "2.00", "0.50")
    assert "<th scope=\"row\">forward+backward, L = 1024</th><td>2.00</td>" in table._repr_html_()


def test_a_file_that_is_not_a_report_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"config": {}}))
    with pytest.raises(ValueError, match="lacks"):
        load_bench(path)


def test_the_committed_report_has_what_the_chapter_quotes():
    report = load_bench()  # BENCH_PATH, written by `make bench BENCH_ARGS=--publish`
    assert BENCH_PATH.name == "attention_bench.json"
    for length in (256, 1024, 4096):
        for mode in MODES:
            cell = report["time"][str(length)][mode]
            assert set(cell["ratio"]) >= {"flash/sdpa", "naive/sdpa", "attention/sdpa_math (mask)"}
            for name, (a, b) in {"flash/sdpa": ("flash", "sdpa"), "naive/sdpa": ("naive", "sdpa")}.items():
                assert cell["ratio"][name] == cell["median_s"][a] / cell["median_s"][b]  # ratios of its own medians
    assert memory_ratio(report, 8192) > 1 and memory_ratio(report, 2048) > 1
    assert report["config"]["threads"] == 2
