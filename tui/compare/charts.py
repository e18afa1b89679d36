"""Provides the compare screen's two charts: the runs' training loss and accuracy on one chart
each, every run a braille line in its own colour tagged with its letter (A, B, …) every few
columns and its test results drawn as its own glyph (● ■ ▲ …), so the chart reads without
colour; ``render/chart.py`` draws them, as it draws the dashboard's charts.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.markup import escape
from textual.reactive import reactive

from cnn_tui.tui.compare.model import ComparedRun
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.render.chart import ChartData, chart_lines
from cnn_tui.tui.render.halfblock import SegmentLines
from cnn_tui.tui.widgets.line_panel import LinePanel
from cnn_tui.tui.widgets.run_lines import run_series, step_range


class CompareChart(LinePanel):
    """One metric of every compared run."""

    METRIC = "loss"
    TITLE = "Loss · training EMA · test"
    log_scale: reactive[bool] = reactive(False)
    """Draw the y axis on a log scale (loss only)."""

    def __init__(self, runs: list[ComparedRun], *, id: str | None = None) -> None:
        super().__init__(TrainingState(), id=id)  # draws the runs, not a live state
        self.runs = runs

    def watch_log_scale(self) -> None:
        self.repaint()

    def legend(self, width: int) -> str:
        """Tag, glyph and name of each run in its colour, names cut to fit ``width``."""
        room = max(4, (width - 4) // max(1, len(self.runs)) - 5)
        parts = []
        for run in self.runs:
            name = run.label if len(run.label) <= room else run.label[: room - 1] + "…"
            parts.append(f"[{self._colour(run.role)}]{run.tag} {run.glyph}[/] {escape(name)}")
        return "  ".join(parts)

    def _colour(self, role: str) -> str:
        color = self.role(role).color
        return "bold" if color is None or not self.colour_on else f"bold {color.name}"

    def build(self, width: int, height: int) -> RenderableType:
        self.set_titles(
            title=self.TITLE + (" · log" if self.log_scale else ""), subtitle=self.legend(width)
        )
        span = step_range([r.history for r in self.runs])
        if span is None:
            return Text("no batches recorded in these runs", style="dim", no_wrap=True)
        series = tuple(
            run_series(r.history, self.METRIC, width, role=r.role, tag=r.tag, glyph=r.glyph)
            for r in self.runs
        )
        accuracy = self.METRIC == "accuracy"
        data = ChartData(
            x_range=span,
            line=(),
            series=series,
            log_y=self.log_scale and not accuracy,
            y_fixed=self._accuracy_range(series) if accuracy else None,
        )
        roles = [r.role for r in self.runs]
        styles = {"axis": self.role("axis"), "label": self.role("label")}
        styles.update({role: self.role(role) for role in roles})
        return SegmentLines(chart_lines(data, width, height, styles))

    @staticmethod
    def _accuracy_range(series: tuple) -> tuple[float, float]:
        values = [y for s in series for _, y in (*s.line, *s.points)]
        low = min(values, default=0.0)
        return max(0.0, min(95.0, (low // 5) * 5)), 100.0


class CompareLoss(CompareChart):
    METRIC = "loss"
    TITLE = "Loss · training EMA · test"


class CompareAccuracy(CompareChart):
    METRIC = "accuracy"
    TITLE = "Accuracy % · training EMA · test"
