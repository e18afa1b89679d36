"""Provides the loss chart and the accuracy chart: the training state's series turned into
``ChartData`` and drawn by ``render/chart.py`` (braille line, glyph markers) into cached strips
(``LinePanel``), in the theme's colours.

A chart repaints for new data at most every ``CHART_INTERVAL`` seconds (a chart gains about a
column a second); keys (log scale, smoothing) and resizes repaint at once. Every series is
decimated to the chart's width before drawing (``BucketSeries.points``), so a two-hour run costs
what a two-minute run does.

Glyphs carry the meaning (so NO_COLOR still reads): batch losses "·", the smoothed loss a braille
line, test results "●", hyperparameter changes "▼", pauses "‖", resumes "▶", divergence "✕",
epoch starts "┊", and a branched run's branch point "┼" (its title says from which run; the
line before it, the parent's history, is faint).
"""

from __future__ import annotations

import math

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.markup import escape
from textual.reactive import reactive

from cnn_tui.tui.dashboard.series import ema
from cnn_tui.tui.render.chart import ChartData, Mark, Point, Series, chart_lines, thin
from cnn_tui.tui.render.halfblock import SegmentLines, SizedLine
from cnn_tui.tui.widgets.line_panel import LinePanel
from cnn_tui.tui.widgets.run_lines import RunLine, run_series

SMOOTHING_STEPS = (0.0, 0.6, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)
"""EMA strengths offered by the smoothing keys."""
CHART_INTERVAL = 0.5
"""Seconds between data-driven chart repaints (≤ 2 Hz)."""
ACCURACY_SMOOTHING = 0.98

MARKS = {"paused": ("‖", "pause"), "resumed": ("▶", "resume"), "diverged": ("✕", "diverged")}
BRANCH_MARK = "┼"
"""Where a branched run left its parent (the history before it is the parent's)."""
"""Marker kind → (glyph, role); every other kind is a hyperparameter change, "▼"."""
LOSS_LEGEND = (
    "[$foreground 45%]·[/] batch  [$text-primary]─[/] EMA  [$text-accent]●[/] test  "
    "[$text-warning]▼[/] change  [$text-warning]‖[/] pause  [$foreground 30%]┊[/] epoch"
)
LOSS_LEGEND_SHORT = "[$foreground 45%]·[/] batch [$text-primary]─[/] EMA [$text-accent]●[/] test"
ACCURACY_LEGEND = "[$text-success]─[/] train (EMA)  [$text-accent]●[/] test"


def _x_range(xs: list[float], last_step: int) -> tuple[float, float]:
    """First point to the last step (a point is the mean step of its batches, so the last one
    sits a little before the last step: where the latest evaluation or mark is)."""
    return xs[0], max(xs[-1], float(last_step))


def _waiting() -> Text:
    return Text("waiting for the first batches…", style="dim", no_wrap=True)


class ChartPanel(LinePanel):
    """A chart panel: repaints for new data at ≤ 2 Hz, its roles' styles read from the theme;
    ``overlays`` (key ``o``): other runs drawn faint behind the live one, by step."""

    MIN_INTERVAL = CHART_INTERVAL
    overlays: reactive[tuple[RunLine, ...]] = reactive((), always_update=True)

    def watch_overlays(self) -> None:
        self.repaint()

    def overlay_series(
        self, metric: str, width: int, smoothing: float | None = None
    ) -> tuple[Series, ...]:
        return tuple(
            run_series(
                r.history, metric, width, role=r.role, tag=r.tag, glyph=r.glyph, smoothing=smoothing
            )
            for r in self.overlays
        )

    def overlay_span(self, lo: float, hi: float) -> tuple[float, float]:
        """The x range covering the live run's steps and every overlaid run's."""
        for run in self.overlays:
            lo, hi = min(lo, float(run.history.steps[0])), max(hi, float(run.history.last_step))
        return lo, hi

    def overlay_legend(self, width: int) -> str:
        """ "─ live" and each overlaid run's letter, glyph and name in its colour, the names cut
        so the legend fits ``width`` (letters only when even that does not fit)."""
        runs = self.overlays
        # the border keeps 4 cells; "─ live" 6 (where there is room); each run "  A ■ " 6
        live = width >= 48
        room = (width - 4 - 6 * live) // len(runs) - 6
        parts = ["[b]─[/] live"] if live else []
        for run in runs:
            colour = self.role(run.role).color
            style = colour.name if colour is not None and self.colour_on else "not dim"
            name = run.label if len(run.label) <= room else run.label[: max(1, room - 1)] + "…"
            shown = f" {escape(name)}" if room >= 3 else ""
            parts.append(f"[{style}]{run.tag} {run.glyph}[/]{shown}")
        return "  ".join(parts)

    def styles_for(self, *roles: str) -> dict[str, Style | None]:
        """Rich styles of the chart roles for the current theme (see ``render/chart.py``)."""
        styles: dict[str, Style | None] = {"axis": self.role("axis"), "label": self.role("label")}
        for role in roles:
            styles[role] = self.role(role)
        return styles


class LossChart(ChartPanel):
    """Per-batch loss (faint), its EMA, test loss per evaluation, epoch starts and markers."""

    TITLE = "Loss"
    log_scale: reactive[bool] = reactive(False)
    """Draw the y axis on a log scale."""
    smoothing: reactive[float] = reactive(0.95)
    """EMA strength s: e ← s·e + (1 − s)·loss, per step."""

    def watch_log_scale(self) -> None:
        self.repaint()

    def watch_smoothing(self) -> None:
        self.repaint()

    def _title(self, latest: float | None, width: int = 200) -> str:
        now = f" {latest:.3g}" if latest is not None and math.isfinite(latest) else ""
        scale = " · log" if self.log_scale else ""
        title = f"Loss{now} · EMA {self.smoothing:g}{scale}"
        lineage = self.state.lineage
        if lineage is None:
            return title
        # the whole sentence where it fits in the border, else "┼ run@1,200"
        long = f"{title} · {BRANCH_MARK} {lineage.describe()}"
        short = f"{title} {BRANCH_MARK} {lineage.parent}@{lineage.step:,}"
        return long if len(long) + 4 <= width else short

    def build(self, width: int, height: int) -> RenderableType:
        state = self.state
        legend = LOSS_LEGEND if width >= 60 else LOSS_LEGEND_SHORT
        self.set_titles(subtitle=self.overlay_legend(width) if self.overlays else legend)
        # two points per column: the braille line has two dot columns per cell
        xs, ys, ns = state.losses.points(2 * width)
        if not xs:
            self.set_titles(title=self._title(None, width))
            return _waiting()
        smooth = ema(ys, ns, self.smoothing)
        self.set_titles(title=self._title(smooth[-1], width))
        lo, hi = self.overlay_span(*_x_range(xs, state.losses.last_step))
        # the faint cloud: about three bucket means a column, so the batches' spread shows
        cloud_x, cloud_y, _ = state.losses.points(3 * width)
        evals = [
            (min(e.step, hi), e.loss)
            for e in state.evaluations
            if e.step >= lo and math.isfinite(e.loss)
        ]
        starts = [float(s) for s in state.epoch_starts if lo <= s <= hi]
        # a mark after the last point (a divergence: its batch has no loss) sits at the edge
        marks = [
            Mark(min(m.step, hi), *MARKS.get(m.kind, ("▼", "change")))
            for m in state.markers
            if m.step >= lo
        ]
        if state.lineage is not None and lo <= state.lineage.step:
            marks.append(Mark(min(state.lineage.step, hi), BRANCH_MARK, "branch"))
        # where marks share a column the most important shows: drawn last
        order = ("change", "resume", "pause", "branch", "diverged")
        marks.sort(key=lambda m: order.index(m.role))
        data = ChartData(
            x_range=(lo, hi),
            line=tuple(zip(xs, smooth, strict=True)),
            line_role="line",
            cloud=tuple(zip(cloud_x, cloud_y, strict=True)),
            points=thin(evals, width),
            vlines=tuple(starts[:: max(1, len(starts) // max(1, width // 4))]),
            top_marks=tuple(marks),
            log_y=self.log_scale,
            # a branch's history up to the branch point is its parent's: drawn faint
            line_faint_before=float(state.lineage.step) if state.lineage else None,
            series=self.overlay_series("loss", width, self.smoothing),
        )
        styles = self.styles_for(
            "cloud",
            "line",
            "test",
            "epoch",
            "change",
            "pause",
            "resume",
            "branch",
            "inherited",
            "diverged",
            *(r.role for r in self.overlays),
        )
        return SegmentLines(chart_lines(data, width, height, styles))


class AccuracyChart(ChartPanel):
    """Running training accuracy (EMA of batch accuracy) and test accuracy per evaluation, in %."""

    TITLE = "Accuracy %"

    def build(self, width: int, height: int) -> RenderableType:
        self.set_titles(subtitle=self.overlay_legend(width) if self.overlays else ACCURACY_LEGEND)
        state = self.state
        xs, ys, ns = state.accuracies.points(2 * width)
        if not xs:
            return _waiting()
        smooth = [100 * v for v in ema(ys, ns, ACCURACY_SMOOTHING)]
        lo, hi = self.overlay_span(*_x_range(xs, state.accuracies.last_step))
        series = self.overlay_series("accuracy", width)
        evals: list[Point] = [
            (min(e.step, hi), 100 * e.accuracy) for e in state.evaluations if e.step >= lo
        ]
        low = min(smooth + [y for _, y in evals] + [y for r in series for _, y in r.line])
        floor = max(0.0, min(95.0, math.floor(low / 5) * 5))
        data = ChartData(
            x_range=(lo, hi),
            line=tuple(zip(xs, smooth, strict=True)),
            line_role="train",
            points=thin(evals, width),
            y_fixed=(floor, 100.0),
            series=series,
        )
        roles = ("train", "test", *(r.role for r in self.overlays))
        lines = chart_lines(data, width, height - 1, self.styles_for(*roles))
        return SegmentLines([self._header(width, smooth[-1]), *lines])

    def _header(self, width: int, train: float) -> SizedLine:
        """One line with the numbers: latest running accuracy and the last test result (its
        step dropped, then the test result, when the panel is too narrow)."""
        parts = [[Segment(f"train {train:.1f}%", self.role("train") + Style(bold=True))]]
        if self.state.evaluations:
            last = self.state.evaluations[-1]
            test = [Segment("   "), Segment(f"test {100 * last.accuracy:.2f}%", self.role("test"))]
            step = [Segment(" "), Segment(f"(step {last.step:,})", self.role("muted"))]
            parts = [parts[0] + test + step, parts[0] + test, parts[0]]
        for segments in parts:
            cells = sum(len(s.text) for s in segments)
            if cells <= width:
                return SizedLine(segments, cells)
        return SizedLine(Segment.adjust_line_length(parts[-1], width), width)
