"""Provides ``TimelineScreen`` (``t`` in the dashboard): the current run's snapshots on its loss
curve, to branch a new run from one of them or to start a fresh run with another architecture.

Top, a small loss chart with every snapshot marked (strip.py); below, the snapshots as a table —
epoch, step, test accuracy and loss of their weights where they were evaluated, the settings they
were saved with — read from their metadata alone (``core/snapshot/peek.py``), and a line on the
highlighted one. ``enter`` (or ``b``) opens the branch form, ``a`` the architecture form
(forms.py); once a form is valid the request goes to the app's ``RunControl``
(``core/training/relaunch.py``), which loads the snapshot and prepares the new run — a failure is
one line and the current run goes on — and the app switches to it (tui/dashboard/switching.py).
No snapshots yet: the screen says so (``s`` saves one, as on the dashboard; the list follows).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.core.contract.timeline import SnapshotEntry
from cnn_tui.core.training.relaunch import Launch, RelaunchError, RunControl
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.timeline.form import Values
from cnn_tui.tui.timeline.forms import (
    architecture_form,
    branch_form,
    branch_request,
    fresh_request,
)
from cnn_tui.tui.timeline.strip import SnapshotStrip

EMPTY = "no snapshots of this run yet · press s to save one (the list follows)"
COLUMNS = ("epoch", "step", "test acc", "test loss", "lr", "batch")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f} %"


def _loss(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def describe(entry: SnapshotEntry) -> str:
    """One line on a snapshot: where it is in the run, its test result and settings."""
    if entry.problem:
        return f"✗ cannot be read: {entry.problem}"
    tested = (
        f"test {_percent(entry.accuracy)} (loss {_loss(entry.loss)})"
        if entry.accuracy is not None
        else "not evaluated at this step"
    )
    return (
        f"step {entry.step:,} · epoch {entry.epoch} · {tested} · lr {entry.lr:g}, batch "
        f"{entry.batch_size}, momentum {entry.momentum:g}, decay {entry.weight_decay:g} · "
        f"{entry.architecture} · {entry.name}"
    )


class TimelineScreen(Screen[None]):
    """The run's snapshots; branch from one, or start another architecture."""

    CSS_PATH = Path(__file__).with_name("timeline.tcss")
    BINDINGS = [
        Binding("enter", "branch", "Branch…", id="timeline-branch", priority=True),
        Binding("b", "branch", "Branch…", show=False, id="timeline-branch-b"),
        Binding("a", "architecture", "Architecture…", id="timeline-architecture"),
        Binding("s", "save_snapshot", "Snap", id="timeline-snapshot"),
        Binding("escape,t", "close", "Back", id="timeline-close"),
    ]

    def __init__(self, control: RunControl, state: TrainingState) -> None:
        super().__init__()
        self.control = control
        self.state = state
        self.entries: list[SnapshotEntry] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="timeline-head")
        yield SnapshotStrip(self.state, id="timeline-strip")
        yield DataTable(id="timeline-table", cursor_type="row")
        yield Static(self.control.can_launch or EMPTY, id="timeline-empty")
        yield Static("", id="timeline-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    # ---- the list -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the run's snapshots again (their metadata only) and show them, newest last,
        keeping the highlighted one where it still is."""
        keep = self.selected.path if self.selected else None
        self.entries = self.control.snapshots()
        table = self.query_one(DataTable)
        # a branch lists its parent's snapshots up to the branch point too: then say whose
        runs = len({e.run for e in self.entries}) > 1
        table.clear(columns=True)
        table.add_columns(*COLUMNS, *(("run",) if runs else ()))
        for e in self.entries:
            whose = (e.run,) if runs else ()
            if e.problem:
                table.add_row(str(e.epoch), f"{e.step:,}", "unreadable", "—", "", "", *whose)
            else:
                table.add_row(
                    str(e.epoch),
                    f"{e.step:,}",
                    _percent(e.accuracy),
                    _loss(e.loss),
                    f"{e.lr:g}",
                    str(e.batch_size),
                    *whose,
                )
        paths = [e.path for e in self.entries]
        if self.entries:
            table.move_cursor(row=paths.index(keep) if keep in paths else len(paths) - 1)
        empty = not self.entries
        table.display = not empty
        self.query_one("#timeline-empty").display = empty
        self._show_selected()

    @property
    def selected(self) -> SnapshotEntry | None:
        if not self.entries or not self.is_mounted:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.entries[row] if 0 <= row < len(self.entries) else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        chosen = self.selected
        self.query_one(SnapshotStrip).show(self.entries, chosen)
        self.query_one("#timeline-detail", Static).update(describe(chosen) if chosen else "")
        lineage = f" · {self.state.lineage.describe()}" if self.state.lineage else ""
        count = f"{len(self.entries)} snapshot{'s' * (len(self.entries) != 1)}"
        head = f"Timeline · {self.control.run_name}{lineage} · {count}"
        self.query_one("#timeline-head", Static).update(head)

    def on_trainer_event(self, event: ev.Event) -> None:
        """The dashboard passes every trainer event on: a new snapshot joins the list."""
        if isinstance(event, ev.SnapshotSaved):
            self.reload()

    # ---- actions --------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save_snapshot(self) -> None:
        """s: save a snapshot now, as the dashboard's s does (the answer is shown there too)."""
        if getattr(self.app, "switching", False) or self.state.run_state in (
            "finished",
            "stopped",
            "failed",
        ):
            self.notify("the run has ended: no snapshot to save now", severity="warning")
            return
        dashboard = getattr(self.app, "dashboard", None)
        if dashboard is not None:
            dashboard.send(cmd.SaveSnapshot())

    def _refused(self) -> bool:
        """Say why no new run can start from here (or while one is starting)."""
        why = self.control.can_launch or (
            "a new run is already starting" if getattr(self.app, "switching", False) else ""
        )
        if why:
            self.notify(why, title="Timeline", severity="warning")
        return bool(why)

    def action_branch(self) -> None:
        chosen = self.selected
        if self._refused():
            return
        if chosen is None:
            self.notify(EMPTY, title="Timeline", severity="warning")
            return
        if chosen.problem:
            self.notify(chosen.problem, title="Cannot branch", severity="error")
            return

        def done(values: Values | None) -> None:
            if values is not None:
                self._launch(lambda: self.control.branch(branch_request(chosen, values)))

        self.app.push_screen(branch_form(self.control, chosen, self.state.train_size), done)

    def action_architecture(self) -> None:
        if self._refused():
            return

        def done(values: Values | None) -> None:
            if values is not None:
                self._launch(lambda: self.control.fresh(fresh_request(values)))

        self.app.push_screen(architecture_form(self.control), done)

    def _launch(self, prepare: Callable[[], Launch]) -> None:
        """Prepare the new run (``prepare()``: load, check, make its link); on success leave
        for it, else say why in one line and stay (the current run goes on)."""
        try:
            launch = prepare()
        except RelaunchError as error:
            self.notify(str(error), title="No new run", severity="error", timeout=12)
            return
        switch = getattr(self.app, "switch_run", None)
        if switch is None:
            self.notify("this app cannot switch runs", severity="error")
            return
        self.dismiss(None)
        if not switch(launch):
            launch.link.stop(0.1)
            self.app.notify("quitting: the new run was not started", severity="warning")
