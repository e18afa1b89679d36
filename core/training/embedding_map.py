"""Provides ``EmbeddingMap``: the trainer extension behind the embedding map (key p) — after
each test-set evaluation, the dense-layer features of the first ``size`` test digits projected
to 2-D (core/embedding/pca.py), one ``EmbeddingComputed``.

The axes are oriented by the previous map's (pca.py), so the map does not flip between two
evaluations. A fixed subset keeps it cheap and the scatter readable: ``SIZE`` (2,000) images
with the NumPy engine; the pure-Python engines are hundreds of times slower per image, so they
map ``SLOW_SIZE`` (200). benchmarks/bench_embedding.py measures the cost. Without this extension
nothing of it is computed.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from cnn_tui.core.contract.embedding_events import EmbeddingComputed
from cnn_tui.core.contract.events import Evaluated
from cnn_tui.core.embedding.pca import pca_2d
from cnn_tui.core.training.extensions import TrainerExtension

if TYPE_CHECKING:
    from cnn_tui.core.training.trainer import Trainer

SIZE = 2000
"""Test digits mapped with the vectorised engines (numpy, torch)."""
SLOW_SIZE = 200
"""Test digits mapped with the pure-Python engines (python, reference)."""
FAST_ENGINES = ("numpy", "torch")


class EmbeddingMap(TrainerExtension):
    """Emits an ``EmbeddingComputed`` after every evaluation."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size  # None: SIZE or SLOW_SIZE by engine
        self._axes: np.ndarray | None = None  # the last map's axes, to orient the next

    def after_evaluation(self, trainer: Trainer, evaluated: Evaluated) -> None:
        trainer.emit(self.compute(trainer, evaluated))

    def compute(self, trainer: Trainer, evaluated: Evaluated) -> EmbeddingComputed:
        """The map of the run's weights now (the ones ``evaluated`` measured)."""
        began = time.perf_counter()
        engine, data = trainer.engine, trainer.test_data
        size = self.size
        if size is None:
            size = SIZE if trainer.config.engine in FAST_ENGINES else SLOW_SIZE
        count = min(size, len(data))
        features = np.asarray(engine.dense_features(data, 0, count), dtype=np.float64)
        projection = pca_2d(features.reshape(count, -1), self._axes)
        self._axes = projection.axes
        predictions = engine.predict(data, 0, count)
        total = projection.total_variance or 1.0
        return EmbeddingComputed(
            step=evaluated.step,
            epoch=evaluated.epoch,
            xs=tuple(float(v) for v in projection.coords[:, 0]),
            ys=tuple(float(v) for v in projection.coords[:, 1]),
            labels=tuple(data.labels[:count]),
            predicted=tuple(predictions.predicted),
            confidence=tuple(
                float(p[c])
                for p, c in zip(predictions.probabilities, predictions.predicted, strict=True)
            ),
            variance=(projection.variance[0] / total, projection.variance[1] / total),
            seconds=time.perf_counter() - began,
        )
