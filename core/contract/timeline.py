"""Provides the plain data of the dashboard's timeline (``t``): a run's snapshots as the timeline
lists them, and the two requests it makes — branch a new run from a snapshot, or start a fresh run
with another architecture — plus the lineage a branched run shows on its chart.

Frozen dataclasses of ints, floats and strings, like every other value that crosses the core ↔ UI
boundary: the UI builds a request, ``core/training/relaunch.py`` turns it into a new trainer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SnapshotEntry:
    """One snapshot of the current run, read from its metadata only (no weights loaded)."""

    path: str
    name: str  # the file name
    epoch: int  # the epoch its step belongs to (as in the file name)
    step: int  # optimizer steps taken when it was saved
    accuracy: float | None = None  # test accuracy of these weights, when they were evaluated
    loss: float | None = None  # test loss of these weights, when they were evaluated
    problem: str = ""  # why its metadata could not be read ("" when it could): listed, not picked
    # the settings in force when it was saved (a branch starts from them); 0: not known
    lr: float = 0.0
    batch_size: int = 0
    momentum: float = 0.0
    weight_decay: float = 0.0
    epochs: int = 0  # the run's planned epochs
    epochs_done: int = 0  # epochs complete when it was saved (a branch must plan more)
    architecture: str = ""  # Architecture.describe()
    run: str = ""  # the run that saved it (a branch lists its parent's up to the branch point)


@dataclass(frozen=True, slots=True)
class BranchRun:
    """Start a new run from ``snapshot`` with these hyperparameters, under a new name; the run
    that wrote the snapshot is left as it is."""

    snapshot: str
    run_name: str
    lr: float
    batch_size: int
    momentum: float
    weight_decay: float
    epochs: int


@dataclass(frozen=True, slots=True)
class FreshRun:
    """Start a new run from scratch with this architecture (``filters2`` 0: one conv layer),
    the current run's other settings, under a new name."""

    run_name: str
    filters: int
    filters2: int
    hidden: int


@dataclass(frozen=True, slots=True)
class Lineage:
    """Where a branched run came from: its parent run's name and the step it branched at."""

    parent: str
    step: int

    def describe(self) -> str:
        """E.g. "branched from run at step 1,200"."""
        return f"branched from {self.parent} at step {self.step:,}"
