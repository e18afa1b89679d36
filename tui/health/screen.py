"""Provides ``HealthScreen``: layer health (h) over the live dashboard — every layer's numbers with
sparklines over the run, one layer's weight and gradient histograms with the first distribution
behind them, and hints with the key that applies their fix.

The dashboard screen keeps feeding the run's ``HealthHistory`` (history.py) from its pump while
this screen is open, so it stays live: a 2 Hz timer repaints the panels whose data moved. A
hint's fix key sends the dashboard's own command (``-`` halves the lr as it does there, through
``SteeringScreen``), so the status shows it as pending until the trainer answers. Layout in
health.tcss.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from cnn_tui.tui.dashboard.steering import SteeringScreen
from cnn_tui.tui.health.history import HealthHistory
from cnn_tui.tui.health.views import HealthPanel, HintPanel, HistogramPanel, LayerTable

REPAINT_HZ = 2


class HealthScreen(Screen[None]):
    """Layer health of the run the dashboard is showing."""

    CSS_PATH = Path(__file__).with_name("health.tcss")

    BINDINGS = [
        Binding("left_square_bracket", "layer(-1)", "Layer−", key_display="[", id="health-prev"),
        Binding("right_square_bracket", "layer(1)", "Layer+", key_display="]", id="health-next"),
        Binding("minus", "fix('halve-lr')", "lr÷2", key_display="-", id="health-lr-down"),
        Binding("plus,equals_sign", "fix('double-lr')", "lr×2", key_display="+", id="health-lr-up"),
        Binding("W", "fix('weight-decay')", "Decay…", id="health-decay"),
        Binding("escape,h", "back", "Back", id="health-back"),
    ]

    def __init__(self, history: HealthHistory, dashboard: SteeringScreen) -> None:
        super().__init__()
        self.history = history
        self.dashboard = dashboard
        self._painted: tuple[object, ...] = ()

    def compose(self) -> ComposeResult:
        state = self.dashboard.state
        yield Static("", id="health-head", markup=False)
        yield LayerTable(state, self.history, id="health-layers")
        yield HistogramPanel(state, self.history, id="health-histograms")
        yield HintPanel(state, self.history, id="health-hints")
        yield Footer()

    def on_mount(self) -> None:
        self._repaint()
        self.set_interval(1 / REPAINT_HZ, self._repaint_if_moved)

    @property
    def panels(self) -> list[HealthPanel]:
        return list(self.query(HealthPanel))

    def _moved(self) -> tuple[object, ...]:
        """What the picture depends on: the history's version, the step and the status's
        headline (run state, what is pending, the hyperparameters)."""
        state = self.dashboard.state
        return (self.history.version, state.step, state.headline)

    def _repaint_if_moved(self) -> None:
        if self._moved() != self._painted:
            self._repaint()

    def _repaint(self) -> None:
        state = self.dashboard.state
        self._painted = self._moved()
        lr = f"{state.lr:.4g}" if state.lr == state.lr else "?"
        pending = f" · {state.pending['hyper']}" if "hyper" in state.pending else ""
        self.query_one("#health-head", Static).update(
            f"Layer health · {state.run_state} · step {state.step:,} · lr {lr}{pending}"
        )
        for panel in self.panels:
            panel.repaint()

    # ---- actions --------------------------------------------------------------------------

    def action_layer(self, direction: int) -> None:
        panel = self.query_one(HistogramPanel)
        panel.layer_index += direction
        panel.repaint()

    def action_fix(self, fix: str) -> None:
        """A hint's fix, through the dashboard's own action (the same command, the same
        pending line and answer)."""
        if fix == "halve-lr":
            self.dashboard.action_lr_down()
        elif fix == "double-lr":
            self.dashboard.action_lr_up()
        elif fix == "weight-decay":
            self.dashboard.action_set_weight_decay()
        self._repaint()

    def action_back(self) -> None:
        self.dismiss()
