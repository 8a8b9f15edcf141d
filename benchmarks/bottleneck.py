"""The bottleneck experiment per seed, and the fixed-vector model again at k times the budget.

    .venv/bin/python benchmarks/bottleneck.py --seeds 0 1 2 --budgets 1 2 4
    .venv/bin/python benchmarks/bottleneck.py --seeds 0 --budgets 1 8 16

Prints, per seed and budget, exact match per input-length bin and per letter count, the training loss
averaged over tenths of the run, and the time taken. At budgets above 1 only the model without
attention is trained (the question is whether more steps would close its gap); the test set is the
same at every budget. Each later budget's line "largest change from x1" is the largest change of the
model without attention in any bin: the convergence check of
:func:`attn_course.lessons.bottleneck.budget_check`. Wall time depends on how busy the machine is;
CPU time (``time.process_time``, one thread) is what an idle machine's wall time would be close to.
"""

from __future__ import annotations

import argparse
import time

from attn_course.lessons.bottleneck import MODEL_NAMES, BottleneckSetup, run_bottleneck


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--budgets", type=int, nargs="+", default=[1, 2, 4], help="multiples of the default steps")
    parser.add_argument("--steps", type=int, default=BottleneckSetup.steps, help="steps at budget 1")
    args = parser.parse_args()
    without = MODEL_NAMES[False]
    for seed in args.seeds:
        first: list[float] | None = None
        for budget in args.budgets:
            setup = BottleneckSetup(steps=budget * args.steps)
            wall, cpu = time.perf_counter(), time.process_time()
            result = run_bottleneck(seed, setup, attention=(True, False) if budget == 1 else (False,))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"\nseed {seed}, {result.steps} steps (budget x{budget}): cpu {cpu:.1f} s, wall {wall:.1f} s")
            bins = [f"{lo}-{hi - 1}" for lo, hi in zip(result.bins[:-1], result.bins[1:], strict=True)]
            print(f"  {'input ' + setup.tokens:<20}" + "".join(f"{b:>8}" for b in bins))
            print(f"  {'test examples':<20}" + "".join(f"{n:>8}" for n in result.counts))
            for name, rates in result.accuracy.items():
                print(f"  {name:<20}" + "".join(f"{r:8.3f}" for r in rates))
            print(f"  {'letters':<20}" + "".join(f"{k:>8}" for k in setup.lengths))
            for name, rates in result.by_letters.items():
                print(f"  {name:<20}" + "".join(f"{r:8.3f}" for r in rates))
            for name, losses in result.losses.items():
                tenth = max(1, len(losses) // 10)
                means = [sum(losses[i : i + tenth]) / tenth for i in range(0, len(losses), tenth)]
                print(f"  loss, {name}: " + " ".join(f"{m:.3f}" for m in means))
            if first is None:
                first = result.accuracy[without]
            else:
                change = max(abs(a - b) for a, b in zip(result.accuracy[without], first, strict=True))
                print(f"  largest change from x{args.budgets[0]}, {without}: {change:.3f}")


if __name__ == "__main__":
    main()
