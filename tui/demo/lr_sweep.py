"""Provides ``ScriptedSweep``: the fake link's answer to ``FindLr`` — a made-up loss-vs-lr curve
(flat, a descent, then an explosion) with the real arithmetic of core/training/lr_curve.py
(schedule, smoothing, stopping, suggestion), delivered a chunk per drain so a screen fills in.

``finish=False`` keeps the sweep running until ``StopLrFind`` (a test of stopping early);
``diverge=True`` makes the loss explode within the first batches (the "diverged at once" path).
"""

from __future__ import annotations

import math
from collections import deque

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.core.training.lr_curve import MIN_POINTS, Smoother, schedule, suggest, sweep_problem

CHUNK = 20
"""Sweep batches per ``LrFindProgressed`` (one per drain)."""


def made_up_loss(lr: float, index: int) -> float:
    """A loss that is flat (2.3) for tiny rates, falls around lr 0.03 and explodes past 1, with a
    little deterministic wobble."""
    x = math.log10(lr)
    descent = 1.8 / (1.0 + math.exp(-2.5 * (x + 1.5)))  # 0 → 1.8 around lr 10^-1.5
    blow_up = math.exp(3.0 * (x - 0.2)) if x > -0.5 else 0.0
    return 2.3 - descent + blow_up + 0.05 * math.sin(index * 1.7)


class ScriptedSweep:
    """Answers FindLr / StopLrFind for the fake link; ``next_events`` paces the curve."""

    def __init__(self, *, finish: bool = True, diverge: bool = False) -> None:
        self.finish = finish
        self.diverge = diverge
        self.running = False
        self._chunks: deque[ev.Event] = deque()
        self._ended: ev.LrFindEnded | None = None
        self._step = 0
        self._points: tuple[list[float], list[float], list[float]] = ([], [], [])

    def answer(self, command: cmd.FindLr | cmd.StopLrFind, step: int) -> list[ev.Event]:
        """The events answering ``command`` at once (the curve follows through ``next_events``)."""
        if isinstance(command, cmd.StopLrFind):
            if not self.running:
                return [ev.CommandRefused(step, "StopLrFind", "no learning-rate sweep is running")]
            return [
                self._end(
                    "cancelled",
                    0.0,
                    f"learning-rate sweep cancelled after {len(self._points[0])} batches",
                )
            ]
        if self.running:
            return [ev.CommandRefused(step, "FindLr", "a learning-rate sweep is already running")]
        problem = sweep_problem(command.start, command.end, command.batches)
        if problem:
            return [ev.CommandRefused(step, "FindLr", problem)]
        self.running, self._step = True, step
        self._plan(command)
        return [ev.LrFindStarted(step, command.start, command.end, command.batches)]

    def _plan(self, command: cmd.FindLr) -> None:
        lrs: list[float] = []
        losses: list[float] = []
        smoothed: list[float] = []
        smoother, reason = Smoother(), ""
        for i, lr in enumerate(schedule(command.start, command.end, command.batches)):
            loss = 1e6 if self.diverge and i >= 2 else made_up_loss(lr, i)
            level = smoother.add(loss)
            lrs.append(lr)
            losses.append(loss)
            smoothed.append(level)
            if smoother.exploded(level):
                reason = "loss exploded"
                break
        self._points = ([], [], [])
        for first in range(0, len(lrs), CHUNK):
            part = slice(first, first + CHUNK)
            self._chunks.append(
                ev.LrFindProgressed(
                    self._step, first, tuple(lrs[part]), tuple(losses[part]), tuple(smoothed[part])
                )
            )
        if reason and len(lrs) < MIN_POINTS:
            outcome, lr, line = (
                "diverged",
                0.0,
                (
                    f"the loss exploded at once (after {len(lrs)} of {command.batches} sweep "
                    f"batches, lr {lrs[-1]:.3g}): try a lower start; the run is as it was"
                ),
            )
        else:
            found = suggest(lrs, smoothed).lr
            outcome, lr = ("suggested", found) if found else ("no descent", 0.0)
            line = (
                f"suggested lr {found:.3g} (steepest descent of the smoothed loss)"
                if found
                else "no clear descent of the smoothed loss: no suggestion"
            )
        self._ended = ev.LrFindEnded(self._step, outcome, lr or 0.0, line, (), (), (), reason)

    def next_events(self) -> list[ev.Event]:
        """One chunk of the curve per drain; the end once every chunk is out (when finishing)."""
        if not self.running:
            return []
        if self._chunks:
            chunk = self._chunks.popleft()
            assert isinstance(chunk, ev.LrFindProgressed)
            for into, values in zip(
                self._points, (chunk.lrs, chunk.losses, chunk.smoothed), strict=False
            ):
                into.extend(values)
            return [chunk]
        if self.finish and self._ended is not None:
            ended = self._ended
            return [self._end(ended.outcome, ended.suggested, ended.message, ended.stop_reason)]
        return []

    def _end(self, outcome: str, lr: float, message: str, reason: str = "") -> ev.LrFindEnded:
        self.running = False
        self._chunks.clear()
        lrs, losses, smoothed = (tuple(p) for p in self._points)
        return ev.LrFindEnded(self._step, outcome, lr, message, lrs, losses, smoothed, reason)
