"""Resuming on another test slice (``--test-limit``): the test set does not change training, so
the run continues — it says so, evaluates on the new slice at once, and keeps the old slice's
evaluations in its history as they were. Another training slice (``--limit``) is still refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from cnn_tui.core.contract.config import ConfigError, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import (
    BatchesEnded,
    Evaluated,
    Finished,
    HistoryRestored,
    Notice,
    SnapshotSaved,
    TrainingStarted,
)
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.core.training.data_checks import size_mismatch
from cnn_tui.core.training.trainer import Trainer
from tests.core.trainer_runs import SMALL
from tests.synthetic import blobs

TRAIN = blobs(40, seed=1)
OLD_TEST, NEW_TEST = blobs(20, seed=2), blobs(30, seed=3)
CONFIG = RunConfig(arch=SMALL, hyper=Hyperparameters(lr=0.05, batch_size=10), epochs=1, seed=2)


def train(folder: Path, test: Any, state: RunState | None = None) -> list[Any]:
    events: list[Any] = []
    config = CONFIG if state is None else replace(state.config, epochs=2)
    trainer = Trainer(
        config,
        TRAIN,
        test,
        emit=events.append,
        state=state,
        snapshot_dir=folder,
        run_name="slice",
        batch_interval=0,
        sample_interval=None,
    )
    trainer.run()
    return events


@pytest.fixture
def first_epoch(tmp_path: Path) -> RunState:
    """One epoch evaluated on the first 20 test images, saved at its end."""
    events = train(tmp_path / "first", OLD_TEST)
    [path] = [e.path for e in events if isinstance(e, SnapshotSaved)]
    return load_snapshot(Path(path))


def test_a_resume_on_another_test_slice_says_so_and_evaluates_it_at_once(
    tmp_path: Path, first_epoch: RunState
) -> None:
    old_evaluations = list(first_epoch.history.evaluations)
    events = train(tmp_path / "resumed", NEW_TEST, first_epoch)
    kinds = [type(e) for e in events]
    assert kinds[:4] == [TrainingStarted, HistoryRestored, Notice, Evaluated]
    notice, evaluated = events[2], events[3]
    assert "20" in notice.message and "30" in notice.message and "\n" not in notice.message
    assert "test" in notice.title.lower()
    assert (evaluated.size, evaluated.step) == (30, first_epoch.step)  # before any batch
    assert isinstance(events[-1], Finished) and events[-1].reason == "finished"
    assert sum(isinstance(e, BatchesEnded) for e in events) >= 1
    saved = [e.path for e in events if isinstance(e, SnapshotSaved)]
    resumed = load_snapshot(Path(saved[-1]))
    assert resumed.test_size == 30  # the slice it is tested on from now on
    history = resumed.history.evaluations
    assert history[: len(old_evaluations)] == old_evaluations  # the old slice's, as they were
    assert len(history) == len(old_evaluations) + 2  # the new slice at once, then epoch 2's end


def test_the_same_test_slice_is_not_re_evaluated_for_this_reason(
    tmp_path: Path, first_epoch: RunState
) -> None:
    events = train(tmp_path / "resumed", OLD_TEST, first_epoch)
    assert not any(isinstance(e, Notice) and "test set" in e.title.lower() for e in events)


def test_another_training_slice_is_still_refused(first_epoch: RunState) -> None:
    with pytest.raises(ConfigError, match="same --limit"):
        Trainer(CONFIG, blobs(50, seed=1), NEW_TEST, emit=lambda e: None, state=first_epoch)


def test_only_the_training_slice_is_a_mismatch(first_epoch: RunState) -> None:
    assert size_mismatch(first_epoch, 40) is None
    message = size_mismatch(first_epoch, 60_000)
    assert message is not None and "\n" not in message
    assert "40 images" in message and "60,000" in message and "--test-limit" not in message
