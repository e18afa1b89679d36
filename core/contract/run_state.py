"""Provides ``RunState``: everything needed to resume a run exactly, and its metric history.

The trainer captures one (``Trainer.capture_state``) and starts from one (``Trainer(..., state=)``);
``core/snapshot/save.py`` writes them, ``core/snapshot/load.py`` reads them. Plain data only:
no engine objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cnn_tui.core.contract.config import RunConfig
from cnn_tui.core.contract.events import Change, EvalRecord
from cnn_tui.core.engines.params import FlatParams


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
