"""Provides ``DashboardScreen``: the panels, their key bindings and the ≤10 Hz repaint.

The screen owns the widgets and the repaint timer (so the timer stops with it); the App owns the
link and the state and calls ``mark(changed)`` after folding events in. The status line repaints
at once (it is cheap, and it is where a key press shows first); the charts and pictures repaint
on the next tick, at most ten times a second, and only when their data changed.

Layout classes (all layout is in app.tcss): ``-compact`` below 120×36, where the lower-left slot
shows one of per-class / accuracy / feature maps (``-view-*``, cycled with v).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Footer

from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.widgets.charts import SMOOTHING_STEPS, AccuracyChart, LossChart
from cnn_tui.tui.widgets.classes import ClassAccuracy
from cnn_tui.tui.widgets.digit import DigitView
from cnn_tui.tui.widgets.feature_maps import FeatureMapsView
from cnn_tui.tui.widgets.panel import Panel
from cnn_tui.tui.widgets.status import StatusBar

COMPACT_BELOW = (120, 36)
"""Width, height under which the compact arrangement is used."""
VIEWS = ("classes", "accuracy", "features")
"""What the compact layout's lower-left slot cycles through."""
REPAINT_HZ = 10


class DashboardScreen(Screen[None]):
    """Status, loss, accuracy, per-class, input and feature-map panels."""

    BINDINGS = [
        # one key, two labels: the footer shows the one space will do (DashboardApp.check_action)
        Binding("space", "app.toggle_pause('pause')", "Pause", id="pause"),
        Binding("space", "app.toggle_pause('resume')", "Resume", id="resume"),
        Binding("n", "app.step", "Step", id="step"),
        Binding("plus,equals_sign", "app.lr_up", "lr×2", id="lr-up", key_display="+"),
        Binding("minus", "app.lr_down", "lr÷2", id="lr-down", key_display="-"),
        Binding("l", "app.set_lr", "lr…", id="lr"),
        Binding("b", "app.set_batch_size", "Batch…", id="batch", show=False),
        Binding("M", "app.set_momentum", "Momentum…", id="momentum", show=False),
        Binding("e", "app.evaluate", "Eval", id="evaluate"),
        Binding("r", "app.request_sample", "New sample", id="sample", show=False),
        Binding("s", "app.save_snapshot", "Snap", id="snapshot"),
        Binding("m", "app.open_mistakes", "Mistakes", id="mistakes", show=False),
        Binding("g", "toggle_log", "Log y", id="log-scale", show=False),
        Binding(
            "left_square_bracket",
            "smoothing(-1)",
            "Smooth−",
            id="smooth-less",
            show=False,
            key_display="[",
        ),  # fmt: skip
        Binding(
            "right_square_bracket",
            "smoothing(1)",
            "Smooth+",
            id="smooth-more",
            show=False,
            key_display="]",
        ),  # fmt: skip
        Binding("c", "toggle_confusion", "Confusion", id="confusion", show=False),
        Binding("v", "cycle_view", "View", id="view", show=False),
        Binding("z", "zoom", "Zoom", id="zoom", show=False),
        Binding("question_mark", "app.help", "Help", id="help", key_display="?"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, state: TrainingState) -> None:
        super().__init__(id="dashboard")
        self.state = state
        self.dirty: set[str] = set()
        self.view_index = 0
        self.panels: dict[str, Panel] = {}
        self._status_headline: tuple[object, ...] = ()

    def compose(self) -> ComposeResult:
        s = self.state
        self.panels = {
            "status": StatusBar(s, id="status"),
            "loss": LossChart(s, id="loss"),
            "accuracy": AccuracyChart(s, id="accuracy"),
            "classes": ClassAccuracy(s, id="classes"),
            "input": DigitView(s, id="input"),
            "features": FeatureMapsView(s, id="features"),
        }
        yield self.panels["status"]
        with Grid(id="panels"):
            # grid order: the compact layout puts "input" second (right column, two rows high)
            for name in ("loss", "input", "accuracy", "classes", "features"):
                yield self.panels[name]
        yield Footer()

    def on_mount(self) -> None:
        self._arrange(self.app.size.width, self.app.size.height)
        self.set_interval(1 / REPAINT_HZ, self.repaint_dirty)

    def on_resize(self, event: events.Resize) -> None:
        self._arrange(event.size.width, event.size.height)

    def _arrange(self, width: int, height: int) -> None:
        compact = width < COMPACT_BELOW[0] or height < COMPACT_BELOW[1]
        self.set_class(compact, "-compact")
        for footer in self.query(Footer):
            footer.compact = compact
        for i, view in enumerate(VIEWS):
            self.set_class(i == self.view_index, f"-view-{view}")

    # ---- repainting -----------------------------------------------------------------------

    def mark(self, changed: set[str]) -> None:
        """Note panels whose data changed. The status repaints now when the run state, what is
        pending or the message changed (a key's effect shows at once); counters (step, img/s)
        wait for the next tick, like the other panels."""
        if "status" in changed and self.panels:
            s = self.state
            headline = (s.run_state, tuple(s.pending.items()), s.message, s.lr, s.batch_size,
                        s.momentum)  # fmt: skip
            if headline != self._status_headline:
                self._status_headline = headline
                self.panels["status"].repaint()
                changed = changed - {"status"}
        self.dirty |= changed

    def repaint_dirty(self) -> None:
        """Repaint the visible panels whose data changed (hidden ones repaint when shown); a
        panel that is not due yet (the charts: ≤ 2 Hz) stays marked for a later tick."""
        if not self.is_current:
            return  # under a pushed screen (help, inspector): nothing of ours is seen
        dirty, self.dirty = self.dirty, set()
        for name in dirty:
            panel = self.panels.get(name)
            if panel is not None and panel.display:
                # one message per panel, so a key press waits for one panel, not for all
                self.call_later(self._refresh_panel, name, panel)

    def _refresh_panel(self, name: str, panel: Panel) -> None:
        if not panel.refresh_data():
            self.dirty.add(name)

    def repaint_all(self) -> None:
        for panel in self.panels.values():
            panel.repaint()
        self.dirty.clear()

    # ---- view actions (UI only; no command to the trainer) --------------------------------

    def action_toggle_log(self) -> None:
        chart = self.panels["loss"]
        assert isinstance(chart, LossChart)
        chart.log_scale = not chart.log_scale

    def action_smoothing(self, direction: int) -> None:
        chart = self.panels["loss"]
        assert isinstance(chart, LossChart)
        steps = SMOOTHING_STEPS
        nearest = min(range(len(steps)), key=lambda i: abs(steps[i] - chart.smoothing))
        chart.smoothing = steps[max(0, min(len(steps) - 1, nearest + direction))]

    def action_toggle_confusion(self) -> None:
        panel = self.panels["classes"]
        assert isinstance(panel, ClassAccuracy)
        panel.show_confusion = not panel.show_confusion

    def action_cycle_view(self) -> None:
        self.view_index = (self.view_index + 1) % len(VIEWS)
        self._arrange(self.app.size.width, self.app.size.height)
        if self.has_class("-compact"):
            self.notify(f"lower panel: {VIEWS[self.view_index]}", timeout=1.5)

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        target = self.focused if isinstance(self.focused, Panel) else self.panels["loss"]
        self.maximize(target, container=False)
