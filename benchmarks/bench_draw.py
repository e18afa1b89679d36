"""Stroke → prediction latency of "draw a digit" (``d``) in the dashboard, against a real trainer.

The dashboard (Textual's headless driver, 120×36) over a ``ProcessLink`` whose trainer trains on
MNIST with the "drawing" extension; the drawing screen open. Each measured stroke is a drag
segment painted through the canvas widget (as a mouse move would), and its latency the time from
the stroke until the screen has the trainer's answer for that drawing (``DrawScreen.shown_at``:
preprocessing, the command through the link, the trainer's view between two batches, the event
back, the 30 Hz pump, the result rebuilt). Measured while training and while paused, then a fast
drag (a stroke every 10 ms for 2 s) counts the commands the coalescing let through. Medians and
p95; the target is 100 ms.

    python benchmarks/bench_draw.py --data DIR [--strokes 60] [--engine numpy]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from time import perf_counter


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(pilot, screen, strokes: int) -> list[float]:  # noqa: ANN001
    canvas = screen.canvas_view
    latencies = []
    for k in range(strokes):
        x = 6 + (k * 3) % 16
        await asyncio.sleep(0.05)  # a pause between strokes, so each is answered on its own
        started = perf_counter()
        canvas.canvas.stroke(x, 5, x + 2, 22, 2)
        canvas._changed(True)  # what a mouse move does after painting
        wanted = None
        while True:
            await asyncio.sleep(0.001)
            if wanted is None:
                wanted = screen.source.latest or None
                continue
            if screen.shown_drawing >= wanted:
                break
            if perf_counter() - started > 5:
                raise RuntimeError("no answer within 5 s")
        latencies.append((screen.shown_at - started) * 1000)
        if k % 8 == 7:
            canvas.canvas.clear()
    return latencies


async def fast_drag(screen) -> tuple[int, int]:  # noqa: ANN001
    canvas = screen.canvas_view
    sent_before, strokes = screen.source.sent, 0
    end = perf_counter() + 2.0
    x, y = 4.0, 4.0
    while perf_counter() < end:
        canvas.canvas.stroke(x, y, x + 0.7, y + 0.5, 2)
        canvas._changed(True)
        strokes += 1
        x, y = (x + 0.7) % 24 + 2, (y + 0.5) % 24 + 2
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)
    return strokes, screen.source.sent - sent_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--strokes", type=int, default=60)
    parser.add_argument("--engine", default="numpy")
    args = parser.parse_args()

    import multiprocessing.resource_tracker

    from cnn_tui.core.contract.commands import Pause
    from cnn_tui.core.contract.config import RunConfig
    from cnn_tui.core.training.link import ProcessLink, TrainerSpec
    from cnn_tui.tui.dashboard.app import DashboardApp
    from cnn_tui.tui.draw import DrawScreen, LinkDrawing

    multiprocessing.resource_tracker.ensure_running()
    spec = TrainerSpec(
        config=RunConfig(epochs=50, engine=args.engine),
        data_dir=args.data,
        test_limit=1000,
        extensions=("drawing",),
    )
    link = ProcessLink(spec)
    app = DashboardApp(link, quit_timeout=3)
    app.dashboard.draw_factory = lambda start=None: DrawScreen(LinkDrawing(link.send))
    results: dict[str, list[float]] = {}
    drag: tuple[int, int] = (0, 0)

    async def run() -> None:
        nonlocal drag
        async with app.run_test(size=(120, 36)) as pilot:
            while app.state.run_state != "running":
                await pilot.pause(0.1)
            await pilot.pause(1.0)  # past the first evaluation's start-up
            await pilot.press("d")
            await pilot.pause(0.2)
            screen = app.screen
            assert isinstance(screen, DrawScreen)
            results["training"] = await measure(pilot, screen, args.strokes)
            drag = await fast_drag(screen)
            app.dashboard.send(Pause())
            await pilot.pause(0.5)
            results["paused"] = await measure(pilot, screen, args.strokes)
            await pilot.press("escape")
            await pilot.press("q")

    asyncio.run(run())
    print(f"stroke → prediction, {args.engine} engine, {args.strokes} strokes each (ms)")
    print(f"{'while':<10} {'median':>8} {'p95':>8} {'max':>8}")
    for name, values in results.items():
        print(
            f"{name:<10} {statistics.median(values):8.1f} {percentile(values, 0.95):8.1f} "
            f"{max(values):8.1f}"
        )
    strokes, sent = drag
    print(f"fast drag: {strokes} strokes in 2 s → {sent} commands sent (latest drawing wins)")


if __name__ == "__main__":
    main()
