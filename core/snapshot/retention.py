"""Provides ``snapshots_to_delete``: which of a run's snapshots go once it has saved a new one.

The policy of ``--keep N`` (like Keras' ``max_to_keep`` with Lightning's ``save_top_k`` best):
a run keeps the N snapshots it wrote last and the one whose weights had the best test accuracy;
``keep=None`` (``--keep all``) keeps every one. Pure: no file is touched here. The caller
(``core/training/snapshot_saving.py``) passes only the files it wrote itself, in the order it
wrote them, and the paths that must stay whatever the policy says; a name that does not parse as
a snapshot of the run is never returned. No NumPy here.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cnn_tui.core.snapshot.names import clean_run_name, parse_snapshot_name

if TYPE_CHECKING:  # the command line reads DEFAULT_KEEP: no engine modules for --help
    from cnn_tui.core.contract.run_state import History

DEFAULT_KEEP = 3
"""Snapshots a run keeps (besides its best) when ``--keep`` is not given."""

KEEP_MAX = 100_000


@dataclass(frozen=True, slots=True)
class SavedSnapshot:
    """A snapshot file a run wrote, and the test accuracy of the weights in it."""

    path: Path
    accuracy: float | None  # None: these exact weights were never evaluated


def weights_accuracy(step: int, history: History) -> float | None:
    """The test accuracy of the weights at ``step``: that step's latest evaluation (after a
    resume on another test slice, the new slice's), or None when they were not evaluated. A
    divergence at ``step`` brought back older weights without a new step, so an evaluation at
    ``step`` may be of other weights: None then too."""
    if any(change.step == step and change.kind == "diverged" for change in history.changes):
        return None
    for evaluation in reversed(history.evaluations):
        if evaluation.step == step:
            return evaluation.accuracy
    return None


def snapshots_to_delete(
    snapshots: Sequence[SavedSnapshot],
    *,
    run_name: str,
    keep: int | None,
    protected: Collection[Path],
) -> list[Path]:
    """The paths to delete, oldest first.

    Args:
        snapshots: the run's snapshots, oldest first (the order they were written: a run resumed
            from an earlier snapshot writes lower steps later, and those are its newest).
        run_name: the run's name; only files named as its snapshots are ever returned.
        keep: how many of the newest stay (at least 1), or None to keep every one.
        protected: paths that stay whatever the policy says (the file just written, the one the
            run resumed from).
    """
    if keep is None:
        return []
    if keep < 1:
        raise ValueError(f"keep must be at least 1 (or None for all), not {keep}")
    run = clean_run_name(run_name)
    ours = [s for s in snapshots if (name := parse_snapshot_name(s.path.name)) and name.run == run]
    staying = {s.path for s in ours[-keep:]} | set(protected)
    evaluated = [
        (s.accuracy, order, s.path)
        for order, s in enumerate(ours)
        if s.accuracy is not None and math.isfinite(s.accuracy)
    ]
    if evaluated:  # the best accuracy; of equals the newest (the highest order)
        staying.add(max(evaluated)[2])
    return [s.path for s in ours if s.path not in staying]
