"""Provides ``LayerHealth``: the trainer extension behind layer health (key h, ``--health``) —
it asks the engine to observe a step now and then and reports what it saw.

Throttled so that training hardly notices (benchmarks/bench_health.py measures it):

* every ``every``-th step is observed (``Engine.train_batch(..., observe=…)``, observation.py):
  the ReLU units' positivity, mean and spread, and every weight tensor's Σ w², Σ g², Σ Δw²;
* every ``window`` steps the observed steps since the last report become one ``HealthMeasured``
  (core/health/window.py has the formulas);
* the first observed step, and then every ``histogram_every``-th, also takes histograms of every
  layer's weights and gradients: one ``HistogramsMeasured`` (core/health/histograms.py).

Without this extension (health off) no step is observed and nothing of this is computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cnn_tui.core.engines.interface import BatchResult
from cnn_tui.core.engines.observation import Observation
from cnn_tui.core.health.histograms import HistogramKeeper
from cnn_tui.core.health.window import OBSERVE_EVERY, WINDOW_STEPS, HealthWindow
from cnn_tui.core.training.extensions import TrainerExtension

if TYPE_CHECKING:
    from cnn_tui.core.training.trainer import Trainer

EVERY = OBSERVE_EVERY
"""Observe one step in this many (20: about 1 % of the NumPy engine's time, bench_health.py)."""
WINDOW = WINDOW_STEPS
"""Steps per ``HealthMeasured`` (100)."""
HISTOGRAM_EVERY = 500
"""Steps between two ``HistogramsMeasured``."""


class LayerHealthWatch(TrainerExtension):
    """Observes steps and emits ``HealthMeasured`` and ``HistogramsMeasured``."""

    def __init__(
        self, every: int = EVERY, window: int = WINDOW, histogram_every: int = HISTOGRAM_EVERY
    ) -> None:
        self.every, self.window, self.histogram_every = every, window, histogram_every
        self._window = HealthWindow()
        self._histograms = HistogramKeeper()
        self._first_step: int | None = None  # the first step of the current window

    def observation(self, trainer: Trainer) -> Observation | None:
        step = trainer.step + 1  # the step about to be taken
        if not self._histograms.initial or step % self.histogram_every == 0:
            return Observation(bins=self._histograms.bins_wanted)
        return Observation() if step % self.every == 0 else None

    def after_step(self, trainer: Trainer, result: BatchResult, indices: Sequence[int]) -> None:
        step = trainer.step
        if self._first_step is None:
            self._first_step = step
        observed = result.observed
        if observed is not None:
            self._window.add(observed, len(indices))
            if observed.tensors and observed.tensors[0].weights is not None:
                trainer.emit(self._histograms.measured(step, observed))
        if step % self.window == 0:
            measured = self._window.measured(self._first_step, step)
            self._first_step = None
            if measured is not None:
                trainer.emit(measured)
