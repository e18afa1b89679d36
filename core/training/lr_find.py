"""Provides ``LrFinder``: the trainer extension behind ``cnn-tui lr-find`` and the dashboard's
"Find learning rate…" — a learning-rate range test run between two batches of the live run.

The sweep trains a *copy*: a second engine made from the run's current parameters and momentum
buffers (``make_engine`` + ``set_velocity``), fed batches drawn from its own
``random.Random`` seeded by the run's seed and step, so the run's weights, optimizer state and
data order (epoch, position) are exactly as they were afterwards — the sweep only reads them.
The run waits while the sweep runs (it happens inside one command, on the training thread) and
then carries on as it was: a running run goes on running, a paused one stays paused.

Commands that arrive during the sweep are taken between its batches: ``StopLrFind`` ends it
("cancelled"), another ``FindLr`` is refused, and everything else waits and is applied, in
order, once the sweep is over (a ``Stop`` ends the sweep first). The arithmetic — schedule,
smoothing, stopping, suggestion — is in lr_curve.py.
"""

from __future__ import annotations

import math
import queue
import random
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from cnn_tui.core.contract.commands import Command, FindLr, Stop, StopLrFind
from cnn_tui.core.contract.events import CommandRefused
from cnn_tui.core.contract.lr_find_events import LrFindEnded, LrFindProgressed, LrFindStarted
from cnn_tui.core.engines import make_engine
from cnn_tui.core.training.extensions import TrainerExtension
from cnn_tui.core.training.lr_curve import MIN_POINTS, Smoother, schedule, suggest, sweep_problem

if TYPE_CHECKING:
    from cnn_tui.core.training.trainer import Trainer

PROGRESS_INTERVAL = 0.1
"""Seconds between two ``LrFindProgressed`` events (0: one per sweep batch)."""


class LrFinder(TrainerExtension):
    """Answers ``FindLr`` with a sweep on a copy of the weights, and ``StopLrFind``."""

    answers = (FindLr, StopLrFind)

    def __init__(
        self,
        interval: float = PROGRESS_INTERVAL,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self._deferred: list[Command] = []  # commands that arrived during a sweep

    def apply(self, trainer: Trainer, command: object) -> None:
        if isinstance(command, StopLrFind):  # a sweep in progress takes it in _interrupted
            self._refuse(trainer, command, "no learning-rate sweep is running")
            return
        assert isinstance(command, FindLr)
        problem = sweep_problem(command.start, command.end, command.batches)
        if problem:
            self._refuse(trainer, command, problem)
            return
        self.sweep(trainer, command)
        deferred, self._deferred = self._deferred, []
        for waiting in deferred:  # the trainer's own answer to each, as if it came now
            trainer._apply(waiting)

    def sweep(self, trainer: Trainer, command: FindLr) -> LrFindEnded:
        """Run the range test ``command`` asks for (already checked); emits its events and
        returns the last."""
        step = trainer.step
        trainer.emit(LrFindStarted(step, command.start, command.end, command.batches))
        live = trainer.engine
        copy = make_engine(replace(trainer.config, hyper=trainer.hyper), live.get_params())
        copy.set_velocity(live.get_velocity())
        rng = random.Random(f"lr-find:{trainer.config.seed}:{step}")  # not the run's order
        size = len(trainer.train_data)
        batch = min(trainer.hyper.batch_size, size)
        smoother = Smoother()
        lrs: list[float] = []
        losses: list[float] = []
        smoothed: list[float] = []
        sent, sent_at, stop_reason, interrupted = 0, self.clock(), "", ""
        for lr in schedule(command.start, command.end, command.batches):
            interrupted = self._interrupted(trainer)
            if interrupted:
                break
            indices = rng.sample(range(size), batch)
            loss = copy.train_batch(trainer.train_data, indices, replace(trainer.hyper, lr=lr)).loss
            if not math.isfinite(loss):
                stop_reason = "loss exploded"
                break
            level = smoother.add(loss)
            lrs.append(lr)
            losses.append(loss)
            smoothed.append(level)
            if self.clock() - sent_at >= self.interval:
                trainer.emit(_progress(step, sent, lrs, losses, smoothed))
                sent, sent_at = len(lrs), self.clock()
            if smoother.exploded(level):
                stop_reason = "loss exploded"
                break
        if sent < len(lrs):
            trainer.emit(_progress(step, sent, lrs, losses, smoothed))
        outcome, suggested, message = _verdict(command, lrs, smoothed, stop_reason, interrupted)
        ended = LrFindEnded(
            step,
            outcome,
            suggested,
            message,
            tuple(lrs),
            tuple(losses),
            tuple(smoothed),
            stop_reason,
        )
        trainer.emit(ended)
        return ended

    def _interrupted(self, trainer: Trainer) -> str:
        """Take the commands that arrived: "cancelled", "stopped" or "" (go on)."""
        if trainer.stopping:
            return "stopped"
        while trainer.commands is not None:
            try:
                command = trainer.commands.get_nowait()
            except queue.Empty:
                break
            if isinstance(command, StopLrFind):
                return "cancelled"
            if isinstance(command, FindLr):
                self._refuse(trainer, command, "a learning-rate sweep is already running")
                continue
            self._deferred.append(command)
            if isinstance(command, Stop):
                return "stopped"
        return ""

    @staticmethod
    def _refuse(trainer: Trainer, command: object, reason: str) -> None:
        trainer.emit(CommandRefused(trainer.step, type(command).__name__, reason))


def _progress(
    step: int, first: int, lrs: list[float], losses: list[float], smoothed: list[float]
) -> LrFindProgressed:
    """The points from ``first`` on."""
    return LrFindProgressed(
        step, first, tuple(lrs[first:]), tuple(losses[first:]), tuple(smoothed[first:])
    )


def _verdict(
    command: FindLr, lrs: list[float], smoothed: list[float], stop_reason: str, interrupted: str
) -> tuple[str, float, str]:
    """(outcome, suggested lr or 0.0, the one line saying so)."""
    if interrupted:
        what = "cancelled" if interrupted == "cancelled" else "stopped (the run is stopping)"
        return interrupted, 0.0, f"learning-rate sweep {what} after {len(lrs)} batches"
    if stop_reason and len(lrs) < MIN_POINTS:
        at = f"{lrs[-1]:.3g}" if lrs else f"{command.start:.3g}"
        return (
            "diverged",
            0.0,
            (
                f"the loss exploded at once (after {len(lrs)} of {command.batches} sweep batches, "
                f"lr {at}): try a lower start; the run is as it was"
            ),
        )
    found = suggest(lrs, smoothed)
    if found.lr is None:
        return (
            "no descent",
            0.0,
            (
                f"no clear descent of the smoothed loss between lr {command.start:.3g} and "
                f"{lrs[-1]:.3g}: no suggestion (keep the current lr, or sweep another range)"
            ),
        )
    line = f"suggested lr {found.lr:.3g} (steepest descent of the smoothed loss)"
    return "suggested", found.lr, line
