"""Provides ``summarise``: an engine's predictions over the test set → an ``Evaluated`` event."""

from __future__ import annotations

import math

from cnn_tui.core.contract.config import NUM_CLASSES
from cnn_tui.core.contract.events import EvalRecord, Evaluated, Mistake
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines.interface import Predictions


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
