"""Provides the loss chart and the accuracy chart (plotext, drawn into a ``Static``: the Dolphie
way, measured cheaper than textual-plotext's widget).

plotext keeps one module-global figure; both charts use it only from the UI thread, one after the
other (clear, draw, build), so they never share state. Every series is decimated to about the
chart's width before plotting, so a two-hour run costs what a two-minute run does.

Glyphs carry the meaning (so NO_COLOR still reads): batch losses "·", the smoothed loss a braille
line, test results "●", hyperparameter changes "▼", pauses "‖", divergence "✕", epochs "┊".
"""

from __future__ import annotations

import math

import plotext as plt
from rich.console import RenderableType
from rich.text import Text
from textual.reactive import reactive

from ..series import ema
from ..state import TrainingState
from .panel import Panel

SMOOTHING_STEPS = (0.0, 0.6, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)
"""EMA strengths offered by the smoothing keys."""

_MARKER_GLYPH = {"paused": "‖", "resumed": "▶", "diverged": "✕"}
_MARKER_COLOUR = {"paused": "yellow", "resumed": "green", "diverged": "red"}


def _begin(width: int, height: int) -> None:
    plt.clf()
    plt.plotsize(max(10, width), max(4, height))
    plt.theme("clear")  # no colours of its own: the widget's foreground and background show
    plt.frame(True)


def _step_ticks(lo: float, hi: float, count: int = 5) -> None:
    """Whole-number step ticks on the x axis (plotext would label 227.5)."""
    if hi - lo < 1:
        return
    ticks = sorted({round(lo + (hi - lo) * i / (count - 1)) for i in range(count)})
    plt.xticks(ticks, [f"{t:,}" for t in ticks])


def _finish() -> Text:
    text = Text.from_ansi(plt.build())
    text.no_wrap = True
    return text


def _empty(message: str) -> Text:
    return Text(message, style="dim")


class LossChart(Panel):
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

    def build(self, width: int, height: int) -> RenderableType:
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
            return _empty("waiting for the first batches…")
        _begin(width, height)
        smooth = ema(ys, ns, self.smoothing)
        # one raw point per column is enough for the faint cloud; the EMA gets 2× width
        stride = max(1, len(xs) // max(1, width - 8))
        plt.scatter(xs[::stride], ys[::stride], marker="·", color="gray")
        plt.plot(xs, smooth, marker="braille", color="cyan")
        lo, hi = xs[0], xs[-1]
        top = max(ys)
        starts = [s for s in state.epoch_starts if lo <= s <= hi]
        # each vline costs a pass over the canvas: past ~12 epochs, mark every k-th
        for start in starts[:: max(1, len(starts) // 12)]:
            plt.vline(start, "gray")
        changes_x = [m.step for m in state.markers if lo <= m.step <= hi and m.kind not in
                     _MARKER_GLYPH]  # fmt: skip
        if changes_x:
            plt.scatter(changes_x, [top] * len(changes_x), marker="▼", color="orange")
        for kind, glyph in _MARKER_GLYPH.items():
            steps = [m.step for m in state.markers if m.kind == kind and lo <= m.step <= hi]
            if steps:
                plt.scatter(steps, [top] * len(steps), marker=glyph, color=_MARKER_COLOUR[kind])
        evals = [e for e in state.evaluations if lo <= e.step <= hi and math.isfinite(e.loss)]
        evals = evals[:: max(1, len(evals) // width)]  # long runs: at most ~1 per column
        if evals:
            plt.scatter([e.step for e in evals], [e.loss for e in evals], marker="●",
                        color="magenta")  # fmt: skip
        if self.log_scale:
            plt.yscale("log")
        _step_ticks(lo, hi, 5 if width >= 60 else 3)
        return _finish()


class AccuracyChart(Panel):
    """Running training accuracy (EMA of batch accuracy) and test accuracy per evaluation, in %."""

    TITLE = "Accuracy %"

    def on_mount(self) -> None:
        self.border_subtitle = "─ train (EMA)  ● test"
        super().on_mount()

    def build(self, width: int, height: int) -> RenderableType:
        state = self.state
        xs, ys, ns = state.accuracies.points(width)
        if not xs:
            return _empty("waiting for the first batches…")
        header = self._header()
        _begin(width, height - 1)
        smooth = [100 * v for v in ema(ys, ns, 0.98)]
        plt.plot(xs, smooth, marker="braille", color="green")
        evals = [e for e in state.evaluations if xs[0] <= e.step <= xs[-1]]
        evals = evals[:: max(1, len(evals) // width)]
        if evals:
            plt.scatter([e.step for e in evals], [100 * e.accuracy for e in evals], marker="●",
                        color="magenta")  # fmt: skip
        low = min(smooth + [100 * e.accuracy for e in evals])
        plt.ylim(max(0.0, math.floor(low / 5) * 5), 100)
        _step_ticks(xs[0], xs[-1], 3 if width < 60 else 5)
        chart = _finish()
        return Text("\n").join([header, chart])

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
