"""Provides ``SnapshotStrip``: a small loss chart of the run with its snapshots marked on it — "◇"
at each snapshot's step on the top row, "◆" and a "┊" column at the selected one — so the
timeline shows where on the curve a branch would start.

The curve is the dashboard's own (the ``TrainingState``'s per-step losses, smoothed as the loss
chart smooths them by default); the snapshots and the selection are set from above (attributes
down) by the timeline screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.text import Text

from cnn_tui.core.contract.timeline import SnapshotEntry
from cnn_tui.tui.dashboard.series import ema
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.render.chart import ChartData, Mark, chart_lines
from cnn_tui.tui.render.halfblock import SegmentLines
from cnn_tui.tui.widgets.line_panel import LinePanel

SNAPSHOT_MARK = "◇"
SELECTED_MARK = "◆"
SMOOTHING = 0.95
LEGEND = (
    f"[$foreground 60%]{SNAPSHOT_MARK}[/] snapshot  [$text-accent]{SELECTED_MARK}[/] selected  "
    "[$text-primary]─[/] loss (EMA)"
)


class SnapshotStrip(LinePanel):
    """The loss curve with the run's snapshots on it."""

    TITLE = "Loss and snapshots"
    can_focus = False
    ALLOW_MAXIMIZE = False

    def __init__(self, state: TrainingState, *, id: str | None = None) -> None:
        super().__init__(state, id=id)
        self.entries: Sequence[SnapshotEntry] = ()
        self.selected: SnapshotEntry | None = None

    def show(self, entries: Sequence[SnapshotEntry], selected: SnapshotEntry | None) -> None:
        """Mark these snapshots, ``selected`` apart; redraw."""
        self.entries, self.selected = entries, selected
        self.repaint()

    def build(self, width: int, height: int) -> RenderableType:
        self.set_titles(subtitle=LEGEND if width >= 50 else None)
        xs, ys, ns = self.state.losses.points(2 * width)
        steps = [e.step for e in self.entries if not e.problem]
        if not xs and not steps:
            return Text("no losses yet", style="dim", no_wrap=True)
        lo = min([*xs[:1], *steps])
        hi = max([*xs[-1:], *steps, float(self.state.losses.last_step), lo + 1.0])
        marks = [Mark(float(s), SNAPSHOT_MARK, "label") for s in steps]
        chosen = self.selected
        vlines: tuple[float, ...] = ()
        if chosen is not None and not chosen.problem:
            marks.append(Mark(float(chosen.step), SELECTED_MARK, "branch"))  # drawn last: on top
            vlines = (float(chosen.step),)
        data = ChartData(
            x_range=(float(lo), float(hi)),
            line=tuple(zip(xs, ema(ys, ns, SMOOTHING), strict=True)),
            line_role="line",
            vlines=vlines,
            top_marks=tuple(marks),
        )
        styles = {role: self.role(role) for role in ("axis", "label", "line", "epoch", "branch")}
        return SegmentLines(chart_lines(data, width, height, styles))
