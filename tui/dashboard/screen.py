"""Provides ``DashboardScreen``: the panels, the event pump and the one repaint throttle.

A trainer event reaches its widget through four files: the link (``core/training/link.py``) →
``tick`` here → ``TrainingState.apply`` (state.py) → the widget that draws it (``widgets/``).
``tick`` runs 30 times a second: it drains the link (at most ``MAX_EVENTS_PER_TICK`` events, so a
flood never starves the keys), folds the events into the state, and repaints what is due. That
is the one throttle: a panel whose data changed repaints once its ``MIN_INTERVAL`` has passed
since the screen last repainted it (the charts ≤ 2 Hz, the counters ≤ 4 Hz); the status repaints
at once when its headline changed (run state, what is pending, the message, the
hyperparameters), so a key's effect shows at once; a hidden panel, or any while another screen
covers the dashboard (the inspector; modals leave it in view), waits until it is seen.

The bindings come from keys.py; the actions that command the trainer are in steering.py, the
overlay of other runs in overlay_action.py, the screens opened over the dashboard (d, h, p, t) in
view_actions.py (the base classes, in that order); the ones that only change the view are here.
Layout classes (all layout is in app.tcss):
``-compact`` below 120×36, where the lower-left slot shows one of per-class / accuracy / feature
maps (``-view-*``, cycled with v).
"""

from __future__ import annotations

from time import perf_counter
from typing import Protocol, runtime_checkable

from textual import events
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Footer, Static

from cnn_tui.core.contract import events as ev
from cnn_tui.core.training.learning_check import LearningCheck
from cnn_tui.core.training.link import TrainerLink
from cnn_tui.tui.dashboard.keys import bindings
from cnn_tui.tui.dashboard.state import REEVALUATING, TrainingState
from cnn_tui.tui.dashboard.steering import ASKED, END_STATES
from cnn_tui.tui.dashboard.view_actions import ViewsScreen
from cnn_tui.tui.dashboard.wording import viewer_banner
from cnn_tui.tui.widgets.charts import SMOOTHING_STEPS, AccuracyChart, LossChart
from cnn_tui.tui.widgets.classes import ClassAccuracy
from cnn_tui.tui.widgets.digit import DigitView
from cnn_tui.tui.widgets.feature_maps import FeatureMapsView
from cnn_tui.tui.widgets.panel import Panel
from cnn_tui.tui.widgets.status import StatusBar

PUMP_HZ = 30
MAX_EVENTS_PER_TICK = 2000
COMPACT_BELOW = (120, 36)
"""Width, height under which the compact arrangement is used."""
VIEWS = ("classes", "accuracy", "features")
"""What the compact layout's lower-left slot cycles through."""


@runtime_checkable
class TrainerEventListener(Protocol):
    """A screen that wants every trainer event while it is open (the inspector does)."""

    def on_trainer_event(self, event: ev.Event) -> None: ...


class DashboardScreen(ViewsScreen):
    """Status, loss, accuracy, per-class, input and feature-map panels."""

    BINDINGS = bindings(priority=False)

    def __init__(
        self, link: TrainerLink, state: TrainingState | None = None, *, id: str = "dashboard"
    ) -> None:
        super().__init__(link, state or TrainingState(), id=id)
        self.pumping = True
        """False once the app has stopped the link: nothing more is drained."""
        self.learning = LearningCheck()
        self.panels: dict[str, Panel] = {}
        self.dirty: set[str] = set()
        """Panels whose data changed since their last picture."""
        self.view_index = 0
        self._queued: set[str] = set()  # repaints asked for and not run yet
        self._painted_at: dict[str, float] = {}  # perf_counter() of each panel's last repaint
        self._painted_headline: tuple[object, ...] = ()
        self._shown_warning = ""  # the "not learning" warning last notified

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
        if banner := viewer_banner(self.link):  # cnn-tui attach: what this viewer can do
            yield Static(banner[0], id="viewer-banner", classes=banner[1])
        yield self.panels["status"]
        with Grid(id="panels"):
            # grid order: the compact layout puts "input" second (right column, two rows high)
            for name in ("loss", "input", "accuracy", "classes", "features"):
                yield self.panels[name]
        yield Footer()

    def on_mount(self) -> None:
        self._arrange(self.app.size.width, self.app.size.height)
        self.set_interval(1 / PUMP_HZ, self.tick)

    def on_resize(self, event: events.Resize) -> None:
        self._arrange(event.size.width, event.size.height)

    def _arrange(self, width: int, height: int) -> None:
        compact = width < COMPACT_BELOW[0] or height < COMPACT_BELOW[1]
        self.set_class(compact, "-compact")
        for footer in self.query(Footer):
            footer.compact = compact
        for i, view in enumerate(VIEWS):
            self.set_class(i == self.view_index, f"-view-{view}")

    # ---- events in ------------------------------------------------------------------------

    def tick(self) -> None:
        """Drain what the trainer sent, fold it into the state, repaint what is due."""
        if not self.pumping:
            return
        events_in, self.local_answers = self.local_answers, []
        try:
            events_in += self.link.drain(MAX_EVENTS_PER_TICK)
        except Exception as error:
            self.fail(f"the link to the trainer broke: {error}")
        listeners = [s for s in self.app.screen_stack if isinstance(s, TrainerEventListener)]
        changed: set[str] = set()
        replayed = getattr(self.link, "replayed", False) is True  # an attached run's history:
        for event in events_in:  # taken in quietly, not a notification per old event
            changed |= self.state.apply(event)
            self.health.apply(event)
            self.embedding.apply(event)
            changed |= self._judge(event)
            self.answered(event)
            if not replayed:
                self._announce(event)
            for listener in listeners:
                listener.on_trainer_event(event)
        silent = not events_in and not self.link.alive and not getattr(self.link, "viewer", 0)
        if silent and self.state.run_state not in (*END_STATES, "starting"):
            self.fail("the trainer stopped without saying why")
        if changed:
            self.changed(changed)
        self._warn_once()
        self._paint_due()

    def _judge(self, event: ev.Event) -> set[str]:
        """Feed the learning check; its verdict goes into the state as data."""
        stuck = None
        match event:
            case ev.BatchesEnded():
                stuck = self.learning.batches(event.losses, event.lr)
            case ev.Evaluated():
                stuck = self.learning.evaluated(event.accuracy, self.state.lr)
            case ev.HyperparametersChanged(changed=names) if names:
                self.learning.changed()  # the user changed something: judge the run afresh
        return self.state.not_learning(stuck.reason, stuck.summary, stuck.move) if stuck else set()

    def _warn_once(self) -> None:
        """A new "not learning" warning is also a notification (once, until the next one)."""
        if self.state.warning != self._shown_warning:
            self._shown_warning = self.state.warning
            if self.state.warning:
                self.notify(
                    self.state.warning, title="Not learning", severity="warning", timeout=12
                )

    def _announce(self, event: ev.Event) -> None:
        """Answers worth a notification (the status shows them too)."""
        match event:
            case ev.HistoryRestored(evaluations=(*_, last), reevaluating=True):
                said = f"per-class of step {last.step:,} from the snapshot; {REEVALUATING[:-1]}"
                self.notify(f"{said} for its mistakes (m)…", title="Resumed")
            case ev.CommandRefused(command=command, reason=reason) if command not in ASKED:
                self.notify(reason, title="Refused", severity="error")  # (ASKED: their screen says)
            case ev.SnapshotSaved(path=path):
                self.notify(path, title="Snapshot saved")
            case ev.SnapshotFailed(reason=reason):
                self.notify(reason, title="Snapshot failed", severity="error", timeout=8)
            case ev.Notice(title=title, message=message):
                self.notify(message, title=title, timeout=10)
            case ev.Diverged(message=message):
                self.notify(message, title="Training diverged", severity="error", timeout=15)
            case ev.Finished(reason="failed", message=message):
                self.notify(
                    message or "the trainer failed",
                    title="Training failed",
                    severity="error",
                    timeout=30,
                )
            case ev.Finished(reason="finished"):
                self.notify("all epochs done · q quits", title="Training finished")

    # ---- repainting: the one throttle -----------------------------------------------------

    def changed(self, panels: set[str]) -> None:
        """Note panels whose data changed; the status repaints now if its headline changed."""
        super().changed(panels)
        self.dirty |= panels
        status = self.panels.get("status")
        if status is not None and "status" in self.dirty:
            headline = self.state.headline
            if headline != self._painted_headline:
                self._painted_headline = headline
                self.dirty.discard("status")
                self._painted_at["status"] = perf_counter()
                status.repaint()

    @property
    def covered(self) -> bool:
        """Another screen hides the dashboard: an opaque one on top (the inspector, "make the
        terminal larger"); a modal's see-through background leaves it in view."""
        try:
            top = self.app.screen
        except Exception:  # no screen stack (the app is closing)
            return True
        return top is not self and top.styles.background.a == 1

    def _paint_due(self) -> None:
        """Repaint the visible changed panels whose interval has passed (one message each, so a
        key press waits for one panel, not for all); the others stay marked."""
        if self.covered:
            return
        now = perf_counter()
        for name in list(self.dirty - self._queued):
            panel = self.panels.get(name)
            if panel is None:
                self.dirty.discard(name)
            elif panel.display and now - self._painted_at.get(name, -1e9) >= panel.MIN_INTERVAL:
                self.dirty.discard(name)
                self._queued.add(name)
                self._painted_at[name] = now
                self.call_later(self._refresh_panel, name, panel)

    def _refresh_panel(self, name: str, panel: Panel) -> None:
        self._queued.discard(name)
        if not panel.refresh_data():  # it could not draw now (e.g. still drawing the last one)
            self.dirty.add(name)

    def repaint_all(self) -> None:
        """Repaint every panel now (tests, benchmarks)."""
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
