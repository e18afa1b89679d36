"""Provides ``view_sample`` and ``SampleClock``: one image through the network as a
``SampleViewed`` event, and when the trainer sends the next one while it trains.
"""

from __future__ import annotations

import time

from cnn_tui.core.contract.events import SampleViewed
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines.interface import Engine


def view_sample(
    engine: Engine,
    data: Dataset,
    index: int,
    *,
    source: str,
    step: int,
    saliency_target: int | None = None,
) -> SampleViewed:
    """Image ``index`` of ``data`` (the ``source`` split, "train" or "test"): probabilities, the
    predicted class, every conv layer's maps and, for a ``saliency_target`` class 0–9,
    ∂ logit[target] / ∂ pixel for the 784 pixels."""
    image = data.image(index)
    inspection = engine.inspect(image)
    probabilities = inspection.probabilities
    saliency: tuple[float, ...] = ()
    if saliency_target is not None:
        saliency = tuple(engine.saliency(image, saliency_target))
    return SampleViewed(
        step=step,
        source=source,
        index=index,
        label=data.labels[index],
        image=bytes(image),
        probabilities=probabilities,
        predicted=max(range(len(probabilities)), key=probabilities.__getitem__),
        layers=inspection.layers,
        saliency=saliency,
        saliency_target=-1 if saliency_target is None else saliency_target,
    )


class SampleClock:
    """Says when a training sample is due: every ``interval`` seconds (None: never by itself),
    or at the next batch after ``request``."""

    def __init__(self, interval: float | None) -> None:
        self.interval = interval
        self._last = 0.0
        self._requested = False

    def request(self) -> None:
        """Send one at the next batch (a ``RequestSample`` while training)."""
        self._requested = True

    def due(self) -> bool:
        """True (and the clock restarts) when a sample should go out now."""
        now = time.perf_counter()
        if self._requested or (self.interval is not None and now - self._last >= self.interval):
            self._requested = False
            self._last = now
            return True
        return False
