"""Provides ``LearningCheck``: notices a run stuck at chance level, and says so once.

A network that does not learn does not always diverge: with a learning rate far too high its
ReLUs die or its outputs saturate, and the loss sits at −log(1/10) ≈ 2.30 (a uniform guess) or
above it; with one far too low the loss barely moves from where it started. A loss that is still
falling, however slowly, is learning and is left alone. Both the dashboard and headless runs feed
it the batch losses and the evaluations and show what it returns, with the advice it gives.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from cnn_tui.core.contract.config import NUM_CLASSES

CHANCE_LOSS = math.log(NUM_CLASSES)  # −log(1/10) ≈ 2.303: the loss of a uniform guess
STUCK_LOSS = 2.25  # mean batch loss at or above this over LOSS_WINDOW batches …
LOSS_WINDOW = 300  # batches
STILL_FALLING = 0.01  # … unless the window's second half is this much below its first half
ABOVE_CHANCE = 2.5  # a mean loss above this overshoots: the learning rate is too high
LOW_LR = 0.003  # at chance and flat with a learning rate below this: too low to move
STUCK_ACCURACY = 0.15  # a test accuracy at or below this (chance is 10 %) after …
MIN_STEPS = 100  # … at least this many steps since the start or the last change


@dataclass(frozen=True, slots=True)
class Stuck:
    """What the check found: a sentence, its evidence in a few words, and which way to move
    the learning rate ("lower" or "higher")."""

    reason: str
    summary: str
    move: str


class LearningCheck:
    """Feed it ``batches`` and ``evaluated``; each returns a ``Stuck`` the first time the run
    looks stuck (None otherwise). ``changed`` (the hyperparameters were changed) starts over."""

    def __init__(self) -> None:
        self._recent: deque[float] = deque(maxlen=LOSS_WINDOW)
        self._steps = 0  # steps seen since the start or the last change
        self.warned = False

    def changed(self) -> None:
        """New hyperparameters: judge the run afresh."""
        self._recent.clear()
        self._steps = 0
        self.warned = False

    def batches(self, losses: Iterable[float], lr: float) -> Stuck | None:
        """The losses of the batches just trained, at learning rate ``lr``."""
        for loss in losses:
            self._recent.append(loss)
            self._steps += 1
        if self.warned or len(self._recent) < LOSS_WINDOW:
            return None
        recent = list(self._recent)
        half = LOSS_WINDOW // 2
        first, second = _mean(recent[:half]), _mean(recent[half:])
        mean = (first + second) / 2
        # (a NaN mean is a divergence: reported elsewhere)
        if not mean >= STUCK_LOSS or first - second > STILL_FALLING:
            return None
        self.warned = True
        return Stuck(
            f"not learning: the loss averaged {mean:.2f} over the last {LOSS_WINDOW} batches, "
            f"no better than a uniform guess ({CHANCE_LOSS:.2f})",
            f"loss {mean:.2f}, chance {CHANCE_LOSS:.2f}",
            _move(mean, lr),
        )

    def evaluated(self, accuracy: float, lr: float) -> Stuck | None:
        """A test accuracy (0–1) just measured, at learning rate ``lr``."""
        if self.warned or self._steps < MIN_STEPS or accuracy > STUCK_ACCURACY:
            return None
        if self._recent and self._falling():
            return None  # slow, but on its way
        self.warned = True
        mean = _mean(list(self._recent)) if self._recent else CHANCE_LOSS
        return Stuck(
            f"not learning: test accuracy {accuracy:.1%} is chance level (10 %)",
            f"test accuracy {accuracy:.1%}, chance 10%",
            _move(mean, lr),
        )

    def _falling(self) -> bool:
        recent = list(self._recent)
        half = len(recent) // 2
        return half > 0 and _mean(recent[:half]) - _mean(recent[half:]) > STILL_FALLING


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values)


def _move(mean_loss: float, lr: float) -> str:
    """Above chance the steps overshoot: lower. At chance, flat: dead units from a rate too high,
    or a rate too small to move anything — the rate itself tells which."""
    if mean_loss > ABOVE_CHANCE or lr >= LOW_LR:
        return "lower"
    return "higher"
