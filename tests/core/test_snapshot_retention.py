"""The pruning policy of ``--keep`` (core/snapshot/retention.py), as a pure function: the newest N
a run wrote stay, the best by test accuracy stays, protected files and files that are not this
run's snapshots are never named."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cnn_tui.core.contract.events import Change, EvalRecord
from cnn_tui.core.contract.run_state import History
from cnn_tui.core.snapshot.retention import (
    DEFAULT_KEEP,
    SavedSnapshot,
    snapshots_to_delete,
    weights_accuracy,
)

FOLDER = Path("snaps")


def saved(step: int, accuracy: float | None = None, run: str = "exp") -> SavedSnapshot:
    """A snapshot of ``run`` at ``step`` (epoch = step // 10), in the order a run writes them."""
    name = f"20260101-0000{step:02d}_{run}_e{step // 10:02d}_s{step:06d}.npz"
    return SavedSnapshot(FOLDER / name, accuracy)


def delete(snaps: list[SavedSnapshot], keep: int | None, *protected: Path) -> list[Path]:
    return snapshots_to_delete(snaps, run_name="exp", keep=keep, protected=set(protected))


def test_the_newest_n_stay_and_the_older_go_oldest_first() -> None:
    snaps = [saved(step) for step in (10, 20, 30, 40, 50)]
    assert delete(snaps, 3) == [snaps[0].path, snaps[1].path]
    assert delete(snaps, 1) == [s.path for s in snaps[:4]]


def test_the_best_by_test_accuracy_stays_beyond_the_newest() -> None:
    snaps = [saved(10, 0.90), saved(20, 0.97), saved(30, 0.95), saved(40, 0.93), saved(50)]
    assert delete(snaps, 2) == [snaps[0].path, snaps[2].path]  # 0.97 at step 20 stays


def test_of_equal_accuracies_the_newest_is_the_best() -> None:
    snaps = [saved(10, 0.95), saved(20, 0.95), saved(30, 0.90), saved(40, 0.80)]
    assert delete(snaps, 1) == [snaps[0].path, snaps[2].path]


def test_a_snapshot_never_evaluated_is_never_the_best() -> None:
    snaps = [saved(10), saved(20, math.nan), saved(30), saved(40)]
    assert delete(snaps, 2) == [snaps[0].path, snaps[1].path]


def test_newest_means_the_order_written_not_the_step() -> None:
    """Resumed from an earlier snapshot, a run writes lower steps later: those are the newest."""
    snaps = [saved(50), saved(60), saved(30)]
    assert delete(snaps, 1) == [snaps[0].path, snaps[1].path]


def test_protected_paths_are_never_deleted() -> None:
    snaps = [saved(step) for step in (10, 20, 30, 40)]
    assert delete(snaps, 1, snaps[0].path, snaps[2].path) == [snaps[1].path]


def test_keep_none_keeps_every_snapshot() -> None:
    snaps = [saved(step, 0.5) for step in range(10, 100, 10)]
    assert delete(snaps, None) == []


def test_only_this_runs_snapshot_names_are_ever_named() -> None:
    other_run = saved(10, run="other")
    not_a_snapshot = SavedSnapshot(FOLDER / "notes.npz", None)
    renamed = SavedSnapshot(FOLDER / "exp_e01_s000010.npz", None)
    snaps = [other_run, not_a_snapshot, renamed, saved(20), saved(30)]
    assert delete(snaps, 1) == [snaps[3].path]


def test_a_run_name_is_compared_as_the_file_name_spells_it() -> None:
    snaps = [saved(10, run="my-run"), saved(20, run="my-run")]
    kept = snapshots_to_delete(snaps, run_name="my run", keep=1, protected=set())
    assert kept == [snaps[0].path]


@pytest.mark.parametrize("keep", [0, -1])
def test_a_keep_below_one_is_a_bug_not_a_policy(keep: int) -> None:
    with pytest.raises(ValueError, match="keep"):
        delete([saved(10)], keep)


def test_the_default_keeps_a_few() -> None:
    assert DEFAULT_KEEP == 3


def evaluation(step: int, accuracy: float) -> EvalRecord:
    return EvalRecord(1, step, 0.1, accuracy, (0.0,) * 10, ((0,) * 10,) * 10)


def test_the_accuracy_of_a_snapshot_is_its_steps_latest_evaluation() -> None:
    history = History(evaluations=[evaluation(10, 0.9), evaluation(20, 0.8), evaluation(20, 0.85)])
    assert weights_accuracy(20, history) == 0.85  # re-evaluated (another test slice): the latest
    assert weights_accuracy(10, history) == 0.9
    assert weights_accuracy(15, history) is None  # weights of step 15 were never evaluated


def test_after_a_divergence_at_a_step_its_weights_are_unknown() -> None:
    """A diverged batch restores older weights without a new step: the evaluation at that step
    was of other weights."""
    history = History(
        evaluations=[evaluation(20, 0.9)], changes=[Change(20, "diverged", None, 0.5)]
    )
    assert weights_accuracy(20, history) is None
