"""CPU used by the dashboard's UI process while a real trainer (NumPy engine, separate process)
trains, per terminal size, with the time spent building each panel.

For each size: start ``DashboardApp`` over a ``ProcessLink`` (Textual's headless driver: every
panel is built and composited, only the terminal write is skipped), let it warm up, then measure
for ``--seconds``: the UI process's CPU time / wall time (all its threads; the trainer is another
process), the trainer's images/s, and per panel the total build time and the number of repaints.

    /work/venv/bin/python benchmarks/bench_ui_cpu.py --data /work/shared/data/mnist [--seconds 10]

The machine is shared: compare sizes and versions within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections import defaultdict

SIZES = ((80, 24), (140, 45), (200, 50))


async def measure(data: str, size: tuple[int, int], seconds: float, warmup: float) -> dict:
    from cnn_tui.core.contract.config import RunConfig
    from cnn_tui.core.contract.events import BatchesEnded
    from cnn_tui.core.training.link import ProcessLink, TrainerSpec
    from cnn_tui.tui.dashboard.app import DashboardApp

    spec = TrainerSpec(config=RunConfig(epochs=5), data_dir=data, limit=60_000, test_limit=1000)
    link = ProcessLink(spec)
    rates: list[float] = []
    events = 0
    drain = link.drain

    def counting_drain(max_events: int = 1000) -> list:
        nonlocal events
        got = drain(max_events)
        events += len(got)
        rates.extend(e.images_per_s for e in got if isinstance(e, BatchesEnded))
        return got

    link.drain = counting_drain  # type: ignore[method-assign]
    app = DashboardApp(link)
    build_s: dict[str, float] = defaultdict(float)
    repaints: dict[str, int] = defaultdict(int)

    def wrap(name: str, panel) -> None:  # noqa: ANN001
        original = panel.build

        def timed(width: int, height: int):  # noqa: ANN202
            t0 = time.perf_counter()
            try:
                return original(width, height)
            finally:
                build_s[name] += time.perf_counter() - t0
                repaints[name] += 1

        panel.build = timed

    async with app.run_test(size=size) as pilot:
        for name, panel in app.dashboard.panels.items():
            wrap(name, panel)
        await pilot.pause(warmup)
        build_s.clear()
        repaints.clear()
        rates.clear()
        events = 0
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await pilot.pause(seconds)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        await pilot.press("q")
    return {
        "cpu": cpu / wall,
        "rate": statistics.median(rates) if rates else float("nan"),
        "events_per_s": events / wall,
        "build": {n: (build_s[n] / wall, repaints[n] / wall) for n in build_s},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data/mnist"))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--sizes", default=",".join(f"{w}x{h}" for w, h in SIZES))
    args = parser.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    print("| size | UI CPU % of a core | trainer img/s | events/s "
          "| per panel: build ms/s (repaints/s) |")  # fmt: skip
    print("|---|---|---|---|---|")
    for size in sizes:
        r = asyncio.run(measure(args.data, size, args.seconds, args.warmup))  # type: ignore[arg-type]
        panels = ", ".join(
            f"{n} {1000 * s:.0f} ({k:.1f})" for n, (s, k) in sorted(r["build"].items())
        )
        print(f"| {size[0]}×{size[1]} | {100 * r['cpu']:.1f} | {r['rate']:,.0f} | "
              f"{r['events_per_s']:.1f} | {panels} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
