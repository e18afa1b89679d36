"""Provides the arithmetic of the learning-rate range test: the exponential schedule, the
smoothed loss, when to stop, and the suggestion read off the curve. Pure Python, no engine.

The test (Smith, "Cyclical Learning Rates", 2017; the fastai "lr finder") trains a copy of the
network for a few hundred batches while the lr grows exponentially, and watches the loss:

* schedule (docs/network.md numbers the rest of the math):
  lr_i = start · (end / start)^(i / (n − 1)),  i = 0 … n − 1   (equal steps in log lr);
* smoothed loss, an exponential moving average with bias correction (β = 0.98):
  a_i = β·a_(i−1) + (1 − β)·loss_i,  a_(−1) = 0;   s_i = a_i / (1 − β^(i+1));
* stop once s_i > 4 · min(s_0 … s_i) or the loss is not finite (it has exploded);
* suggestion: the lr where s falls fastest against log10 lr, by central differences over
  k = max(1, ⌊m / 40⌋) points on each side (m points recorded; a wider span averages out the
  batch-to-batch noise)
  d_i = (s_(i+k) − s_(i−k)) / (log10 lr_(i+k) − log10 lr_(i−k)),  i = q + k … m − 1 − k,
  skipping the first q = min(10, ⌊m / 10⌋) points, where the average has seen few batches;
  the lr_i of the most negative d_i — when that slope is negative and the smoothed loss fell by
  at least ``MIN_DROP`` of its first value; otherwise there is no clear descent to go by.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cnn_tui.core.contract.config import LR_RANGE

BETA = 0.98
"""The smoothing factor of the loss's moving average (about the last 50 batches)."""

EXPLODE_FACTOR = 4.0
"""The sweep stops once the smoothed loss exceeds this many times its best."""

MIN_DROP = 0.02
"""A descent is clear when the smoothed loss fell by at least this fraction of its first value."""

MIN_POINTS = 5
"""A sweep that explodes with fewer points recorded diverged at once: nothing to read."""

BATCHES_RANGE = (10, 1000)
"""How many sweep batches a ``FindLr`` may ask for."""


def sweep_problem(start: float, end: float, batches: int) -> str | None:
    """Why a sweep from ``start`` to ``end`` over ``batches`` cannot run (one line), or None.
    Both ends must be learning rates a run accepts (``LR_RANGE``) and ``start < end``."""
    low, high = LR_RANGE
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"sweep {name} {value!r} is not a number"
        if not math.isfinite(value) or not low <= value <= high:
            return f"sweep {name} {value!r} is outside {low:g}–{high:g}"
    if start >= end:
        return f"sweep start {start:g} must be below its end {end:g}"
    if isinstance(batches, bool) or not isinstance(batches, int):
        return f"sweep batches {batches!r} is not a whole number"
    if not BATCHES_RANGE[0] <= batches <= BATCHES_RANGE[1]:
        return f"sweep batches {batches} is outside {BATCHES_RANGE[0]}–{BATCHES_RANGE[1]}"
    return None


def schedule(start: float, end: float, batches: int) -> list[float]:
    """The ``batches`` learning rates, from ``start`` to ``end`` in equal steps of log lr."""
    ratio = end / start
    return [start * ratio ** (i / (batches - 1)) for i in range(batches)]


class Smoother:
    """The bias-corrected EMA of the loss and its best value so far (see the module's math)."""

    def __init__(self, beta: float = BETA) -> None:
        self.beta = beta
        self.average = 0.0  # a_i
        self.count = 0  # i + 1
        self.best = math.inf  # min s_0 … s_i

    def add(self, loss: float) -> float:
        """Fold in one batch loss; returns its smoothed value s_i."""
        self.count += 1
        self.average = self.beta * self.average + (1 - self.beta) * loss
        smoothed = self.average / (1 - self.beta**self.count)
        self.best = min(self.best, smoothed)
        return smoothed

    def exploded(self, smoothed: float) -> bool:
        """Has the loss blown up: ``smoothed`` more than ``EXPLODE_FACTOR`` × the best?"""
        return not math.isfinite(smoothed) or smoothed > EXPLODE_FACTOR * self.best


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What the curve says: ``lr`` (None: no clear descent) and the slope there."""

    lr: float | None
    slope: float  # d s / d log10 lr at ``lr`` (per decade); 0.0 when there is none
    index: int  # the point suggested (−1 for none)


def suggest(lrs: Sequence[float], smoothed: Sequence[float]) -> Suggestion:
    """The lr of the steepest descent of ``smoothed`` against log10 lr (central differences
    over ``k`` points, the first ``q`` skipped: see the module's math), or no suggestion when
    the curve has too few points, never falls, or falls by less than ``MIN_DROP`` of its first
    value."""
    none = Suggestion(None, 0.0, -1)
    m = len(lrs)
    if m < 3 or m != len(smoothed):
        return none
    k, q = max(1, m // 40), min(10, m // 10)
    logs = [math.log10(lr) for lr in lrs]
    best_i, best_slope = -1, 0.0
    for i in range(q + k, m - k):
        slope = (smoothed[i + k] - smoothed[i - k]) / (logs[i + k] - logs[i - k])
        if slope < best_slope:
            best_i, best_slope = i, slope
    drop = smoothed[0] - min(smoothed)
    if best_i < 0 or drop < MIN_DROP * abs(smoothed[0]):
        return none
    return Suggestion(lrs[best_i], best_slope, best_i)
