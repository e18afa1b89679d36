"""Soak benchmark for the dashboard: two hours of simulated NumPy-engine training (≈375 steps/s,
coalesced to 20 BatchesEnded/s, 3 samples/s, an evaluation per epoch) pushed through the real
DashboardApp (headless, 140×45) as fast as it will drain, with key presses while it streams. The
events come from the shared fake link (``tui/demo/fake_link.py``) on a clock that skips ahead.

Prints, at the start (after 2 simulated minutes), half-way (the capped histories full: memory is
flat from here) and at the end: process RSS, history size, and the median time to repaint every
panel; then key-press latency (p50/p95/max) measured in the app
while events stream at the real rate (20 BatchesEnded/s, 3 samples/s):
from posting the key event to the status line showing the pending request ("pausing…"/"resuming…").

    .venv/bin/python benchmarks/bench_dashboard_soak.py [--hours 2]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time

from textual import events

from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.synthetic import SyntheticTrainer
from cnn_tui.tui.widgets.status import StatusBar

STEPS_PER_S = 375  # 12,000 images/s at batch 32
EVENTS_PER_S = 20  # the real trainer coalesces to 20 BatchesEnded a second
SAMPLES_PER_S = 3
SIM_SECONDS_PER_TICK = 20


class SoakClock:
    """Real time plus whatever the benchmark skips ahead: while the run is fast-forwarded the
    ``FakeLink`` trains ``SIM_SECONDS_PER_TICK`` simulated seconds per drain."""

    def __init__(self) -> None:
        self.skipped = 0.0

    def __call__(self) -> float:
        return time.perf_counter() + self.skipped


def soak_link(clock: SoakClock) -> FakeLink:
    trainer = SyntheticTrainer(epochs=10_000)
    return FakeLink(
        [trainer.started()],
        trainer=trainer,
        steps_per_s=STEPS_PER_S,
        event_interval=1 / EVENTS_PER_S,
        sample_every=1 / SAMPLES_PER_S,
        clock=clock,
    )


async def fast_forward(app: DashboardApp, link: FakeLink, clock: SoakClock, until: float) -> None:
    """Skip simulated time ahead, a little per UI tick, until ``until`` seconds are simulated
    and drained (training paused by a key press is resumed)."""
    while clock.skipped < until or link.backlog:
        if clock.skipped < until and link.backlog < 1000:
            clock.skipped = min(until, clock.skipped + SIM_SECONDS_PER_TICK)
        if app.state.run_state == "paused":  # keep training flowing
            app.post_message(events.Key("space", " "))
        await asyncio.sleep(1 / 30)


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def measure(app: DashboardApp, pilot, label: str, simulated: float) -> dict[str, float]:  # noqa: ANN001
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
        f"{label:>6}: simulated {simulated / 60:6.1f} min  step {row['steps']:>9,}  "
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
    clock = SoakClock()
    link = soak_link(clock)
    app = DashboardApp(link)
    t_start = time.perf_counter()
    async with app.run_test(size=(140, 45)) as pilot:
        await fast_forward(app, link, clock, 120)
        await pilot.pause(0.3)
        start = await measure(app, pilot, "start", clock.skipped)
        lat_start = await key_latency(app, 20)  # while training streams at the real rate
        await fast_forward(app, link, clock, hours * 1800)
        await pilot.pause(0.3)
        middle = await measure(app, pilot, "middle", clock.skipped)
        await fast_forward(app, link, clock, hours * 3600)
        await pilot.pause(0.3)
        end = await measure(app, pilot, "end", clock.skipped)
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
        f"repaint ×{end['repaint_ms'] / start['repaint_ms']:.2f};  end/middle: RSS "
        f"×{end['rss_mb'] / middle['rss_mb']:.2f}  ({hours:g} h simulated in {wall:.0f} s wall)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=2.0)
    asyncio.run(main(parser.parse_args().hours))
