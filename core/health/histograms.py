"""Provides ``HistogramKeeper``: each layer's weight and gradient histograms, with the first
observed distribution redrawn on the current bins so that the two can be drawn over each other.

The first observation is taken with ``FINE`` = ``BINS`` · ``REFINE`` bins over its own ±limit₀.
A later histogram has ``BINS`` bins over ±limit (limit = max |value| then); the first one is
carried onto those bins by putting each fine bin's count where its centre falls:

    centre_k = −limit₀ + (k + ½) · 2·limit₀ / FINE
    bin(centre_k) = clamp(⌊(centre_k + limit) / (2·limit) · BINS⌋, 0, BINS − 1)

(a value beyond ±limit now counts in the edge bin). At the first observation itself every group
of ``REFINE`` fine bins is exactly one coarse bin, so the two coincide.
"""

from __future__ import annotations

from cnn_tui.core.contract.health_events import HistogramsMeasured, LayerHistogram
from cnn_tui.core.engines.observation import Histogram, StepObservation

BINS = 41
"""Bins of a histogram event (odd: 0, common in gradients, falls mid-bin, on no edge)."""
REFINE = 11
FINE = BINS * REFINE
"""Bins of the first observation, kept to redraw it on later bins."""


def rebin(fine: Histogram, limit: float, bins: int = BINS) -> tuple[int, ...]:
    """``fine``'s counts on ``bins`` bins over ±``limit`` (by fine-bin centres, clamped)."""
    counts = [0] * bins
    size = len(fine.counts)
    if limit <= 0.0 or fine.limit <= 0.0:  # one spike: the middle bin
        counts[bins // 2] = sum(fine.counts)
        return tuple(counts)
    for k, count in enumerate(fine.counts):
        if count:
            centre = -fine.limit + (k + 0.5) * 2.0 * fine.limit / size
            counts[min(max(int((centre + limit) / (2.0 * limit) * bins), 0), bins - 1)] += count
    return tuple(counts)


def coarsen(fine: Histogram, refine: int = REFINE) -> Histogram:
    """Every ``refine`` neighbouring bins summed: the same limit, ``len / refine`` bins."""
    c = fine.counts
    return Histogram(fine.limit, tuple(sum(c[i : i + refine]) for i in range(0, len(c), refine)))


class HistogramKeeper:
    """Turns observations taken with histograms into ``HistogramsMeasured`` events."""

    def __init__(self) -> None:
        self.initial: dict[tuple[str, str], Histogram] = {}
        self.initial_step = 0

    @property
    def bins_wanted(self) -> int:
        """The bins to ask the engine for: fine ones until the first distribution is kept."""
        return BINS if self.initial else FINE

    def measured(self, step: int, observation: StepObservation) -> HistogramsMeasured:
        first = not self.initial
        if first:
            self.initial_step = step
        histograms = []
        for tensor in observation.tensors:
            layer = tensor.name.removesuffix(".weight")
            for kind, now in (("weights", tensor.weights), ("gradients", tensor.grads)):
                if now is None:
                    continue
                if first:
                    self.initial[layer, kind] = now
                    now = coarsen(now, len(now.counts) // BINS)
                start = self.initial.get((layer, kind), now)
                initial = rebin(start, now.limit, len(now.counts))
                histograms.append(LayerHistogram(layer, kind, now.limit, now.counts, initial))
        return HistogramsMeasured(step, self.initial_step, tuple(histograms))
