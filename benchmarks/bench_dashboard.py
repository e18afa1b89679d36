"""Training throughput with the dashboard open, against headless, on the same machine and run.

Alternates headless runs (`cnn-tui train --headless`, the trainer in the main thread) and dashboard
runs (`DashboardApp` over a `ProcessLink`, rendered by Textual's headless driver at 140×45: every
panel is built and composited, only the terminal write is skipped) and prints the medians.
Throughput is the trainer's own measure (images/s per window, weighted by steps), so both modes
are timed the same way. The machine is shared: compare the ratio within one run.

    python benchmarks/bench_dashboard.py --data DIR --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def headless_rate(data: str, limit: int, engine: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        metrics = Path(folder) / "m.jsonl"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cnn_tui.tui.cli",
                "train",
                "--headless",
                "--data",
                data,
                "--engine",
                engine,
                "--epochs",
                "1",
                "--limit",
                str(limit),
                "--test-limit",
                "100",
                "--no-snapshots",
                "--metrics",
                str(metrics),
            ],
            check=True,
            capture_output=True,
        )
        rates = [
            r["images_per_s"]
            for r in map(json.loads, metrics.read_text().splitlines())
            if r["event"] == "batch"
        ]
    return statistics.fmean(rates[len(rates) // 10 :])  # skip the warm-up tenth


def dashboard_rate(data: str, limit: int, engine: str) -> tuple[float, float]:
    from cnn_tui.core.contract.config import RunConfig
    from cnn_tui.core.contract.events import BatchesEnded
    from cnn_tui.core.training.link import ProcessLink, TrainerSpec
    from cnn_tui.tui.dashboard.app import DashboardApp

    spec = TrainerSpec(
        config=RunConfig(epochs=1, engine=engine), data_dir=data, limit=limit, test_limit=100
    )
    link = ProcessLink(spec)
    windows: list[tuple[int, float]] = []
    drain = link.drain

    def recording_drain(max_events: int = 1000) -> list:
        events = drain(max_events)
        windows.extend(
            (len(e.losses), e.images_per_s) for e in events if isinstance(e, BatchesEnded)
        )
        return events

    link.drain = recording_drain  # type: ignore[method-assign]
    app = DashboardApp(link)
    frames: list[float] = []

    async def run() -> None:
        async with app.run_test(size=(140, 45)) as pilot:
            while app.state.run_state not in ("finished", "failed"):
                started = time.perf_counter()
                await pilot.pause(0.1)
                frames.append(time.perf_counter() - started - 0.1)
            await pilot.press("q")

    asyncio.run(run())
    kept = windows[len(windows) // 10 :]
    steps = sum(n for n, _ in kept)
    return sum(n * rate for n, rate in kept) / steps, statistics.median(frames)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data/mnist"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=60_000, help="images per run (one epoch)")
    parser.add_argument("--engine", default="numpy", choices=("numpy", "python"))
    args = parser.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    headless, dashboard, lag = [], [], []
    for round_ in range(1, args.rounds + 1):
        headless.append(headless_rate(args.data, args.limit, args.engine))
        rate, frame = dashboard_rate(args.data, args.limit, args.engine)
        dashboard.append(rate)
        lag.append(frame)
        print(
            f"round {round_}: headless {headless[-1]:,.0f} img/s, "
            f"dashboard {dashboard[-1]:,.0f} img/s ({dashboard[-1] / headless[-1]:.0%})",
            file=sys.stderr,
        )
    h, d = statistics.median(headless), statistics.median(dashboard)
    ratios = [b / a for a, b in zip(headless, dashboard, strict=True)]
    print(f"| engine | headless img/s | dashboard img/s | ratio (median of {args.rounds}) |")
    print("|---|---|---|---|")
    print(f"| {args.engine} | {h:,.0f} | {d:,.0f} | {statistics.median(ratios):.0%} |")
    print(f"\nUI event-loop lag per 100 ms tick, median: {statistics.median(lag) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
