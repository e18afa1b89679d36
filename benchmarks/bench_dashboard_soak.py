"""Soak benchmark for the dashboard: two hours of simulated NumPy-engine training (≈375 steps/s,
coalesced to 20 BatchesEnded/s, 3 samples/s, an evaluation per epoch) pushed through the real
DashboardApp (headless, 140×45) as fast as it will drain, with key presses while it streams.

Prints, at the start (after 2 simulated minutes) and at the end: process RSS, history size, and
the median time to repaint every panel; then key-press latency (p50/p95/max) measured in the app
while events stream at the real rate (20 BatchesEnded/s, 3 samples/s):
from posting the key event to the status line showing the pending request ("pausing…"/"resuming…").

    /work/venv/bin/python benchmarks/bench_dashboard_soak.py [--hours 2]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from collections import deque

from textual import events

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.synthetic import SyntheticTrainer
from cnn_tui.tui.widgets.status import StatusBar

STEPS_PER_S = 375  # 12,000 images/s at batch 32
EVENTS_PER_S = 20
SAMPLES_PER_S = 3
SIM_SECONDS_PER_DRAIN = 20


class SoakLink:
    """A TrainerLink producing ``SIM_SECONDS_PER_DRAIN`` simulated seconds per drain."""

    def __init__(self, hours: float) -> None:
        self.trainer = SyntheticTrainer(epochs=10_000, images_per_s=STEPS_PER_S * 32)
        self.left = hours * 3600
        self.simulated = 0.0
        self.queue: deque[ev.Event] = deque([self.trainer.started()])
        self._alive = False
        self.feeding = True
        self.realtime = False  # True: produce events at the real rate (20/s), for key latency
        self._last = time.perf_counter()
        self._carry = 0.0
        self._count = 0

    def start(self) -> None:
        self._alive = True

    def send(self, command: cmd.Command) -> None:
        self.queue.extend(self.trainer.answer(command))

    def drain(self, max_events: int = 1000) -> list[ev.Event]:
        now = time.perf_counter()
        elapsed, self._last = now - self._last, now
        if self.realtime and not self.trainer.paused:
            self._carry += elapsed * EVENTS_PER_S
            per_event = STEPS_PER_S // EVENTS_PER_S
            while self._carry >= 1:
                self._carry -= 1
                self._count += 1
                self.queue.extend(self.trainer.train(per_event))
                if self._count % (EVENTS_PER_S // SAMPLES_PER_S) == 0:
                    self.queue.append(self.trainer.sample())
        elif self.feeding and self.left > 0 and len(self.queue) < max_events:
            seconds = min(SIM_SECONDS_PER_DRAIN, self.left)
            per_event = STEPS_PER_S // EVENTS_PER_S
            for i in range(int(seconds * EVENTS_PER_S)):
                self.queue.extend(self.trainer.train(per_event))
                if i % (EVENTS_PER_S // SAMPLES_PER_S) == 0:
                    self.queue.append(self.trainer.sample())
            self.left -= seconds
            self.simulated += seconds
        out = []
        while self.queue and len(out) < max_events:
            out.append(self.queue.popleft())
        return out

    def stop(self, timeout: float = 5.0) -> None:
        self._alive = False

    @property
    def alive(self) -> bool:
        return self._alive


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def measure(app: DashboardApp, pilot, label: str) -> dict[str, float]:  # noqa: ANN001
    gc.collect()
    times = []
    for _ in range(15):
        t0 = time.perf_counter()
        app.dashboard.repaint_all()
        times.append((time.perf_counter() - t0) * 1000)
        await pilot.pause(0)
    per_panel = {n: p.last_paint_ms for n, p in app.dashboard.panels.items()}
    row = {
        "rss_mb": rss_mb(),
        "repaint_ms": statistics.median(times),
        "steps": app.state.step,
        "buckets": len(app.state.losses),
        "gc_objects": len(gc.get_objects()),
    }
    panels = " ".join(f"{n}={ms:.1f}" for n, ms in per_panel.items())
    print(
        f"{label:>6}: simulated {app.link.simulated / 60:6.1f} min  step {row['steps']:>9,}  "  # type: ignore[attr-defined]
        f"RSS {row['rss_mb']:6.1f} MB  gc objects {row['gc_objects']:>8,}  "
        f"loss buckets {row['buckets']:>5}  repaint-all median {row['repaint_ms']:.1f} ms  "
        f"[{panels}]"
    )
    return row


async def key_latency(app: DashboardApp, presses: int) -> list[float]:
    """Post space; the latency is until the status line is first rebuilt showing the effect (the
    pending "pausing…"/"resuming…", or already the acknowledged state). Every status build is
    time-stamped, so an effect that lasts less than a poll is still seen."""
    bar = app.dashboard.panels["status"]
    assert isinstance(bar, StatusBar)
    builds: list[tuple[float, str]] = []
    original = bar.build

    def stamped(width: int, height: int):  # noqa: ANN202
        result = original(width, height)
        builds.append((time.perf_counter(), bar.plain))
        return result

    bar.build = stamped  # type: ignore[method-assign]
    out = []
    for _ in range(presses):
        settle_until = time.perf_counter() + 1.0  # start with nothing pending
        while "run" in app.state.pending and time.perf_counter() < settle_until:
            await asyncio.sleep(0.005)
        paused = app.state.run_state == "paused"
        effect = ("resuming…", "RUNNING") if paused else ("pausing…", "PAUSED")
        builds.clear()
        t0 = time.perf_counter()
        app.post_message(events.Key("space", " "))
        seen = None
        while seen is None and time.perf_counter() - t0 < 2:
            await asyncio.sleep(0.002)
            seen = next((t for t, text in builds if any(e in text for e in effect)), None)
        out.append(((seen or time.perf_counter()) - t0) * 1000)
        await asyncio.sleep(0.08)  # let the answer arrive and some batches stream
    bar.build = original  # type: ignore[method-assign]
    return out


async def main(hours: float) -> None:
    link = SoakLink(hours)
    app = DashboardApp(link)  # type: ignore[arg-type]
    t_start = time.perf_counter()
    async with app.run_test(size=(140, 45)) as pilot:
        while link.simulated < 120:
            await pilot.pause(0.02)
        await pilot.pause(0.3)
        start = await measure(app, pilot, "start")
        link.realtime = True  # key presses while training streams at the real rate
        lat_start = await key_latency(app, 20)
        link.realtime = False
        if app.state.run_state == "paused":
            app.post_message(events.Key("space", " "))
        while link.left > 0 or link.queue:
            await pilot.pause(0.05)
            if app.state.run_state == "paused":  # keep training flowing
                app.post_message(events.Key("space", " "))
        await pilot.pause(0.3)
        end = await measure(app, pilot, "end")
        link.realtime = True
        lat_end = await key_latency(app, 40)
    wall = time.perf_counter() - t_start
    lat = lat_start + lat_end
    q = statistics.quantiles(lat, n=20)
    print(
        f"key → status latency over {len(lat)} presses while streaming: "
        f"p50 {statistics.median(lat):.1f} ms  p95 {q[18]:.1f} ms  max {max(lat):.1f} ms"
    )
    print(
        f"end/start: RSS ×{end['rss_mb'] / start['rss_mb']:.2f}  "
        f"repaint ×{end['repaint_ms'] / start['repaint_ms']:.2f}  "
        f"({hours:g} h simulated in {wall:.0f} s wall)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=2.0)
    asyncio.run(main(parser.parse_args().hours))
