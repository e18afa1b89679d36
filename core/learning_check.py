"""Provides ``LearningCheck``: notices a run stuck at chance level, and says so once.

A network that does not learn (a learning rate far too high, dead ReLUs after a bad step, a
momentum near 1) does not always diverge: its loss just sits at −log(1/10) ≈ 2.30, the loss of a
uniform guess, and its accuracy at 10 %. Both the dashboard and headless runs feed it the batch
losses and the evaluations and show what it returns.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable

from .config import NUM_CLASSES

CHANCE_LOSS = math.log(NUM_CLASSES)  # −log(1/10) ≈ 2.303: the loss of a uniform guess
STUCK_LOSS = 2.25  # mean batch loss at or above this over LOSS_WINDOW batches: stuck
LOSS_WINDOW = 300  # batches
STUCK_ACCURACY = 0.15  # a test accuracy at or below this (chance is 10 %) after …
MIN_STEPS = 100  # … at least this many steps since the start or the last change


class LearningCheck:
    """Feed it ``batches`` and ``evaluated``; each returns a reason the first time the run looks
    stuck (None otherwise). ``changed`` (the hyperparameters were changed) starts it over."""

    def __init__(self) -> None:
        self._recent: deque[float] = deque(maxlen=LOSS_WINDOW)
        self._steps = 0  # steps seen since the start or the last change
        self.warned = False
        self.summary = ""  # the evidence in a few words, for a status line

    def changed(self) -> None:
        """New hyperparameters: judge the run afresh."""
        self._recent.clear()
        self._steps = 0
        self.warned = False

    def batches(self, losses: Iterable[float]) -> str | None:
        """The losses of the batches just trained."""
        for loss in losses:
            self._recent.append(loss)
            self._steps += 1
        if self.warned or len(self._recent) < LOSS_WINDOW:
            return None
        mean = math.fsum(self._recent) / len(self._recent)
        if not mean >= STUCK_LOSS:  # (a NaN mean is a divergence: reported elsewhere)
            return None
        self.warned = True
        self.summary = f"loss {mean:.2f}, chance {CHANCE_LOSS:.2f}"
        return (
            f"not learning: the loss averaged {mean:.2f} over the last {LOSS_WINDOW} batches, "
            f"no better than a uniform guess ({CHANCE_LOSS:.2f})"
        )

    def evaluated(self, accuracy: float) -> str | None:
        """A test accuracy (0–1) just measured."""
        if self.warned or self._steps < MIN_STEPS or accuracy > STUCK_ACCURACY:
            return None
        self.warned = True
        self.summary = f"test accuracy {accuracy:.1%}, chance 10%"
        return f"not learning: test accuracy {accuracy:.1%} is chance level (10 %)"
