"""Provides the events of the learning-rate range test (core → UI), answering ``FindLr``.

Past tense, frozen, ints/floats/str/tuples only, like every event (events.py lists them in
``Event``). The curve arrives as it grows (``LrFindProgressed``: the points since the last one)
and whole at the end (``LrFindEnded``), so a viewer that joins late still draws all of it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LrFindStarted:
    """A sweep began on a copy of the weights of ``step``; the run waits until it ends."""

    step: int  # the run's step (unchanged by the sweep)
    start: float  # the first lr
    end: float  # the last lr, if the loss does not explode before
    batches: int  # sweep steps planned


@dataclass(frozen=True, slots=True)
class LrFindProgressed:
    """New points of the curve: sweep batches ``first`` … ``first + len(lrs) - 1`` (0-based)."""

    step: int
    first: int
    lrs: tuple[float, ...]
    losses: tuple[float, ...]  # the raw batch loss at each lr
    smoothed: tuple[float, ...]  # its EMA with bias correction (lr_curve.py)


@dataclass(frozen=True, slots=True)
class LrFindEnded:
    """The sweep is over; the run is exactly as it was.

    ``outcome``: "suggested" (``suggested`` is the lr at the steepest descent of the smoothed
    loss), "no descent" (the smoothed loss never clearly fell), "diverged" (the loss exploded at
    once), "cancelled" (``StopLrFind``) or "stopped" (the run is stopping); ``suggested`` is 0.0
    unless the outcome is "suggested". ``message`` is one line saying so.
    """

    step: int
    outcome: str
    suggested: float
    message: str
    lrs: tuple[float, ...]  # the whole curve, every point recorded
    losses: tuple[float, ...]
    smoothed: tuple[float, ...]
    stop_reason: str = ""  # why the sweep ended early: "loss exploded", "" (it ran to the end)
