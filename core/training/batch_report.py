"""Provides ``BatchReport``: the trainer's steps, coalesced into a few ``BatchesEnded`` a second.

Every step's loss and accuracy is kept; they are sent together once ``interval`` seconds have
passed since the last event (0: one event per step), and always before anything that changes what
the steps share (the epoch, the hyperparameters) or that the UI must see in order (a pause).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cnn_tui.core.contract.config import Hyperparameters
from cnn_tui.core.contract.events import BatchesEnded, Event


class BatchReport:
    """The steps not yet reported, and the window their throughput is measured over."""

    def __init__(self, emit: Callable[[Event], None], interval: float) -> None:
        self.emit = emit
        self.interval = interval
        self._losses: list[float] = []
        self._accuracies: list[float] = []
        self._images = 0
        self._window_start = time.perf_counter()  # when the unreported steps began
        self._last_flush = self._window_start

    def add(self, loss: float, accuracy: float, images: int) -> bool:
        """Keep one step's numbers; True when an event is due (``interval`` has passed)."""
        self._losses.append(loss)
        self._accuracies.append(accuracy)
        self._images += images
        return time.perf_counter() - self._last_flush >= self.interval

    def restart_window(self) -> None:
        """Measure throughput from now (after a pause, an evaluation or an epoch's end)."""
        self._window_start = time.perf_counter()

    def flush(
        self, *, epoch: int, step: int, hyper: Hyperparameters, position: int, train_size: int
    ) -> None:
        """Send the steps not yet reported (the last of them is ``step``) as one event."""
        now = time.perf_counter()
        if self._losses:
            elapsed = max(now - self._window_start, 1e-9)
            count = len(self._losses)
            self.emit(
                BatchesEnded(
                    epoch=epoch,
                    first_step=step - count + 1,
                    losses=tuple(self._losses),
                    accuracies=tuple(self._accuracies),
                    lr=hyper.lr,
                    momentum=hyper.momentum,
                    batch_size=hyper.batch_size,
                    images_per_s=self._images / elapsed,
                    position=position,
                    train_size=train_size,
                )
            )
            self._losses = []
            self._accuracies = []
            self._images = 0
        self._window_start = now
        self._last_flush = now
