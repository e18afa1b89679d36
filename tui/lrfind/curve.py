"""Provides ``SweepCurve``: what the lr-find screen knows of one sweep, folded from the trainer's
``LrFindStarted`` / ``LrFindProgressed`` / ``LrFindEnded`` (pure Python, no Textual) — the points
so far, the planned range, the outcome, and the answer to applying the suggested rate."""

from __future__ import annotations

from dataclasses import dataclass, field

from cnn_tui.core.contract import events as ev


@dataclass
class SweepCurve:
    """One sweep as it grows; ``version`` moves whenever the picture would."""

    start: float
    end: float
    batches: int
    step: int = -1  # the run's step the sweep copied (-1: not started yet)
    lrs: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    smoothed: list[float] = field(default_factory=list)
    ended: ev.LrFindEnded | None = None
    refused: str = ""  # the trainer refused the FindLr itself (the reason)
    applied: str = ""  # the answer to applying the suggestion: "" (not asked), a line
    version: int = 0

    @property
    def running(self) -> bool:
        return self.ended is None and not self.refused

    @property
    def suggested(self) -> float | None:
        """The suggested lr once the sweep ended with one."""
        if self.ended is not None and self.ended.outcome == "suggested":
            return self.ended.suggested
        return None

    def apply(self, event: ev.Event) -> bool:
        """Fold in one trainer event; True when it belonged to this sweep."""
        match event:
            case ev.LrFindStarted():
                self.step, self.start, self.end, self.batches = (
                    event.step,
                    event.start,
                    event.end,
                    event.batches,
                )
            case ev.LrFindProgressed():
                del self.lrs[event.first :], self.losses[event.first :]
                del self.smoothed[event.first :]
                self.lrs += event.lrs
                self.losses += event.losses
                self.smoothed += event.smoothed
            case ev.LrFindEnded():
                self.ended = event
                if event.lrs:  # the whole curve (a viewer that missed points still has it)
                    self.lrs, self.losses = list(event.lrs), list(event.losses)
                    self.smoothed = list(event.smoothed)
            case ev.CommandRefused(command="FindLr") if self.step < 0:
                self.refused = event.reason
            case _:
                return False
        self.version += 1
        return True

    def answered(self, event: ev.Event, asked: float) -> bool:
        """The trainer's answer to ``SetHyperparameters(lr=asked)``; True when it was one."""
        match event:
            case ev.HyperparametersChanged(lr=lr) if lr == asked:
                self.applied = f"applied: the run's lr is now {lr:.4g}"
            case ev.CommandRefused(command="SetHyperparameters"):
                self.applied = f"refused: {event.reason}"
            case _:
                return False
        self.version += 1
        return True
