"""Benchmark: tiled flash_attention vs naive attention vs PyTorch's SDPA (CPU).

    .venv/bin/python benchmarks/attention.py            # or: make bench
    .venv/bin/python benchmarks/attention.py --repeats 15 --block-size 256 512

Methods: ``flash`` (attn_course.flash_attention), ``naive`` (attn_course.attention),
``sdpa`` (F.scaled_dot_product_attention, PyTorch's fused flash CPU kernel) and
``sdpa_math`` (the same call restricted to SDPBackend.MATH, the unfused reference);
for the timing also ``masked`` (attn_course.attention with a causal bool mask) and
``math_masked`` (SDPA's math backend with the same mask).

Time: B=1, h=8, d=64, float32, torch.set_num_threads(2), forward (no_grad) and
forward+backward (autograd.grad of the output against a fixed dO); the four
methods are called in turn inside each repeat (interleaved, so a burst of load
from other processes hits all alike) and the medians are compared. The table
prints the ratios of medians flash/sdpa, naive/sdpa, naive/sdpa_math and
masked/math_masked ("attention/SDPA-math": attention() with a mask against SDPA's
math backend with the same mask; benchmarks/masked_attention.py has more masks).

Memory: one fresh subprocess per (method, L). The child imports torch, makes
its inputs, reads VmHWM (peak resident set) from /proc/self/status as the
baseline, runs the method once and reads VmHWM again; the difference is the
peak *extra* memory. ru_maxrss is not used: a child inherits its parent's
high-water mark across fork + exec. Naive attention needs ~2 h L² 4 bytes
(scores and weights); configurations that would take more than half of the
machine's available memory are skipped (``--allow-large`` overrides).

Prints a table and writes JSON (default benchmarks/results/attention.json);
``--publish`` also copies it to attn_course/lessons/data/attention_bench.json, the
run whose numbers the efficiency chapter quotes (attn_course.lessons.bench).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from _report import write_report  # benchmarks/_report.py: scripts run from this folder
from torch.nn.attention import SDPBackend, sdpa_kernel

from attn_course import attention, flash_attention
from attn_course.lessons.measure import fit_exponent

HEADS, DIM = 8, 64
METHODS = ("flash", "naive", "sdpa", "sdpa_math")  # timed and measured in memory
TIMED = (*METHODS, "masked", "math_masked")  # the last two with a causal bool mask
RATIOS = {"flash/sdpa": ("flash", "sdpa"), "naive/sdpa": ("naive", "sdpa"), "naive/sdpa_math": ("naive", "sdpa_math"),
          "attention/sdpa_math (mask)": ("masked", "math_masked")}
PUBLISHED = Path(__file__).resolve().parent.parent / "attn_course" / "lessons" / "data" / "attention_bench.json"
MODES = ("forward", "forward+backward")


def run(method: str, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, block: tuple[int, int] | None):
    if method in ("masked", "math_masked"):
        mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()  # (L_q, L_k), True = may attend
        if method == "masked":
            return attention(q, k, v, mask)[0]
        with sdpa_kernel(SDPBackend.MATH):
            return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    if method == "flash":
        return flash_attention(q, k, v, block_size=block)
    if method == "naive":
        return attention(q, k, v)[0]
    if method == "sdpa_math":
        with sdpa_kernel(SDPBackend.MATH):
            return F.scaled_dot_product_attention(q, k, v)
    return F.scaled_dot_product_attention(q, k, v)


def inputs(length: int, seed: int = 0) -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(1, HEADS, length, DIM, generator=g) for _ in range(3))  # (B, h, L, d)


def vm_hwm_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(method: str, length: int, block: tuple[int, int] | None) -> None:
    torch.set_num_threads(2)
    q, k, v = inputs(length)
    run(method, q[:, :, :8], k[:, :, :8], v[:, :, :8], block)  # load kernels and allocator state first
    baseline = vm_hwm_bytes()
    with torch.no_grad():
        out = run(method, q, k, v, block)
    peak = vm_hwm_bytes()
    print(json.dumps({"extra_bytes": peak - baseline, "checksum": float(out.sum())}))


def mem_available() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def measure_memory(lengths, block, allow_large: bool) -> dict:
    results: dict = {m: {} for m in METHODS}
    for length in lengths:
        for method in METHODS:
            need = 2 * HEADS * length * length * 4 if method in ("naive", "sdpa_math") else 0
            if need and not allow_large and need > mem_available() / 2:
                results[method][length] = {"skipped": f"needs ~{need / 2**30:.1f} GiB"}
                continue
            cmd = [sys.executable, __file__, "--child", method, str(length)]
            if block:
                cmd += ["--block-size", *map(str, block)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            results[method][length] = json.loads(done.stdout.strip().splitlines()[-1])
    return results


def timed(method: str, mode: str, qkv: tuple[torch.Tensor, ...], grad: torch.Tensor, block) -> float:
    start = time.perf_counter()
    if mode == "forward":
        with torch.no_grad():
            run(method, *qkv, block)
    else:
        torch.autograd.grad(run(method, *qkv, block), qkv, grad)
    return time.perf_counter() - start


def max_errors(qkv: tuple[torch.Tensor, ...], grad: torch.Tensor, block) -> dict:
    """Max |method - sdpa| of the output (forward) and of dQ, dK, dV (forward+backward)."""
    results = {}
    for method in TIMED:
        out = run(method, *qkv, block)
        results[method] = (out.detach(), torch.autograd.grad(out, qkv, grad))
    refs = {m: results["math_masked" if m == "masked" else "sdpa"] for m in TIMED}  # masked: vs the same mask
    return {m: {"forward": float((out - refs[m][0]).abs().max()),
                "forward+backward": max(float((g - r).abs().max()) for g, r in zip(grads, refs[m][1], strict=True))}
            for m, (out, grads) in results.items()}


def measure_time(lengths, block, repeats: int, threads: int = 2) -> dict:
    torch.set_num_threads(threads)
    results: dict = {}
    for length in lengths:
        qkv = tuple(x.requires_grad_() for x in inputs(length))
        grad = inputs(length, seed=1)[0]
        errors = max_errors(qkv, grad, block)
        results[length] = {}
        for mode in MODES:
            reps = max(3, repeats if length <= 1024 else repeats // 2)
            times: dict[str, list[float]] = {m: [] for m in TIMED}
            for _ in range(reps):
                for method in TIMED:
                    times[method].append(timed(method, mode, qkv, grad, block))
            med = {m: statistics.median(t) for m, t in times.items()}
            results[length][mode] = {
                "median_s": med, "repeats": reps, "load_average": os.getloadavg()[0],
                "max_abs_error_vs_sdpa": {m: errors[m][mode] for m in TIMED},  # masked: vs math_masked
                "ratio": {name: med[a] / med[b] for name, (a, b) in RATIOS.items()},
            }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "L"), help=argparse.SUPPRESS)
    parser.add_argument("--block-size", nargs=2, type=int, metavar=("BLOCK_Q", "BLOCK_K"))
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--time-lengths", type=int, nargs="+", default=[256, 1024, 4096])
    parser.add_argument("--memory-lengths", type=int, nargs="+", default=[2048, 8192])
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads for the timing (default 2)")
    parser.add_argument("--allow-large", action="store_true", help="run naive attention even if it needs > half of RAM")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "attention.json")
    parser.add_argument("--publish", action="store_true", help=f"also write the report to {PUBLISHED}")
    args = parser.parse_args(argv)
    block = tuple(args.block_size) if args.block_size else None
    if args.child:
        child(args.child[0], int(args.child[1]), block)
        return 0

    report = {"config": {"batch": 1, "heads": HEADS, "d": DIM, "dtype": "float32", "threads": args.threads,
                         "block_size": block, "torch": torch.__version__, "machine": platform.machine(),
                         "cpus": os.cpu_count(), "load_average_start": list(os.getloadavg())}}
    report["time"] = measure_time(args.time_lengths, block, args.repeats, args.threads)
    print(f"\nTime (medians of interleaved repeats, ms), block_size={block or 'default'}, "
          f"threads={args.threads}, load average at start {report['config']['load_average_start'][0]:.2f}")
    print(f"{'mode':>16} {'L':>5} {'reps':>4} " + " ".join(f"{m:>11}" for m in TIMED) + f" {'load':>5}")
    for mode in MODES:
        for length, cell in report["time"].items():
            row = cell[mode]
            print(f"{mode:>16} {length:>5} {row['repeats']:>4} "
                  + " ".join(f"{row['median_s'][m] * 1e3:>11.2f}" for m in TIMED) + f" {row['load_average']:>5.2f}")
    print("\nRatios of medians (lower is faster; 1.00 = as fast as the reference)")
    print(f"{'mode':>16} {'L':>5} " + " ".join(f"{name:>26}" for name in RATIOS) + f" {'flash max err':>13}")
    for mode in MODES:
        for length, cell in report["time"].items():
            row = cell[mode]
            print(f"{mode:>16} {length:>5} " + " ".join(f"{r:>26.2f}" for r in row["ratio"].values())
                  + f" {row['max_abs_error_vs_sdpa']['flash']:>13.1e}")
    if not args.skip_memory:
        memory = measure_memory(args.memory_lengths, block, args.allow_large)
        report["memory"] = memory
        print("\nPeak extra memory (VmHWM after - before, fresh subprocess per cell), MiB")
        print(f"{'L':>6} " + " ".join(f"{m:>10}" for m in METHODS) + f" {'naive/flash':>12}")
        for length in args.memory_lengths:
            cells = [memory[m][length] for m in METHODS]
            text = [f"{c['extra_bytes'] / 2**20:>10.1f}" if "extra_bytes" in c else f"{'skipped':>10}" for c in cells]
            ratio = (cells[1]["extra_bytes"] / cells[0]["extra_bytes"]
                     if "extra_bytes" in cells[1] and cells[0]["extra_bytes"] > 0 else float("nan"))
            print(f"{length:>6} " + " ".join(text) + f" {ratio:>12.1f}")
        slopes: dict = {"all": {}, "last3": {}}
        for method in METHODS:
            points = [(n, c["extra_bytes"]) for n, c in memory[method].items() if c.get("extra_bytes", 0) > 0]
            if len(points) >= 2:
                slopes["all"][method] = fit_exponent(*zip(*points, strict=True))
                slopes["last3"][method] = fit_exponent(*zip(*points[-3:], strict=True))
        report["memory_loglog_slope"] = slopes
        for span, values in slopes.items():
            text = ", ".join(f"{m} {s:.2f}" for m, s in values.items())
            print(f"log-log slope of memory vs L ({span} points): {text}")
    write_report(report, args.output)
    if args.publish:
        write_report(report, PUBLISHED)
    return 0


if __name__ == "__main__":
    sys.exit(main())
