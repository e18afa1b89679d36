"""Measure how long the timeline (``t``) takes to list a run's snapshots — each read from its
``meta.json`` alone (core/snapshot/peek.py) — against loading every one in full, as listing them
with ``load_snapshot`` would.

The snapshots are of the default network (conv 3×3×8 → dense 128 → 10) with the history of a
full 5-epoch run (9,375 steps, 5 evaluations), written into a temporary folder. Medians of
``--reps`` repetitions, alternating the two ways within each repetition (the machine is shared
and noisy; the ratio is the figure to trust).

    python benchmarks/bench_timeline.py [--snapshots 20] [--reps 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from cnn_tui.core.contract.config import RunConfig
from cnn_tui.core.contract.events import EvalRecord
from cnn_tui.core.contract.run_state import History, RunState
from cnn_tui.core.engines.params import init_params
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.core.snapshot.save import save_snapshot
from cnn_tui.core.training.link import ThreadLink, TrainerSpec
from cnn_tui.core.training.relaunch import Relaunch

STEPS = 9375


def full_run_state(step: int) -> RunState:
    """The default network at ``step`` of a 5-epoch run, with its metric history so far."""
    config = RunConfig()
    params = init_params(config.arch, 0)
    velocity = {k: [0.0] * len(v) for k, v in params.items()}
    per_epoch = STEPS // 5
    evaluations = [
        EvalRecord(
            e,
            e * per_epoch,
            0.3 / e,
            0.9 + e / 100,
            (0.9,) * 10,
            tuple(tuple(100 * (r == c) for c in range(10)) for r in range(10)),
        )
        for e in range(1, step // per_epoch + 1)
    ]
    history = History(
        losses=[2.3 / (1 + i / 500) for i in range(step)],
        accuracies=[min(0.99, i / step) for i in range(step)],
        lrs=[0.01] * step,
        epochs=[1 + i // per_epoch for i in range(step)],
        evaluations=evaluations,
    )
    epoch = 1 + step // per_epoch
    return RunState(
        config, epoch, (step % per_epoch) * 32, step, params, velocity, history, 60_000, 10_000
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=20)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(1, args.snapshots + 1):
            save_snapshot(full_run_state(i * STEPS // args.snapshots), folder, run_name="run")
        size = sum(p.stat().st_size for p in folder.glob("*.npz")) / args.snapshots / 2**20
        spec = TrainerSpec(config=RunConfig(), data_dir="unused", snapshot_dir=tmp)
        control = Relaunch(spec, ThreadLink)
        peeks, loads = [], []
        for _ in range(args.reps):
            start = time.perf_counter()
            entries = control.snapshots()
            peeks.append(time.perf_counter() - start)
            start = time.perf_counter()
            for entry in entries:
                load_snapshot(Path(entry.path))
            loads.append(time.perf_counter() - start)
        assert len(entries) == args.snapshots and not any(e.problem for e in entries)
    peek, load = statistics.median(peeks), statistics.median(loads)
    print(f"{args.snapshots} snapshots of {size:.1f} MB each, {args.reps} repetitions (median)")
    n = args.snapshots
    print(f"| listing (meta.json only) | {1000 * peek:8.1f} ms | {1000 * peek / n:6.2f} ms each |")
    print(f"| loading each in full     | {1000 * load:8.1f} ms | {1000 * load / n:6.2f} ms each |")
    print(f"| ratio                    | {load / peek:8.1f} ×  |")


if __name__ == "__main__":
    main()
