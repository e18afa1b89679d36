"""CPU used by the dashboard's UI process while a real trainer (NumPy engine, separate process)
trains, per terminal size — in Textual's headless driver (with the time spent building each
panel) or, with ``--terminal``, in a real terminal (tmux), with the first frame's time.

Headless (default): ``DashboardApp`` over a ``ProcessLink``; every panel is built and
composited, only the terminal write is skipped. After ``--warmup`` seconds it measures for
``--seconds``: the UI process's CPU time / wall time (all its threads; the trainer is another
process), the trainer's images/s, the events drained per second, and per panel the build time
and the repaints per second.

``--terminal``: ``cnn-tui train`` in a detached tmux session of each size (truecolor), the
seconds until "Loss" is on screen, then the UI process's CPU ticks from /proc over ``--seconds``
— the write to the terminal included.

    python benchmarks/bench_ui_cpu.py --data DIR [--seconds 10] [--terminal]

The machine is shared: compare sizes and versions within one run, and repeat (``--repeats``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

SIZES = ((80, 24), (140, 45), (200, 50))
ROOT = Path(__file__).resolve().parent.parent


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


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def _ui_pid(pane_pid: int) -> int:
    """The dashboard's process: the pane's own process, or its child that runs the CLI."""
    for pid in (pane_pid, *map(int, _children(pane_pid))):
        if b"cnn_tui.tui.cli" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    return pane_pid


def _children(pid: int) -> list[str]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return out.stdout.split()


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14, 15 of proc(5))


def measure_terminal(data: str, size: tuple[int, int], seconds: float, warmup: float) -> dict:
    """The dashboard in a real terminal: first frame, then CPU % of the UI process."""
    session = f"bench-ui-cpu-{os.getpid()}"
    command = (
        f"env TERM=xterm-256color COLORTERM=truecolor OPENBLAS_NUM_THREADS=1 {sys.executable} "
        f"-m cnn_tui.tui.cli train --data {data} --epochs 40 --no-snapshots"
    )
    started = time.perf_counter()
    _tmux(
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        str(size[0]),
        "-y",
        str(size[1]),
        "-c",
        str(ROOT),
        command,
    )
    try:
        while "Loss" not in _tmux("capture-pane", "-p", "-t", session):
            if time.perf_counter() - started > 30:
                raise RuntimeError("the dashboard did not show within 30 s")
            time.sleep(0.02)
        first_frame = time.perf_counter() - started
        time.sleep(warmup)
        pid = _ui_pid(int(_tmux("list-panes", "-t", session, "-F", "#{pane_pid}").split()[0]))
        ticks0, wall0 = _cpu_ticks(pid), time.perf_counter()
        time.sleep(seconds)
        ticks, wall = _cpu_ticks(pid) - ticks0, time.perf_counter() - wall0
        _tmux("send-keys", "-t", session, "q")
        time.sleep(1.5)
    finally:
        _tmux("kill-session", "-t", session)
    return {"cpu": ticks / os.sysconf("SC_CLK_TCK") / wall, "first_frame": first_frame}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("CNN_TUI_DATA", "data/mnist"))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--sizes", default=",".join(f"{w}x{h}" for w, h in SIZES))
    parser.add_argument("--terminal", action="store_true", help="in tmux, terminal writes too")
    parser.add_argument("--repeats", type=int, default=1, help="runs per size (median shown)")
    args = parser.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    if args.terminal:
        if not shutil.which("tmux"):
            sys.exit("bench_ui_cpu: --terminal needs tmux")
        print("| size | UI CPU % of a core, median (all runs) | first frame s, median |")
        print("|---|---|---|")
        for size in sizes:
            runs = [
                measure_terminal(args.data, size, args.seconds, args.warmup)  # type: ignore[arg-type]
                for _ in range(args.repeats)
            ]
            cpus = [100 * r["cpu"] for r in runs]
            every = ", ".join(f"{c:.1f}" for c in cpus)
            frame = statistics.median(r["first_frame"] for r in runs)
            print(
                f"| {size[0]}×{size[1]} | {statistics.median(cpus):.1f} ({every}) | {frame:.2f} |",
                flush=True,
            )
        return
    print(
        "| size | UI CPU % of a core | trainer img/s | events/s "
        "| per panel: build ms/s (repaints/s) |"
    )
    print("|---|---|---|---|---|")
    for size in sizes:
        for _ in range(args.repeats):
            r = asyncio.run(measure(args.data, size, args.seconds, args.warmup))  # type: ignore[arg-type]
            panels = ", ".join(
                f"{n} {1000 * s:.0f} ({k:.1f})" for n, (s, k) in sorted(r["build"].items())
            )
            print(
                f"| {size[0]}×{size[1]} | {100 * r['cpu']:.1f} | {r['rate']:,.0f} | "
                f"{r['events_per_s']:.1f} | {panels} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
