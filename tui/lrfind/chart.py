"""Provides ``LrChart``: the lr-find screen's loss-vs-lr panel, a ``LinePanel`` over a
``SweepCurve`` drawn by tui/render/lr_chart.py (cached strips, repainted as points arrive)."""

from __future__ import annotations

from rich.console import RenderableType

from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.lrfind.curve import SweepCurve
from cnn_tui.tui.render.halfblock import SegmentLines
from cnn_tui.tui.render.lr_chart import lr_chart_lines
from cnn_tui.tui.widgets.line_panel import LinePanel


class LrChart(LinePanel):
    """The sweep's raw and smoothed loss against the lr (log x), the suggestion marked."""

    def __init__(self, state: TrainingState, curve: SweepCurve, *, id: str | None = None) -> None:
        super().__init__(state, id=id)
        self.curve = curve

    def build(self, width: int, height: int) -> RenderableType:
        c = self.curve
        mark = c.suggested
        self.set_titles(
            "loss vs learning rate (log)",
            "[$text-muted]⠿ batch loss[/] · [$text-primary]⣀ smoothed[/]"
            + (" · [$text-accent]┊▲ suggested[/]" if mark else ""),
        )
        styles = {r: self.role(r) for r in ("label", "axis", "line", "cloud", "test", "muted")}
        lines = lr_chart_lines(
            c.lrs, c.losses, c.smoothed, (c.start, c.end), mark, width, height, styles
        )
        return SegmentLines(lines)
