"""Provides ``LrFindScreen`` and ``open_lr_find``: the dashboard's learning-rate range test (L, or
"Find learning rate…" in the palette).

``open_lr_find`` asks for the range (form.py), sends ``FindLr`` and opens the screen. The
trainer sweeps a *copy* of the weights between two batches of the run (core/training/lr_find.py),
so the run waits meanwhile and carries on as it was afterwards; the screen says so. It listens
to every trainer event (the dashboard's pump hands them over, ``TrainerEventListener``): the
chart fills in as ``LrFindProgressed`` arrive, ``LrFindEnded`` gives the verdict. ``escape``
stops a running sweep (``StopLrFind``) and, once it is over, goes back; ``a`` (or enter) sends the
suggested lr through the dashboard's own ``SetHyperparameters`` path and shows the answer.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.dashboard.steering import SteeringScreen
from cnn_tui.tui.lrfind.chart import LrChart
from cnn_tui.tui.lrfind.curve import SweepCurve
from cnn_tui.tui.lrfind.form import as_command, sweep_form
from cnn_tui.tui.timeline.form import Values


def open_lr_find(dashboard: SteeringScreen, last: cmd.FindLr | None = None) -> None:
    """The range form; on a valid range, the sweep is asked for and its screen opened."""

    def done(values: Values | None) -> None:
        if values is None:
            return
        command = as_command(values)
        dashboard.link.send(command)
        dashboard.app.push_screen(LrFindScreen(dashboard, command))

    dashboard.app.push_screen(sweep_form(last), done)


class LrFindScreen(Screen[None]):
    """One sweep: its chart as it grows, its verdict, and the key that applies it."""

    CSS_PATH = Path(__file__).with_name("lrfind.tcss")
    BINDINGS = [
        Binding("escape", "stop_or_back", "Stop / back", id="lrfind-stop"),
        Binding("a,enter", "apply", "Apply lr", key_display="a", id="lrfind-apply"),
    ]

    def __init__(self, dashboard: SteeringScreen, command: cmd.FindLr) -> None:
        super().__init__()
        self.dashboard = dashboard
        self.curve = SweepCurve(command.start, command.end, command.batches)
        self._asked: float | None = None  # the lr sent by `a`, until the trainer answers
        self._painted = -1

    def compose(self) -> ComposeResult:
        yield Static("", id="lrfind-head", markup=False)
        yield LrChart(self.dashboard.state, self.curve, id="lrfind-chart")
        yield Static("", id="lrfind-verdict", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._repaint()
        self.set_interval(1 / 4, self._repaint_if_moved)

    # ---- events in (from the dashboard's pump) ---------------------------------------------

    def on_trainer_event(self, event: ev.Event) -> None:
        if self._asked is not None and self.curve.answered(event, self._asked):
            self._asked = None
        else:
            self.curve.apply(event)

    def _repaint_if_moved(self) -> None:
        if self.curve.version != self._painted:
            self._repaint()

    def _repaint(self) -> None:
        self._painted = self.curve.version
        self.query_one("#lrfind-head", Static).update(self.head())
        self.query_one("#lrfind-verdict", Static).update(self.verdict())
        self.set_class(self.curve.suggested is not None, "-suggested")
        self.query_one(LrChart).repaint()
        self.refresh_bindings()

    def head(self) -> str:
        """What is happening to the run, honestly: it waits while its copy sweeps."""
        c = self.curve
        where = f"{c.start:g} → {c.end:g} over {c.batches} batches"
        if c.refused:
            return f"Learning-rate sweep refused: {c.refused}"
        copy = f"a copy of step {c.step:,}'s weights" if c.step >= 0 else "a copy of the weights"
        if c.running:
            return (
                f"Sweeping {copy}: lr {where} · batch {len(c.lrs)} · the run waits "
                "(it carries on as it was when the sweep ends)"
            )
        done = len(c.lrs)
        if done < c.batches:  # stopped early (the loss exploded, or escape)
            where = f"{c.start:g} → {c.end:g}, stopped after {done} of {c.batches} batches"
        return f"Swept {copy}: lr {where} · the run is as it was"

    def verdict(self) -> str:
        c = self.curve
        if c.refused:
            return "nothing was swept · escape: back"
        if c.ended is None:
            return "escape: stop the sweep"
        lines = [c.ended.message]
        if c.applied:
            lines.append(c.applied)
        elif self._asked is not None:
            lines.append(f"lr → {self._asked:.4g}…")
        elif c.suggested is not None:
            lines.append(f"a: apply lr {c.suggested:.3g} to the run · escape: back")
        else:
            lines.append("nothing to apply · escape: back")
        return "\n".join(lines)

    # ---- keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`a` only once there is a suggestion to apply (and the footer says so)."""
        if action == "apply":
            return self.curve.suggested is not None and not self.curve.applied
        return True

    def action_stop_or_back(self) -> None:
        if self.curve.running:
            self.dashboard.link.send(cmd.StopLrFind())
            self.query_one("#lrfind-verdict", Static).update("stopping the sweep…")
        else:
            self.dismiss()

    def action_apply(self) -> None:
        lr = self.curve.suggested
        if lr is None or self._asked is not None or self.curve.applied:
            return
        self._asked = lr
        self.dashboard.send(cmd.SetHyperparameters(lr=lr))  # pending in the status, as `l` does
        self._repaint()
