"""Provides ``RunState``: everything needed to resume a run exactly, and its metric history.

The trainer captures one (``Trainer.capture_state``) and starts from one (``Trainer(..., state=)``);
``snapshot.py`` writes and reads them. Plain data only: no engine objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import RunConfig
from .params import FlatParams


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the change log: a mid-run change, a pause or a resume."""

    step: int  # the change applies from step + 1
    kind: str  # "lr", "momentum", "batch_size", "weight_decay", "paused", "resumed", "diverged"
    old: float | None = None
    new: float | None = None


@dataclass(frozen=True, slots=True)
class EvalRecord:
    """An evaluation's summary, as the charts need it (no per-image data)."""

    epoch: int
    step: int
    loss: float
    accuracy: float
    per_class_accuracy: tuple[float, ...]  # 10
    confusion: tuple[tuple[int, ...], ...]  # 10×10


@dataclass(slots=True)
class History:
    """Per-step metrics and evaluations of the run so far (step k is at index k − 1)."""

    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    lrs: list[float] = field(default_factory=list)
    epochs: list[int] = field(default_factory=list)
    evaluations: list[EvalRecord] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RunState:
    """A run, frozen between two batches.

    Data order is a pure function of (seed, epoch): the epoch's permutation is
    ``data_order(seed, epoch, n)``; ``position`` is how many of its images were consumed.
    """

    config: RunConfig  # hyperparameters as in force now (after any mid-run change)
    epoch: int  # 1-based epoch in progress
    position: int  # images of this epoch already trained on
    step: int  # optimizer steps taken
    params: FlatParams
    velocity: FlatParams
    history: History
    train_size: int
    test_size: int
