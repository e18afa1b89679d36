"""Provides ``DashboardApp``: the live training dashboard over any ``TrainerLink``.

One pump timer (30 Hz) drains the link (bounded per tick) into the pure ``TrainingState`` and
tells the dashboard screen what changed; the screen repaints at ≤10 Hz. Key bindings become core
commands sent through the link; the status shows what the trainer acknowledged ("pausing…" until
``Paused``). Quitting (q, ctrl+c, ctrl+q) sends ``Stop(save=True)``, waits a bounded time for
``Finished``, then ``link.stop()``: it never hangs and never leaves the trainer behind.

Hooks for other parts of the app:

* ``DashboardApp(link, *, title=...)`` — the constructor; ``run()`` starts the link on mount.
* ``inspector_factory`` — set to ``Callable[[Evaluated], Screen]`` and ``m`` opens that screen
  with the latest evaluation (its mistakes); until then ``m`` only notifies.
* ``state`` — the ``TrainingState`` (read-only for others); ``send(command)`` — send a command and
  show it as pending.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.core.contract.config import (
    BATCH_SIZE_MAX,
    LR_RANGE,
    ConfigError,
    check_float,
    parse_batch_size,
    parse_lr,
    parse_momentum,
)
from cnn_tui.core.training.link import TrainerLink
from cnn_tui.tui.dashboard.screen import DashboardScreen
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.screens.help import HelpScreen
from cnn_tui.tui.screens.too_small import TooSmallScreen
from cnn_tui.tui.screens.value_prompt import ValuePrompt

MIN_SIZE = (80, 24)
"""Below this the dashboard is replaced by "make the terminal larger"."""
PUMP_HZ = 30
MAX_EVENTS_PER_TICK = 2000
END_STATES = ("finished", "stopped", "failed")


@runtime_checkable
class TrainerEventListener(Protocol):
    """A screen that wants every trainer event while it is open (the inspector does)."""

    def on_trainer_event(self, event: ev.Event) -> None: ...


class DashboardApp(App[None]):
    """Watch a CNN learn and steer it."""

    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+c", "interrupt", "Quit", id="quit-ctrl-c", show=False, priority=True),
        Binding("ctrl+q", "quit", "Quit", id="quit-ctrl-q", show=False, priority=True),
    ]

    def __init__(
        self,
        link: TrainerLink,
        *,
        title: str = "cnn-tui",
        quit_timeout: float = 5.0,
        stop_timeout: float = 3.0,
    ) -> None:
        super().__init__()
        self.link = link
        self.title = title
        self.state = TrainingState()
        self.quit_timeout = quit_timeout
        """Seconds to wait for ``Finished`` (the trainer saving) after ``Stop`` on quit."""
        self.stop_timeout = stop_timeout
        """Seconds ``link.stop`` may take before it forces the trainer down."""
        self.inspector_factory: Callable[[ev.Evaluated], Screen[None]] | None = None
        """Set by the inspector: builds the misclassified-digit screen from an evaluation."""
        self.dashboard = DashboardScreen(self.state)
        self._pump_timer: Timer | None = None
        self._quit_deadline: float | None = None
        self._quit_started = False
        self._link_stopped = False
        self.interrupted = False
        """Set when the user quit with Ctrl+C (the command exits 130 then)."""
        self._asked: dict[str, float] = {}  # lr asked for and not yet answered, for + and −
        self._space_label = "pause"  # what the footer says space does
        self._shown_warning = ""  # the "not learning" warning last notified

    # ---- life cycle -----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(self.dashboard)
        try:
            self.link.start()
        except Exception as error:  # a link that cannot start is shown, not raised
            self._fail(f"the trainer did not start: {error}")
        self._pump_timer = self.set_interval(1 / PUMP_HZ, self.pump)
        self._check_size(self.size.width, self.size.height)

    def on_unmount(self) -> None:
        self._stop_link()

    def _stop_link(self) -> None:
        if not self._link_stopped:
            self._link_stopped = True
            self.link.stop(self.stop_timeout)

    # ---- events in ------------------------------------------------------------------------

    def pump(self) -> None:
        """Drain what the trainer sent, fold it into the state, mark the panels that changed."""
        if self._link_stopped:
            return
        try:
            events_in = self.link.drain(MAX_EVENTS_PER_TICK)
        except Exception as error:
            events_in = []
            self._fail(f"the link to the trainer broke: {error}")
        changed: set[str] = set()
        listeners = [s for s in self.screen_stack if isinstance(s, TrainerEventListener)]
        for event in events_in:
            changed |= self.state.apply(event)
            self._announce(event)
            for listener in listeners:
                listener.on_trainer_event(event)
        if (
            not events_in
            and not self.link.alive
            and self.state.run_state not in END_STATES
            and self.state.run_state != "starting"
        ):
            self._fail("the trainer stopped without saying why")
            changed.add("status")
        if changed:
            self.dashboard.mark(changed)
            self._refresh_space_label()
            if self.state.warning != self._shown_warning:
                self._shown_warning = self.state.warning
                if self.state.warning:
                    self.notify(self.state.warning, title="Not learning", severity="warning",
                                timeout=12)  # fmt: skip
        if self._quit_deadline is not None:
            ended = self.state.run_state in END_STATES or not self.link.alive
            if ended or time.monotonic() > self._quit_deadline:
                self._quit_now()

    def _announce(self, event: ev.Event) -> None:
        """Answers worth a notification (the status shows them too)."""
        match event:
            case ev.HyperparametersChanged() | ev.CommandRefused():
                self._asked.clear()
                if isinstance(event, ev.CommandRefused):
                    self.notify(event.reason, title="Refused", severity="error")
            case ev.SnapshotSaved(path=path):
                self.notify(path, title="Snapshot saved")
            case ev.SnapshotFailed(reason=reason):
                self.notify(reason, title="Snapshot failed", severity="error", timeout=8)
            case ev.Diverged(message=message):
                self.notify(message, title="Training diverged", severity="error", timeout=15)
            case ev.Finished(reason="failed", message=message):
                self.notify(message or "the trainer failed", title="Training failed",
                            severity="error", timeout=30)  # fmt: skip
            case ev.Finished(reason="finished"):
                self.notify("all epochs done · q quits", title="Training finished")

    def _fail(self, message: str) -> None:
        self.state.run_state = "failed"
        self.state.message = message
        self.notify(message, title="Trainer", severity="error", timeout=30)
        self.dashboard.mark({"status"})

    # ---- commands out ---------------------------------------------------------------------

    def send(self, command: cmd.Command) -> None:
        """Send a command and show it as pending until the trainer answers."""
        try:
            self.link.send(command)
        except Exception as error:
            self._fail(f"could not send {type(command).__name__}: {error}")
            return
        self.dashboard.mark(self.state.requested(command))
        self._refresh_space_label()  # a second press would reverse it: the footer says so

    def _refresh_space_label(self) -> None:
        """Redraw the footer when the space key's label (Pause / Resume) changes."""
        does = self._space_does()
        if does != self._space_label:
            self._space_label = does
            self.refresh_bindings()

    @property
    def _ended(self) -> bool:
        return self.state.run_state in END_STATES

    def _refuse_if_ended(self) -> bool:
        if self._ended:
            self.notify(f"the run has {self.state.run_state} · q quits", severity="warning")
        return self._ended

    def _space_does(self) -> str:
        """ "pause" or "resume": resume when paused (also after a divergence); a second press
        before the trainer answers reverses the first."""
        pending = self.state.pending.get("run", "")
        if pending.startswith("pausing"):
            return "resume"
        if pending.startswith("resuming"):
            return "pause"
        return "resume" if self.state.run_state in ("paused", "diverged") else "pause"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Of the space key's two bindings only the one it will do is live (and in the footer)."""
        if action == "toggle_pause" and parameters:
            return parameters[0] == self._space_does()
        return True

    def action_toggle_pause(self, does: str = "") -> None:
        """Pause or resume, whichever ``_space_does`` says (``does``: the footer's label)."""
        if self._refuse_if_ended():
            return
        self.send(cmd.Resume() if self._space_does() == "resume" else cmd.Pause())

    def action_step(self) -> None:
        if self._refuse_if_ended():
            return
        if self.state.run_state not in ("paused", "diverged"):
            self.notify("step works while paused · press space first", severity="warning")
            return
        self.send(cmd.Step(1))

    def _scale_lr(self, factor: float) -> None:
        if self._refuse_if_ended():
            return
        base = self._asked.get("lr", self.state.lr)
        if not math.isfinite(base):
            self.notify("the learning rate is not known yet", severity="warning")
            return
        try:
            new = check_float("learning rate", base * factor, *LR_RANGE)
        except ConfigError as error:
            self.notify(str(error), title="Refused", severity="error")
            return
        self._asked["lr"] = new
        self.send(cmd.SetHyperparameters(lr=new))

    def action_lr_up(self) -> None:
        self._scale_lr(2.0)

    def action_lr_down(self) -> None:
        self._scale_lr(0.5)

    def _prompt(self, title: str, current: str, rule: str, parse, make) -> None:  # noqa: ANN001
        if self._refuse_if_ended():
            return

        def done(value: float | int | None) -> None:
            if value is not None:
                self.send(make(value))

        self.push_screen(ValuePrompt(title, current, rule, parse), done)

    def action_set_lr(self) -> None:
        lo, hi = LR_RANGE
        self._prompt("Learning rate", f"{self.state.lr:g}", f"a number in {lo:g}–{hi:g}",
                     parse_lr, lambda v: cmd.SetHyperparameters(lr=float(v)))  # fmt: skip

    def action_set_batch_size(self) -> None:
        limit = min(BATCH_SIZE_MAX, self.state.train_size or BATCH_SIZE_MAX)
        self._prompt("Batch size", str(self.state.batch_size), f"a whole number in 1–{limit}",
                     lambda text: parse_batch_size(text, limit),
                     lambda v: cmd.SetHyperparameters(batch_size=int(v)))  # fmt: skip

    def action_set_momentum(self) -> None:
        self._prompt(
            "Momentum",
            f"{self.state.momentum:g}",
            "a number in 0–0.999",
            parse_momentum,
            lambda v: cmd.SetHyperparameters(momentum=float(v)),
        )

    def action_evaluate(self) -> None:
        if not self._refuse_if_ended():
            self.send(cmd.Evaluate())

    def action_request_sample(self) -> None:
        if not self._refuse_if_ended():
            self.send(cmd.RequestSample())

    def action_save_snapshot(self) -> None:
        if not self._refuse_if_ended():
            self.send(cmd.SaveSnapshot())

    def action_open_mistakes(self) -> None:
        """Open the misclassified-digit browser (``inspector_factory``) on the latest
        evaluation; until it exists, say so."""
        latest = self.state.latest_eval
        if self.inspector_factory is None:
            self.notify("no misclassified-digit browser in this app", severity="warning")
            return
        if latest is None:
            self.notify("no evaluation yet · press e to evaluate now", severity="warning")
            return
        try:
            screen = self.inspector_factory(latest)
        except Exception as error:  # e.g. the test images cannot be read: say so, keep going
            self.notify(str(error), title="Cannot open the mistakes", severity="error")
            return
        self.push_screen(screen)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    # ---- quitting -------------------------------------------------------------------------

    async def action_interrupt(self) -> None:
        """Ctrl+C: quit like ``q`` (stop, save, exit), with the exit code of an interrupt."""
        self.interrupted = True
        await self.action_quit()

    async def action_quit(self) -> None:
        """Stop the trainer at the next batch (it saves a snapshot), wait for it briefly,
        then exit. A second press exits without waiting any longer."""
        if self._quit_deadline is not None or self._ended or not self.link.alive:
            self._quit_now()
            return
        self._quit_deadline = time.monotonic() + self.quit_timeout
        self.send(cmd.Stop(save=True))

    def _quit_now(self) -> None:
        if self._quit_started:
            return
        self._quit_started = True
        # the trainer has finished (or had its time): at most stop_timeout more, then exit
        self._stop_link()
        self.exit()

    # ---- size -----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        top = self.screen_stack[-1] if self.screen_stack else None
        if small and not isinstance(top, TooSmallScreen):
            self.push_screen(TooSmallScreen(*MIN_SIZE))
        elif small and isinstance(top, TooSmallScreen):
            top.show_size(width, height)
        elif not small and isinstance(top, TooSmallScreen):
            self.pop_screen()

    # ---- command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, help_text, action in PALETTE:
            yield SystemCommand(title, help_text, getattr(self, action))


PALETTE = (
    ("Pause / resume", "pause or resume training (space)", "action_toggle_pause"),
    ("Step one batch", "while paused (n)", "action_step"),
    ("Learning rate ×2", "(+)", "action_lr_up"),
    ("Learning rate ÷2", "(-)", "action_lr_down"),
    ("Set learning rate…", "type an exact value (l)", "action_set_lr"),
    ("Set batch size…", "(b)", "action_set_batch_size"),
    ("Set momentum…", "(M)", "action_set_momentum"),
    ("Evaluate now", "on the test set (e)", "action_evaluate"),
    ("New input sample", "(r)", "action_request_sample"),
    ("Save snapshot", "(s)", "action_save_snapshot"),
    ("Misclassified digits", "browse the latest evaluation's mistakes (m)", "action_open_mistakes"),
    ("Help", "keys and panels (?)", "action_help"),
)
