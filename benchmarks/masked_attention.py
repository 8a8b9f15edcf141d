"""Benchmark: attention() with a boolean mask vs SDPA's math backend (CPU).

    .venv/bin/python benchmarks/masked_attention.py
    .venv/bin/python benchmarks/masked_attention.py --lengths 256 1024 --repeats 21 --masks causal

B=1, h=8, d=64, float32, torch.set_num_threads(2), no_grad. For each length and
mask the two methods are called in turn inside each repeat (interleaved, so a
burst of load from other processes hits both alike) and the medians compared:

    attention:  attn_course.attention(q, k, v, mask)           -> (output, weights)
    sdpa_math:  F.scaled_dot_product_attention(q, k, v, attn_mask=mask) under
                sdpa_kernel(SDPBackend.MATH)                   -> output only

Masks (bool, True = may attend): ``causal`` is (L, L); ``padding`` is
(1, 1, 1, L) with the last eighth of the keys blocked. Every row keeps at
least one key, since SDPA returns NaN on fully blocked rows.

Prints the ratio table attention / sdpa_math and writes JSON (default
benchmarks/results/masked_attention.json). The load average is printed with
every row: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from _report import write_report  # benchmarks/_report.py: scripts run from this folder
from torch.nn.attention import SDPBackend, sdpa_kernel

from attn_course import attention

HEADS, DIM = 8, 64


def make_mask(kind: str, length: int) -> torch.Tensor:
    if kind == "causal":
        return torch.ones(length, length, dtype=torch.bool).tril()  # (L, L)
    mask = torch.ones(1, 1, 1, length, dtype=torch.bool)  # (B, h, L_q, L_k) broadcast
    mask[..., length - length // 8 :] = False
    return mask


def sdpa_math(q, k, v, mask):
    with sdpa_kernel(SDPBackend.MATH):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


METHODS = {"attention": lambda q, k, v, mask: attention(q, k, v, mask), "sdpa_math": sdpa_math}


def measure(length: int, kind: str, repeats: int) -> dict:
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(1, HEADS, length, DIM, generator=g) for _ in range(3))  # (B, h, L, d)
    mask = make_mask(kind, length)
    times: dict[str, list[float]] = {m: [] for m in METHODS}
    with torch.no_grad():
        error = float((attention(q, k, v, mask)[0] - sdpa_math(q, k, v, mask)).abs().max())
        for fn in METHODS.values():  # warm-up
            fn(q, k, v, mask)
        for _ in range(repeats):
            for name, fn in METHODS.items():
                start = time.perf_counter()
                fn(q, k, v, mask)
                times[name].append(time.perf_counter() - start)
    medians = {m: statistics.median(t) for m, t in times.items()}
    return {"median_s": medians, "min_s": {m: min(t) for m, t in times.items()}, "repeats": repeats,
            "ratio": medians["attention"] / medians["sdpa_math"],
            "ratio_of_mins": min(times["attention"]) / min(times["sdpa_math"]),
            "max_abs_error": error, "load_average": list(os.getloadavg())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lengths", type=int, nargs="+", default=[256, 1024, 4096])
    parser.add_argument("--masks", nargs="+", choices=("causal", "padding"), default=["causal", "padding"])
    parser.add_argument("--repeats", type=int, default=21, help="repeats at L <= 1024 (a third of it, >= 5, above)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "masked_attention.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    report: dict = {"config": {"batch": 1, "heads": HEADS, "d": DIM, "dtype": "float32", "threads": args.threads,
                               "torch": torch.__version__, "machine": platform.machine(),
                               "load_average_start": list(os.getloadavg())}, "results": {}}
    print(f"attention(q, k, v, mask) / SDPA math backend; medians of interleaved repeats, threads={args.threads}")
    print(f"{'mask':>8} {'L':>6} {'reps':>4} {'attn ms':>9} {'math ms':>9} {'ratio':>6} {'min ratio':>9} "
          f"{'max err':>8}  load avg (1, 5, 15 min)")
    for kind in args.masks:
        report["results"][kind] = {}
        for length in args.lengths:
            reps = args.repeats if length <= 1024 else max(5, args.repeats // 3)
            row = measure(length, kind, reps)
            report["results"][kind][length] = row
            ms = row["median_s"]
            load = ", ".join(f"{x:.2f}" for x in row["load_average"])
            print(f"{kind:>8} {length:>6} {reps:>4} {ms['attention'] * 1e3:>9.2f} {ms['sdpa_math'] * 1e3:>9.2f} "
                  f"{row['ratio']:>6.2f} {row['ratio_of_mins']:>9.2f} {row['max_abs_error']:>8.1e}  {load}",
                  flush=True)
    write_report(report, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
