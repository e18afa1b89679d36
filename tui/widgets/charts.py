"""Provides the loss chart and the accuracy chart (plotext, drawn into a ``Static``: the Dolphie
way, measured cheaper than textual-plotext's widget).

A chart repaint has two halves: ``plan`` (UI thread) copies what is to be drawn out of the state
and returns a ``draw`` function; ``draw`` builds the picture with plotext on its own figure (no
module-global figure), so it can run in a worker thread: a plotext build (≈ 15–40 ms) then never
blocks the event loop, and a key press shows at once. Data-driven repaints come at ≤ 2 Hz
(``MIN_INTERVAL``) and off the UI thread; ``repaint()`` (resize, log/smoothing keys, tests) draws
synchronously. Every series is decimated to about the chart's width before plotting, so a two-hour
run costs what a two-minute run does.

Glyphs carry the meaning (so NO_COLOR still reads): batch losses "·", the smoothed loss a braille
line, test results "●", hyperparameter changes "▼", pauses "‖", divergence "✕", epochs "┊".
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from functools import partial
from time import perf_counter

from plotext._figure import _figure_class as Figure
from rich.console import Console, RenderableType
from rich.text import Text
from textual.message import Message
from textual.reactive import reactive

from cnn_tui.tui.dashboard.series import ema
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.render.halfblock import SegmentLines, SizedLine
from cnn_tui.tui.widgets.panel import Panel

SMOOTHING_STEPS = (0.0, 0.6, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)
"""EMA strengths offered by the smoothing keys."""
CHART_INTERVAL = 0.5
"""Seconds between data-driven chart repaints (≤ 2 Hz: a chart gains about a column a second)."""

_MARKER_GLYPH = {"paused": "‖", "resumed": "▶", "diverged": "✕"}
_MARKER_COLOUR = {"paused": "yellow", "resumed": "green", "diverged": "red"}
_PLOTEXT = threading.Lock()  # one plotext build at a time: its modules keep some shared state

Draw = Callable[[], RenderableType]


def _figure(width: int, height: int) -> Figure:
    fig = Figure()
    fig.plotsize(max(10, width), max(4, height))
    fig.theme("clear")  # no colours of its own: the widget's foreground and background show
    fig.frame(True)
    return fig


def _step_ticks(fig: Figure, lo: float, hi: float, count: int = 5) -> None:
    """Whole-number step ticks on the x axis (plotext would label 227.5)."""
    if hi - lo < 1:
        return
    ticks = sorted({round(lo + (hi - lo) * i / (count - 1)) for i in range(count)})
    fig.xticks(ticks, [f"{t:,}" for t in ticks])


def nice_ticks(lo: float, hi: float, rows: int) -> list[float]:
    """Evenly spaced round y ticks (step 1, 2, 2.5 or 5 × 10ᵏ) inside [lo, hi], at most one per
    two plot rows — plotext's own ticks land on odd values and drop some where rows collide."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return []
    most = max(2, rows // 2 + 1)
    raw = (hi - lo) / (most - 1)
    base = 10 ** math.floor(math.log10(raw))
    step = next(m * base for m in (1, 2, 2.5, 5, 10) if m * base >= raw)
    first = math.ceil(lo / step - 1e-9)
    return [k * step for k in range(first, math.floor(hi / step + 1e-9) + 1)]


def _yticks(fig: Figure, lo: float, hi: float, rows: int) -> None:
    """Fix the y range to [lo, hi] and label it with ``nice_ticks``."""
    ticks = nice_ticks(lo, hi, rows)
    if len(ticks) < 2:
        return
    step = ticks[1] - ticks[0]
    power = math.floor(math.log10(step) + 1e-9)
    # decimals the step needs: 0.5 → 1, 0.25 → 2, 2.5 → 1, 25 → 0
    decimals = max(0, -power) + (1 if power <= 0 and round(step / 10**power, 3) == 2.5 else 0)
    fig.ylim(lo, hi)
    fig.yticks(ticks, [f"{t:.{decimals}f}" for t in ticks])


def _finish(fig: Figure) -> Text:
    text = Text.from_ansi(fig.build())
    text.no_wrap = True
    return text


_CONSOLE = Console(color_system="truecolor", force_terminal=True, legacy_windows=False)


def _to_lines(picture: RenderableType, width: int) -> RenderableType:
    """Render a chart's Text into ready lines of ``width`` cells (any thread; under _PLOTEXT),
    so the UI thread's compositor only copies segments: laying out a Text with a span per
    braille cell costs about as much as the plotext build itself."""
    if not isinstance(picture, Text):
        return picture
    options = _CONSOLE.options.update(width=width, max_width=width, height=None)
    lines = _CONSOLE.render_lines(picture, options, pad=True, new_lines=False)
    return SegmentLines([SizedLine(line, width) for line in lines])


def _empty(message: str) -> Text:
    return Text(message, style="dim")


def _constant(picture: RenderableType) -> Draw:
    return lambda: picture


class ChartPanel(Panel):
    """A panel whose picture is planned on the UI thread and drawn (maybe) in a worker thread."""

    MIN_INTERVAL = CHART_INTERVAL
    off_thread = True
    """Draw data-driven repaints in a worker thread (False: on the UI thread, as ``repaint``)."""

    class Drawn(Message):
        """A worker thread finished a picture (for repaint number ``generation``)."""

        def __init__(self, picture: RenderableType, generation: int) -> None:
            super().__init__()
            self.picture = picture
            self.generation = generation

    def __init__(self, state: TrainingState, *, id: str | None = None) -> None:
        super().__init__(state, id=id)
        self._generation = 0  # bumped by every repaint: a late thread result is dropped
        self._drawing = False

    def plan(self, width: int, height: int) -> Draw:
        """Copy what is to be drawn out of the state (UI thread); return the drawing function."""
        raise NotImplementedError

    def build(self, width: int, height: int) -> RenderableType:
        draw = self.plan(width, height)
        with _PLOTEXT:
            return _to_lines(draw(), width)

    def repaint(self) -> None:
        self._generation += 1
        super().repaint()

    def refresh_data(self) -> bool:
        if not self.off_thread:
            return super().refresh_data()
        if not self.is_mounted or self.size.width <= 0 or self.size.height <= 0:
            return True  # nothing to draw into; a resize repaints
        if self._drawing or perf_counter() - self.painted_at < self.MIN_INTERVAL:
            return False  # stay marked: the next tick tries again
        self.painted_at = perf_counter()
        self._generation += 1
        draw = self.plan(self.size.width, self.size.height)
        self._drawing = True
        self.run_worker(partial(self._draw, draw, self.size.width, self._generation), thread=True,
                        group=f"chart-{self.id}", exit_on_error=False)  # fmt: skip
        return True

    def _draw(self, draw: Draw, width: int, generation: int) -> None:
        """Worker thread: build the picture, hand it to the UI thread (post_message is
        thread-safe and never blocks, even while the app closes)."""
        try:
            with _PLOTEXT:
                picture = _to_lines(draw(), width)
        except Exception as error:  # a chart must never take the dashboard down
            picture = Text(f"chart failed: {error}", style="red")
        self.post_message(self.Drawn(picture, generation))

    def on_chart_panel_drawn(self, message: Drawn) -> None:
        message.stop()
        self._drawing = False
        if message.generation == self._generation:
            self.update(message.picture)
            self.last_paint_ms = 0.0


class LossChart(ChartPanel):
    """Per-batch loss (faint), its EMA, test loss per evaluation, epoch boundaries and markers."""

    TITLE = "Loss"
    log_scale: reactive[bool] = reactive(False)
    """Draw the y axis on a log scale."""
    smoothing: reactive[float] = reactive(0.95)
    """EMA strength s: e ← s·e + (1 − s)·loss, per step."""

    def watch_log_scale(self) -> None:
        self._retitle()
        self.repaint()

    def watch_smoothing(self) -> None:
        self._retitle()
        self.repaint()

    def _retitle(self) -> None:
        scale = " · log" if self.log_scale else ""
        self.border_title = f"Loss · EMA {self.smoothing:g}{scale}"

    def on_mount(self) -> None:
        self._retitle()
        super().on_mount()

    def plan(self, width: int, height: int) -> Draw:
        state: TrainingState = self.state
        self.border_subtitle = (
            "· batch  ─ EMA  ● test  ▼ change  ‖ pause  ┊ epoch"
            if width >= 60
            else "· batch ─ EMA ● test ▼ change"
        )
        # one point per column: plotext's line cost grows with the points (≈40 ms at 2× width,
        # ≈14 ms at 1× on this machine) and the braille line interpolates between them anyway
        xs, ys, ns = state.losses.points(width)
        if not xs:
            return _constant(_empty("waiting for the first batches…"))
        smooth = ema(ys, ns, self.smoothing)
        # one raw point per column is enough for the faint cloud; the EMA gets 2× width
        stride = max(1, len(xs) // max(1, width - 8))
        lo, hi = xs[0], xs[-1]
        top = max(ys)
        starts = [s for s in state.epoch_starts if lo <= s <= hi]
        # each vline costs a pass over the canvas: past ~12 epochs, mark every k-th
        starts = starts[:: max(1, len(starts) // 12)]
        changes_x = [m.step for m in state.markers if lo <= m.step <= hi and m.kind not in
                     _MARKER_GLYPH]  # fmt: skip
        marks = {
            kind: [m.step for m in state.markers if m.kind == kind and lo <= m.step <= hi]
            for kind in _MARKER_GLYPH
        }
        evals = [e for e in state.evaluations if lo <= e.step <= hi and math.isfinite(e.loss)]
        evals = evals[:: max(1, len(evals) // width)]  # long runs: at most ~1 per column
        eval_x, eval_y = [e.step for e in evals], [e.loss for e in evals]
        log_scale = self.log_scale
        y_lo = min(min(ys), min(smooth), *eval_y) if eval_y else min(min(ys), min(smooth))
        y_hi = max(top, max(smooth), *eval_y) if eval_y else max(top, max(smooth))

        def draw() -> Text:
            fig = _figure(width, height)
            fig.scatter(xs[::stride], ys[::stride], marker="·", color="gray")
            fig.plot(xs, smooth, marker="braille", color="cyan")
            for start in starts:
                fig.vline(start, "gray")
            if changes_x:
                fig.scatter(changes_x, [top] * len(changes_x), marker="▼", color="orange")
            for kind, steps in marks.items():
                if steps:
                    fig.scatter(steps, [top] * len(steps), marker=_MARKER_GLYPH[kind],
                                color=_MARKER_COLOUR[kind])  # fmt: skip
            if eval_x:
                fig.scatter(eval_x, eval_y, marker="●", color="magenta")
            if log_scale:
                fig.yscale("log")
            else:
                _yticks(fig, y_lo, y_hi, height - 3)
            _step_ticks(fig, lo, hi, 5 if width >= 60 else 3)
            return _finish(fig)

        return draw


class AccuracyChart(ChartPanel):
    """Running training accuracy (EMA of batch accuracy) and test accuracy per evaluation, in %."""

    TITLE = "Accuracy %"

    def on_mount(self) -> None:
        self.border_subtitle = "─ train (EMA)  ● test"
        super().on_mount()

    def plan(self, width: int, height: int) -> Draw:
        state = self.state
        xs, ys, ns = state.accuracies.points(width)
        if not xs:
            return _constant(_empty("waiting for the first batches…"))
        header = self._header()
        smooth = [100 * v for v in ema(ys, ns, 0.98)]
        evals = [e for e in state.evaluations if xs[0] <= e.step <= xs[-1]]
        evals = evals[:: max(1, len(evals) // width)]
        eval_x, eval_y = [e.step for e in evals], [100 * e.accuracy for e in evals]
        low = min(smooth + eval_y)

        def draw() -> Text:
            fig = _figure(width, height - 1)
            fig.plot(xs, smooth, marker="braille", color="green")
            if eval_x:
                fig.scatter(eval_x, eval_y, marker="●", color="magenta")
            _yticks(fig, max(0.0, math.floor(low / 5) * 5), 100, height - 4)
            _step_ticks(fig, xs[0], xs[-1], 3 if width < 60 else 5)
            return Text("\n").join([header, _finish(fig)])

        return draw

    def _header(self) -> Text:
        """One line with the numbers: latest running accuracy and the last test result."""
        state = self.state
        text = Text()
        _, ys, ns = state.accuracies.points(64)
        if ys:
            text.append(f"train {100 * ema(ys, ns, 0.98)[-1]:.1f}%", style="bold green")
        if state.evaluations:
            last = state.evaluations[-1]
            text.append(f"   test {100 * last.accuracy:.2f}%", style="bold magenta")
            text.append(f" (step {last.step:,})", style="dim")
        return text
