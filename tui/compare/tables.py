"""Provides the compare screen's tables: per-class test accuracy side by side (classes down, runs
across, each class's best in bold) and the runs table — final numbers, the configuration fields
that differ, the hyperparameter changes during each run — with what they all share and any
notes (a torn line ignored) under it. Rich tables in cached strips, in the runs' colour roles.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.measure import Measurement
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.geometry import Size

from cnn_tui.tui.compare.model import ComparedRun, class_table, notes, shared_fields, summary_table
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.widgets.line_panel import LinePanel


class RunsPanel(LinePanel):
    """A table panel over the compared runs."""

    def __init__(self, runs: list[ComparedRun], *, id: str | None = None) -> None:
        super().__init__(TrainingState(), id=id)  # draws the runs, not a live state
        self.runs = runs

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """As wide as the table (the per-class panel takes what it needs, the charts the rest)."""
        console = self.app.console
        return Measurement.get(console, console.options, self.build(container.width, 0)).maximum

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As tall as the table at ``width`` (long cells wrap)."""
        console = self.app.console
        options = console.options.update_width(width)
        return len(console.render_lines(self.build(width, 0), options, pad=False))

    def table(self) -> Table:
        return Table(
            box=None, padding=(0, 1), pad_edge=False, header_style=Style(bold=True, underline=True)
        )


class ClassesTable(RunsPanel):
    """Each run's per-class test accuracy at its latest evaluation: runs down, classes across."""

    TITLE = "Per-class test accuracy %"

    def build(self, width: int, height: int) -> RenderableType:
        header, rows = class_table(self.runs)
        table = self.table()
        table.add_column(header[0], no_wrap=True)
        for title in header[1:]:
            table.add_column(title, justify="right", no_wrap=True)
        best = [max((_value(row[c]) for row in rows), default=-1.0) for c in range(len(header))]
        top = Style(bold=True, underline=not self.colour_on)  # plain bold may not show
        for run, row in zip(self.runs, rows, strict=True):
            cells = [
                Text(v, top if _value(v) == best[c] > 0 and len(rows) > 1 else Style())
                for c, v in enumerate(row[1:], 1)
            ]
            table.add_row(Text(row[0], self.role(run.role) + Style(bold=True)), *cells)
        self.set_titles(subtitle="latest evaluation · best of each column in bold")
        return table


def _value(cell: str) -> float:
    return float(cell) if cell.replace(".", "", 1).isdigit() else -1.0


class RunsTable(RunsPanel):
    """The runs side by side: final numbers, what differs, what changed during the run."""

    TITLE = "Runs: results and what differs"

    def build(self, width: int, height: int) -> RenderableType:
        header, rows = summary_table(self.runs, short=True)
        table = self.table()
        for name in header:
            right = name in ("steps", "test acc", "test loss", "best")
            table.add_column(
                name,
                justify="right" if right else "left",
                no_wrap=name != "changes",
                overflow="ellipsis",
            )
        for run, row in zip(self.runs, rows, strict=True):
            table.add_row(Text(row[0], self.role(run.role) + Style(bold=True)), *row[1:])
        shared = ", ".join(f"{name} {value}" for name, value in shared_fields(self.runs))
        lines: list[RenderableType] = [table]
        if shared:
            lines.append(
                Text(f"all: {shared}", self.role("muted"), overflow="ellipsis", no_wrap=True)
            )
        lines += [Text(note, self.role("change"), no_wrap=True) for note in notes(self.runs)]
        return Group(*lines)
