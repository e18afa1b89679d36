"""Provides ``CompareApp``: ``cnn-tui compare RUN RUN…`` — the runs' loss and accuracy on one
chart each, a table of their final numbers, the configuration fields that differ and the
hyperparameter changes each made, and their per-class test accuracy side by side. Read once from
the run folders (``core/runs/history.py``): nothing here trains or changes a file.
"""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

from cnn_tui.tui.compare.charts import CompareAccuracy, CompareLoss
from cnn_tui.tui.compare.model import ComparedRun
from cnn_tui.tui.compare.tables import ClassesTable, RunsTable

COMPACT_BELOW = (120, 36)
"""Width, height under which the lower panel shows one table at a time (``v`` switches)."""


class CompareScreen(Screen[None]):
    """The compared runs: two charts above, the tables below."""

    BINDINGS = [
        Binding("g", "toggle_log", "Log y", id="log-scale"),
        Binding("v", "cycle_view", "Runs ↔ classes", id="view"),
        Binding("z", "zoom", "Zoom", id="zoom"),
    ]

    def __init__(self, runs: list[ComparedRun]) -> None:
        super().__init__()
        self.runs = runs

    def compose(self) -> ComposeResult:
        with Horizontal(id="c-charts"):
            yield CompareLoss(self.runs, id="c-loss")
            yield CompareAccuracy(self.runs, id="c-accuracy")
        yield RunsTable(self.runs, id="c-runs")
        yield ClassesTable(self.runs, id="c-classes")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        width, height = COMPACT_BELOW
        self.set_class(event.size.width < width or event.size.height < height, "-compact")

    def action_cycle_view(self) -> None:
        """Compact: the runs table ↔ the per-class table."""
        self.toggle_class("-view-classes")

    def action_toggle_log(self) -> None:
        """Loss chart: linear ↔ log y axis."""
        chart = self.query_one(CompareLoss)
        chart.log_scale = not chart.log_scale

    def action_zoom(self) -> None:
        """The focused panel to the whole screen, or back."""
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None:
            self.maximize(self.focused)


class CompareApp(App[None]):
    """Shows ``runs`` side by side."""

    TITLE = "cnn-tui compare"
    CSS_PATH = "compare.tcss"
    BINDINGS = [Binding("q", "quit", "Quit", id="quit")]

    def __init__(self, runs: list[ComparedRun]) -> None:
        super().__init__()
        self.runs = runs

    def on_mount(self) -> None:
        self.push_screen(CompareScreen(self.runs))
