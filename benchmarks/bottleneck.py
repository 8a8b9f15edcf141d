"""The bottleneck experiment trained to convergence: per seed, accuracy by length and the step each model converged.

    .venv/bin/python benchmarks/bottleneck.py --record     # seed 0: writes the record 06a plots (RECORD)
    .venv/bin/python benchmarks/bottleneck.py --seeds 1 2  # other seeds, printed only
    .venv/bin/python benchmarks/bottleneck.py --train-size 0 --steps 9600  # new call signs at every step

Trains both models of :data:`attn_course.lessons.bottleneck.CONVERGENCE_RUN` (the same training set, sizes,
initialisation seed, batch order, constant learning rate and number of steps) and prints, per seed,
held-out exact match per input-length bin and per letter count, the held-out curve every
``eval_every`` steps with the mean training loss over those steps, and the step from which each model
passes the convergence check of :mod:`attn_course.lessons.convergence` (``None``: not converged).
``--steps`` overrides the budget (a multiple of one pass over the training set), ``--train-size`` the
training set. Wall time depends on how
busy the machine is; CPU time (``time.process_time``, one thread) is what an idle machine's wall time would
be close to.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from attn_course.lessons.bottleneck import CONVERGENCE_RUN, RECORD, convergence_steps, run_bottleneck, save_record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--steps", type=int, default=CONVERGENCE_RUN.steps, help="optimisation steps, both models")
    parser.add_argument("--train-size", type=int, default=CONVERGENCE_RUN.train_size,
                        help="distinct training call signs; 0: new ones at every step")
    parser.add_argument("--record", action="store_true", help=f"write seed 0's run to {RECORD.name}")
    args = parser.parse_args()
    setup = dataclasses.replace(CONVERGENCE_RUN, steps=args.steps, train_size=args.train_size)
    if args.record and (args.seeds != [0] or setup != CONVERGENCE_RUN):
        parser.error("--record writes the chapter's run: seed 0 at the default steps")
    for seed in args.seeds:
        wall, cpu = time.perf_counter(), time.process_time()
        result = run_bottleneck(seed, setup)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"\nseed {seed}, {result.steps} steps: cpu {cpu:.1f} s, wall {wall:.1f} s")
        bins = [f"{lo}-{hi - 1}" for lo, hi in zip(result.bins[:-1], result.bins[1:], strict=True)]
        print(f"  {'input ' + setup.tokens:<20}" + "".join(f"{b:>8}" for b in bins))
        print(f"  {'test examples':<20}" + "".join(f"{n:>8}" for n in result.counts))
        for name, rates in result.accuracy.items():
            print(f"  {name:<20}" + "".join(f"{r:8.3f}" for r in rates))
        print(f"  {'letters':<20}" + "".join(f"{k:>8}" for k in setup.lengths))
        for name, rates in result.by_letters.items():
            print(f"  {name:<20}" + "".join(f"{r:8.3f}" for r in rates))
        for name, step in convergence_steps(result).items():
            print(f"  converged from step, {name}: {step}")
        for name, curve in result.curves.items():
            print(f"  held-out curve, {name} (step, mean training loss since the last, exact match per bin):")
            losses = result.losses[name]
            for step, row in zip(result.eval_steps, curve, strict=True):
                mean = sum(losses[step - setup.eval_every : step]) / setup.eval_every
                print(f"    {step:>6} {mean:7.4f}" + "".join(f"{r:8.3f}" for r in row))
        if args.record:
            save_record(result, setup, seed, RECORD, command="python benchmarks/bottleneck.py --record")
            print(f"wrote {RECORD}")


if __name__ == "__main__":
    main()
