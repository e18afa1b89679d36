"""Provides ``SnapshotSaving``: the trainer's snapshots written, then its older ones pruned.

Each save is a new file (``core/snapshot/save.py``), answered by ``SnapshotSaved`` or
``SnapshotFailed``. After a save succeeds, the files this trainer wrote before it are pruned to
``keep`` by the policy of ``core/snapshot/retention.py`` (the newest N and the best by test
accuracy). Only files this trainer wrote are ever deleted: never the snapshot it resumed from
nor one a ``Stop(keep=…)`` named (the dashboard's branch starts from it),
never an earlier session's or another run's (runs share the default name "run", so a name alone
cannot tell them apart), never a file that is not a snapshot. A file that cannot be deleted is a
``Notice`` — said once, the file left in place — and never stops the run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cnn_tui.core.contract.config import check_int
from cnn_tui.core.contract.events import Event, Notice, SnapshotFailed, SnapshotSaved
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.snapshot.retention import (
    KEEP_MAX,
    SavedSnapshot,
    snapshots_to_delete,
    weights_accuracy,
)


class SnapshotSaving:
    """Saves a run's snapshots in ``folder`` as ``run_name`` and keeps ``keep`` of them (None:
    all)."""

    def __init__(self, folder: Path, run_name: str, keep: int | None) -> None:
        if keep is not None:
            check_int("snapshots to keep", keep, 1, KEEP_MAX)
        self.folder = folder
        self.run_name = run_name
        self.keep = keep
        self.written: list[SavedSnapshot] = []  # this trainer's files still on disk, oldest first
        self.kept: set[Path] = set()  # never pruned: Stop(keep=…), a branch's starting point

    def save(
        self, state: RunState, emit: Callable[[Event], None], *, resumed_from: str | None
    ) -> None:
        """Write ``state``, say so, then prune (``resumed_from``: the file the run started from)."""
        from cnn_tui.core.snapshot.errors import SnapshotError
        from cnn_tui.core.snapshot.save import save_snapshot  # NumPy only when saving

        try:
            path = save_snapshot(state, self.folder, run_name=self.run_name)
        except SnapshotError as error:
            emit(SnapshotFailed(state.step, str(error)))
            return
        emit(SnapshotSaved(state.step, str(path)))
        self.written.append(SavedSnapshot(path, weights_accuracy(state.step, state.history)))
        protected = {path, *self.kept} | ({Path(resumed_from)} if resumed_from else set())
        for problem in self._prune(protected):
            emit(Notice(state.step, "Old snapshot kept", problem))

    def _prune(self, protected: set[Path]) -> list[str]:
        """Delete what the policy says; the problems, one line each."""
        same = {_absolute(p) for p in protected}
        doomed = snapshots_to_delete(
            self.written,
            run_name=self.run_name,
            keep=self.keep,
            protected={s.path for s in self.written if _absolute(s.path) in same},
        )
        problems = []
        for path in doomed:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass  # already gone (deleted by hand): nothing to do
            except OSError as error:
                problems.append(f"could not delete {path}: {error.strerror or error}; left as is")
        self.written = [s for s in self.written if s.path not in doomed]
        return problems


def _absolute(path: Path) -> Path:
    """``path`` made absolute and normalised, without touching the disk ("s/./a" is "s/a")."""
    return Path(os.path.abspath(path))
