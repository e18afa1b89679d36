"""Provides ``evaluate_test_set``: the whole test set through an engine in chunks, summarised as
an ``Evaluated`` event (``summarise``) — the one evaluation the trainer and the inspector share.

Chunks keep a long evaluation answerable: between two ``predict`` calls the trainer hears a stop
(Ctrl+C, quit) and the inspector moves its progress bar. A chunk takes well under a second or two
with every engine (``chunk_size``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from cnn_tui.core.contract.config import NUM_CLASSES
from cnn_tui.core.contract.events import EvalRecord, Evaluated, Mistake
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines.interface import Engine, Predictions

CHUNK_BY_ENGINE = {"reference": 25, "python": 250}
"""Test images per ``predict`` call for the pure-Python engines: about 0.3 s each here (the
reference engine predicts ≈ 90 images/s, the python engine ≈ 900)."""
DEFAULT_CHUNK = 2000
"""Test images per ``predict`` call for the NumPy engine (≈ 50,000 images/s: 0.04 s)."""


class EvaluationStopped(Exception):
    """A stop request cut the evaluation short; nothing was summarised."""


def chunk_size(engine_name: str) -> int:
    """Test images per ``predict`` call for the engine called ``engine_name``."""
    return CHUNK_BY_ENGINE.get(engine_name, DEFAULT_CHUNK)


def evaluate_test_set(
    engine: Engine,
    test: Dataset,
    *,
    epoch: int,
    step: int,
    stop_requested: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluated:
    """Predict every image of ``test`` (``chunk_size(engine.name)`` at a time), then summarise.

    Before each chunk ``stop_requested()`` is asked; True abandons the evaluation by raising
    ``EvaluationStopped`` (no half evaluation is ever reported). After each chunk
    ``progress(done, total)`` is called.
    """
    started = time.perf_counter()
    total = len(test)
    chunk = chunk_size(engine.name)
    loss_sum = 0.0
    predicted: list[int] = []
    probabilities: list[list[float]] = []
    for lo in range(0, total, chunk):
        if stop_requested is not None and stop_requested():
            raise EvaluationStopped
        hi = min(lo + chunk, total)
        part = engine.predict(test, lo, hi)
        loss_sum += part.loss * (hi - lo)  # the chunk's mean loss → its sum
        predicted.extend(part.predicted)
        probabilities.extend(part.probabilities)
        if progress is not None:
            progress(hi, total)
    merged = Predictions(loss_sum / total if total else 0.0, predicted, probabilities)
    return summarise(merged, test, epoch=epoch, step=step, seconds=time.perf_counter() - started)


def summarise(
    predictions: Predictions, data: Dataset, *, epoch: int, step: int, seconds: float
) -> Evaluated:
    """Accuracy overall and per class, the confusion matrix and every mistake."""
    confusion = [[0] * NUM_CLASSES for _ in range(NUM_CLASSES)]  # confusion[true][predicted]
    mistakes: list[Mistake] = []
    for index, (label, predicted) in enumerate(
        zip(data.labels, predictions.predicted, strict=True)
    ):
        confusion[label][predicted] += 1
        if label != predicted:
            probabilities = tuple(float(p) for p in predictions.probabilities[index])
            mistakes.append(Mistake(index, label, predicted, probabilities))
    per_class = tuple(
        row[label] / sum(row) if sum(row) else math.nan for label, row in enumerate(confusion)
    )
    size = len(predictions.predicted)
    correct = sum(confusion[k][k] for k in range(NUM_CLASSES))
    return Evaluated(
        epoch=epoch,
        step=step,
        split="test",
        loss=float(predictions.loss),
        accuracy=correct / size if size else math.nan,
        per_class_accuracy=per_class,
        confusion=tuple(tuple(row) for row in confusion),
        mistakes=tuple(mistakes),
        size=size,
        seconds=seconds,
    )


def record(evaluated: Evaluated) -> EvalRecord:
    """The part of an evaluation the history keeps."""
    return EvalRecord(
        epoch=evaluated.epoch,
        step=evaluated.step,
        loss=evaluated.loss,
        accuracy=evaluated.accuracy,
        per_class_accuracy=evaluated.per_class_accuracy,
        confusion=evaluated.confusion,
    )
