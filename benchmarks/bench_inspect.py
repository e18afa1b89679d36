"""Measure how long ``cnn-tui inspect SNAPSHOT`` takes to open: from a fresh interpreter to the
mistakes browser on screen, evaluating the whole test set — and how long moving between digits
takes in the detail view.

Each repetition runs in a new process (imports, snapshot load, MNIST load, engine build,
evaluation of every test digit, first frame of the browser; Textual headless, 80×24). The
interpreter's own start-up is included (the child measures from the parent's clock). Medians
are reported: the machine is shared and noisy.

    python benchmarks/bench_inspect.py SNAPSHOT [--data DIR] [--reps 5] [--engine numpy]

Without SNAPSHOT, one is trained first (1 epoch, default network) into a temp folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import asyncio, json, sys, time
t_parent = float(sys.argv[1])
t_start = time.time() - t_parent
from pathlib import Path
from cnn_tui.core.data.load import load_test_set
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.tui.inspector.app import InspectorApp
from cnn_tui.tui.inspector.detail_screen import DetailScreen
t_imports = time.time() - t_parent

async def main():
    t = time.perf_counter()
    state = load_snapshot(Path(sys.argv[2]))
    t_snapshot = time.perf_counter() - t
    t = time.perf_counter()
    test = load_test_set(sys.argv[3])  # what `cnn-tui inspect` reads
    t_data = time.perf_counter() - t
    app = InspectorApp(state, test, sys.argv[4] or None)
    async with app.run_test(size=(80, 24)) as pilot:
        while app.open_seconds is None:
            await asyncio.sleep(0.005)
        await pilot.pause()  # the browser's first frame
        opened = time.time() - t_parent
        await pilot.press("enter")
        await pilot.pause()
        moves, idle = [], []
        for _ in range(20):  # next digit: compute the detail, build the picture, repaint
            t = time.perf_counter()
            app.screen.action_step(1)
            await pilot.pause()
            moves.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()  # the same round trip with nothing to do (Pilot's overhead)
            app.screen.refresh()
            await pilot.pause()
            idle.append((time.perf_counter() - t) * 1000)
        assert isinstance(app.screen, DetailScreen)
    median = lambda v: sorted(v)[len(v) // 2]
    print(json.dumps({"open_s": opened, "in_app_s": app.open_seconds, "size": len(test),
                      "start_s": t_start, "imports_s": t_imports - t_start,
                      "snapshot_s": t_snapshot, "data_s": t_data,
                      "move_ms": median(moves), "idle_ms": median(idle)}))

asyncio.run(main())
"""


def train_snapshot(data: str, folder: Path) -> Path:
    subprocess.run(
        [
            "cnn-tui",
            "train",
            "--headless",
            "--data",
            data,
            "--epochs",
            "1",
            "--snapshot-dir",
            str(folder),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return max(folder.glob("*.npz"), key=lambda p: p.stat().st_mtime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("snapshot", nargs="?")
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data/mnist"))
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--engine", default="")
    parser.add_argument(
        "--blas-threads",
        default="1",
        help="OPENBLAS_NUM_THREADS for the child ('' leaves it unset); default 1 (as a trainer)",
    )
    args = parser.parse_args()
    snapshot = Path(args.snapshot) if args.snapshot else None
    if snapshot is None:
        snapshot = train_snapshot(args.data, Path(tempfile.mkdtemp(prefix="bench-inspect-")))
    env = dict(os.environ)
    if args.blas_threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = args.blas_threads
    results = []
    for _ in range(args.reps):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, repr(time.time()), str(snapshot), args.data, args.engine],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))

    def col(key: str) -> list[float]:
        return [r[key] for r in results]

    blas = args.blas_threads or "default"
    print(f"snapshot {snapshot.name}, {results[0]['size']:,} test digits, BLAS threads {blas}")
    print("| what | median | min | max |")
    print("|---|---|---|---|")
    for name, values, unit in (
        ("open: new process → browser shown", col("open_s"), "s"),
        ("  interpreter start", col("start_s"), "s"),
        ("  imports (textual, numpy, cnn_tui)", col("imports_s"), "s"),
        ("  load_snapshot", col("snapshot_s"), "s"),
        ("  load_test_set (the test files only)", col("data_s"), "s"),
        ("  in the app: engine + evaluation of every digit + screen", col("in_app_s"), "s"),
        ("next digit in the detail view, key → repainted (median of 20)", col("move_ms"), "ms"),
        ("  the same Pilot round trip with nothing to do", col("idle_ms"), "ms"),
    ):
        fmt = "{:.2f}" if unit == "s" else "{:.1f}"
        cells = [
            fmt.format(v) + " " + unit
            for v in (statistics.median(values), min(values), max(values))
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
