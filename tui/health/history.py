"""Provides ``HealthHistory``: what the health screen shows, folded from the trainer's events —
pure Python, fed by the dashboard screen's pump whether or not the health screen is open, so
the sparklines cover the whole run.

It keeps every ``HealthMeasured`` window with the mean training loss of its steps (from the
``BatchesEnded`` in between), the latest ``HistogramsMeasured``, and the test losses; a trainer's
start (``TrainingStarted``: a fresh run, a resume, a branch) starts them afresh — the reports are
those of the trainer now running. Memory stays bounded: past ``MAX_WINDOWS`` windows every second
one is dropped (the sparklines keep the run's shape at half the resolution).
"""

from __future__ import annotations

import math

from cnn_tui.core.contract import events as ev
from cnn_tui.core.health.hints import Hint, Window, hints

MAX_WINDOWS = 1024
MAX_EVALS = 512
FIELDS = ("weight_rms", "gradient_rms", "update_ratio", "dead_share", "activation_mean")


class HealthHistory:
    """Health windows, histograms and test losses of the run so far."""

    def __init__(self) -> None:
        self.version = 0
        """Goes up with every change (the screen repaints when it moved)."""
        self._start()

    def _start(self) -> None:
        self.windows: list[Window] = []
        self.histograms: ev.HistogramsMeasured | None = None
        self.evaluations: list[tuple[int, float]] = []  # (step, test loss)
        self._loss_sum = 0.0
        self._loss_count = 0

    def apply(self, event: ev.Event) -> bool:
        """Fold one event in; True if the screen's picture changed."""
        match event:
            case ev.TrainingStarted():  # a new trainer (a fresh run, a resume): its own reports
                self._start()
            case ev.BatchesEnded(losses=losses):
                finite = [v for v in losses if math.isfinite(v)]
                self._loss_sum += sum(finite)
                self._loss_count += len(finite)
                return False
            case ev.HealthMeasured():
                loss = self._loss_sum / self._loss_count if self._loss_count else math.nan
                self._loss_sum, self._loss_count = 0.0, 0
                if len(self.windows) >= MAX_WINDOWS:
                    self.windows = self.windows[1::2]
                self.windows.append(Window(event, loss))
            case ev.HistogramsMeasured():
                self.histograms = event
            case ev.Evaluated(split="test", step=step, loss=loss) if math.isfinite(loss):
                if len(self.evaluations) >= MAX_EVALS:
                    del self.evaluations[0]
                self.evaluations.append((step, loss))
            case _:
                return False
        self.version += 1
        return True

    @property
    def latest(self) -> ev.HealthMeasured | None:
        return self.windows[-1].health if self.windows else None

    def layers(self) -> list[str]:
        """The layers of the latest window, first to last."""
        latest = self.latest
        return [h.layer for h in latest.layers] if latest else []

    def series(self, layer: str, field: str) -> list[float]:
        """One number of one layer over every window kept, oldest first (NaN where missing)."""
        values = []
        for window in self.windows:
            found = next((h for h in window.health.layers if h.layer == layer), None)
            values.append(getattr(found, field) if found is not None else math.nan)
        return values

    def hints(self) -> list[Hint]:
        return hints(self.windows, self.evaluations)
