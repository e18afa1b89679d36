"""Provides ``SteeringScreen``: the dashboard's key actions that command the trainer.

A key's action sends its core command straight to the link (``core/training/link.py``) and notes
it in the state as pending, so the status shows "lr → 0.02…" at once; the acknowledged value
replaces it when the trainer's answer arrives (``DashboardScreen.tick``). ``DashboardScreen``
(screen.py) builds on this with the panels, the event pump and the view-only actions; the keys
themselves are in keys.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from textual.screen import Screen

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.core.contract.config import (
    BATCH_SIZE_MAX,
    LR_RANGE,
    WEIGHT_DECAY_RANGE,
    ConfigError,
    check_float,
    parse_batch_size,
    parse_lr,
    parse_momentum,
    parse_weight_decay,
)
from cnn_tui.core.training.link import TrainerLink
from cnn_tui.tui.dashboard.state import REEVALUATING, TrainingState
from cnn_tui.tui.screens.help import HelpScreen
from cnn_tui.tui.screens.value_prompt import ValuePrompt

END_STATES = ("finished", "stopped", "failed")
QUESTIONS = (cmd.RequestSample, cmd.FindNearest)
"""Commands that ask the trainer for an answer a screen waits on (a digit's view, its nearest
training digits): once the run has ended nothing would answer, so they are refused here."""
ASKED = frozenset(question.__name__ for question in QUESTIONS)
"""Their names: the screen that asked shows a refusal of one (no dashboard notification)."""


class SteeringScreen(Screen[None]):
    """Pause, step, learning rate, batch size, momentum, weight decay, evaluate, sample,
    snapshot, mistakes."""

    def __init__(self, link: TrainerLink, state: TrainingState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.link = link
        self.state = state
        self.inspector_factory: Callable[[ev.Evaluated], Screen[None]] | None = None
        """Builds the misclassified-digit screen from an evaluation (``m``); None: not here."""
        self._asked_lr: float | None = None  # asked for and not answered yet (for + and −)
        self._space_label = "pause"  # what the footer says space does
        self.local_answers: list[ev.Event] = []
        """Refusals made here (a question after the run ended), delivered with the next events."""

    # ---- sending ---------------------------------------------------------------------------

    def send(self, command: cmd.Command) -> None:
        """Send a command and show it as pending until the trainer answers."""
        if self.ended and isinstance(command, QUESTIONS):
            reason = (
                f"the run has {self.state.run_state}: its trainer no longer answers "
                "(cnn-tui inspect SNAPSHOT opens one of its snapshots)"
            )
            name = type(command).__name__
            self.local_answers.append(ev.CommandRefused(self.state.step, name, reason))
            return
        try:
            self.link.send(command)
        except Exception as error:
            self.fail(f"could not send {type(command).__name__}: {error}")
            return
        self.changed(self.state.requested(command))

    def changed(self, panels: set[str]) -> None:
        """The state changed for these panels: the dashboard repaints them (screen.py)."""
        self.refresh_space_label()

    def fail(self, message: str) -> None:
        """The trainer cannot be reached: say so (status and a notification)."""
        self.state.run_state = "failed"
        self.state.message = message
        self.notify(message, title="Trainer", severity="error", timeout=30)
        self.changed({"status"})

    def answered(self, event: ev.Event) -> None:
        """An answer to a hyperparameter change (or a refusal) ends what + and − asked for."""
        if isinstance(event, ev.HyperparametersChanged | ev.CommandRefused):
            self._asked_lr = None

    @property
    def ended(self) -> bool:
        return self.state.run_state in END_STATES

    def _refuse_if_ended(self) -> bool:
        if self.ended:
            self.notify(f"the run has {self.state.run_state} · q quits", severity="warning")
        return self.ended

    # ---- the space key ------------------------------------------------------------------------

    def space_does(self) -> str:
        """ "pause" or "resume": resume when paused (also after a divergence); a second press
        before the trainer answers reverses the first."""
        pending = self.state.pending.get("run", "")
        if pending.startswith("pausing"):
            return "resume"
        if pending.startswith("resuming"):
            return "pause"
        return "resume" if self.state.run_state in ("paused", "diverged") else "pause"

    def refresh_space_label(self) -> None:
        """Redraw the footer when the space key's label (Pause / Resume) changes."""
        does = self.space_does()
        if does != self._space_label:
            self._space_label = does
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Of the space key's two bindings only the one it will do is live (and in the footer)."""
        if action == "toggle_pause" and parameters:
            return parameters[0] == self.space_does()
        return True

    def action_toggle_pause(self, does: str = "") -> None:
        """Pause or resume, whichever ``space_does`` says (``does``: the footer's label)."""
        if not self._refuse_if_ended():
            self.send(cmd.Resume() if self.space_does() == "resume" else cmd.Pause())

    def action_step(self) -> None:
        if self._refuse_if_ended():
            return
        if self.state.run_state not in ("paused", "diverged"):
            self.notify("step works while paused · press space first", severity="warning")
            return
        self.send(cmd.Step(1))

    # ---- hyperparameters ----------------------------------------------------------------------

    def _scale_lr(self, factor: float) -> None:
        """× ``factor`` of the rate last asked for (two quick presses: ×4), else the current."""
        if self._refuse_if_ended():
            return
        base = self.state.lr if self._asked_lr is None else self._asked_lr
        if not math.isfinite(base):
            self.notify("the learning rate is not known yet", severity="warning")
            return
        try:
            new = check_float("learning rate", base * factor, *LR_RANGE)
        except ConfigError as error:
            self.notify(str(error), title="Refused", severity="error")
            return
        self._asked_lr = new
        self.send(cmd.SetHyperparameters(lr=new))

    def action_lr_up(self) -> None:
        self._scale_lr(2.0)

    def action_lr_down(self) -> None:
        self._scale_lr(0.5)

    def _prompt(
        self,
        title: str,
        current: str,
        rule: str,
        parse: Callable[[str], float | int],
        make: Callable[[float | int], cmd.Command],
    ) -> None:
        """Ask for a value (checked as it is typed by ``parse``); send ``make(value)``."""
        if self._refuse_if_ended():
            return

        def done(value: float | int | None) -> None:
            if value is not None:
                self.send(make(value))

        self.app.push_screen(ValuePrompt(title, current, rule, parse), done)

    def action_set_lr(self) -> None:
        lo, hi = LR_RANGE
        self._prompt(
            "Learning rate",
            f"{self.state.lr:g}",
            f"a number in {lo:g}–{hi:g}",
            parse_lr,
            lambda v: cmd.SetHyperparameters(lr=float(v)),
        )

    def action_set_batch_size(self) -> None:
        limit = min(BATCH_SIZE_MAX, self.state.train_size or BATCH_SIZE_MAX)
        self._prompt(
            "Batch size",
            str(self.state.batch_size),
            f"a whole number in 1–{limit}",
            lambda text: parse_batch_size(text, limit),
            lambda v: cmd.SetHyperparameters(batch_size=int(v)),
        )

    def action_set_momentum(self) -> None:
        self._prompt(
            "Momentum",
            f"{self.state.momentum:g}",
            "a number in 0–0.999",
            parse_momentum,
            lambda v: cmd.SetHyperparameters(momentum=float(v)),
        )

    def action_set_weight_decay(self) -> None:
        lo, hi = WEIGHT_DECAY_RANGE
        self._prompt(
            "Weight decay",
            f"{self.state.weight_decay:g}",
            f"a number in {lo:g}–{hi:g} (0: off)",
            parse_weight_decay,
            lambda v: cmd.SetHyperparameters(weight_decay=float(v)),
        )

    def action_find_lr(self) -> None:
        """L: the learning-rate range test on a copy of the weights (tui/lrfind/)."""
        if not self._refuse_if_ended():
            from cnn_tui.tui.lrfind.screen import open_lr_find

            open_lr_find(self)

    # ---- one-off requests ---------------------------------------------------------------------

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
        if self.state.latest_eval_restored:  # a resumed run's: the snapshot keeps no mistakes
            waiting = self.state.pending.get("eval") == REEVALUATING
            self.notify(
                f"{REEVALUATING} its mistakes come with it"
                if waiting
                else "the snapshot keeps no mistakes · press e to evaluate now",
                severity="information" if waiting else "warning",
            )
            return
        try:
            screen = self.inspector_factory(latest)
        except Exception as error:  # e.g. the test images cannot be read: say so, keep going
            self.notify(str(error), title="Cannot open the mistakes", severity="error")
            return
        self.app.push_screen(screen)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())
