"""The benchmark run the efficiency chapter quotes, read from the JSON that ``make bench`` publishes.

``benchmarks/attention.py --publish`` times ``flash_attention``, ``attention()`` (with and
without a causal mask) and PyTorch's SDPA (its fused flash kernel and its unfused math
backend) at several lengths, forward and forward+backward, measures peak memory in fresh
subprocesses, and writes ``data/attention_bench.json`` next to this module. The chapter reads
that committed file, so its numbers are one real run on a known machine and the notebook's
outputs stay the same from build to build; rerun ``make bench`` to see your machine's.
"""

from __future__ import annotations

import json
from pathlib import Path

from .tables import Table

#: The committed report of ``benchmarks/attention.py --publish``.
BENCH_PATH = Path(__file__).parent / "data" / "attention_bench.json"


def load_bench(path: Path | str | None = None) -> dict:
    """The benchmark report (a dict with ``config``, ``time`` and ``memory``), by default :data:`BENCH_PATH`."""
    path = BENCH_PATH if path is None else Path(path)
    report = json.loads(path.read_text())
    missing = {"config", "time", "memory"} - set(report)
    if missing:
        raise ValueError(f"{path} is not a report of benchmarks/attention.py: it lacks {sorted(missing)}")
    return report


def ratio(report: dict, name: str, length: int, mode: str = "forward") -> float:
    """One ratio of medians, e.g. ``ratio(report, "flash/sdpa", 1024)``; ``mode`` is forward or forward+backward."""
    return report["time"][str(length)][mode]["ratio"][name]


def memory_ratio(report: dict, length: int, over: str = "naive", under: str = "flash") -> float:
    """Peak extra memory of ``over`` divided by that of ``under`` at ``length`` (naive / flash by default)."""
    cells = report["memory"]
    return cells[over][str(length)]["extra_bytes"] / cells[under][str(length)]["extra_bytes"]


#: Column titles for the ratio names that benchmarks/attention.py writes.
RATIO_TITLES = {
    "flash/sdpa": "flash_attention / SDPA",
    "naive/sdpa": "attention() / SDPA",
    "naive/sdpa_math": "attention() / SDPA math",
    "attention/sdpa_math (mask)": "attention() / SDPA math, causal mask",
}


def ratio_table(report: dict) -> Table:
    """The report's ratios as a :class:`.Table`: one row per (mode, L), one column per ratio."""
    names = list(next(iter(next(iter(report["time"].values())).values()))["ratio"])
    rows = []
    for mode in ("forward", "forward+backward"):
        for length, cell in report["time"].items():
            values = cell[mode]["ratio"]
            rows.append((f"{mode}, L = {length}", *(f"{values[n]:.2f}" for n in names)))
    return Table(header=("", *(RATIO_TITLES.get(n, n) for n in names)), rows=tuple(rows),
                 caption="Ratios of median times (1.00 = as fast as the reference; lower is faster)")
