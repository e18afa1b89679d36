"""Provides the records ``TrainingState`` (state.py) keeps of what happened: ``Marker`` (a change
marked on the loss chart), ``EvalPoint`` (one evaluation on the charts), and ``restored_evaluation``
(a snapshot's last ``EvalRecord`` shown as the latest evaluation when a run resumes). Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnn_tui.core.contract import events as ev


@dataclass(frozen=True, slots=True)
class Marker:
    """Something that happened at a step and is marked on the loss chart."""

    step: int
    kind: str  # "lr", "momentum", "batch_size", "weight_decay", "paused", "resumed", "diverged"
    text: str  # short, e.g. "lr 0.01→0.02"


@dataclass(frozen=True, slots=True)
class EvalPoint:
    """One evaluation's summary (no per-image data)."""

    step: int
    epoch: int
    loss: float
    accuracy: float


def restored_evaluation(record: ev.EvalRecord) -> ev.Evaluated:
    """The history's record as an evaluation: per-class accuracy and confusion as they were, the
    size counted from the confusion matrix, and no mistakes — the history does not keep them
    (the trainer re-evaluates the resumed network for those)."""
    return ev.Evaluated(
        epoch=record.epoch,
        step=record.step,
        split="test",
        loss=record.loss,
        accuracy=record.accuracy,
        per_class_accuracy=record.per_class_accuracy,
        confusion=record.confusion,
        mistakes=(),
        size=sum(map(sum, record.confusion)),
        seconds=0.0,
    )
