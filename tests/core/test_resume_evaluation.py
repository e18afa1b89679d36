"""A resumed run brings its latest evaluation back (issue 13, item 1): the snapshot's history holds
each evaluation's per-class accuracy and confusion but not its mistakes, so a trainer asked to
(the dashboard's, for ``m``) evaluates the resumed network before its first batch and says so
beforehand in ``HistoryRestored``. The same weights give the same evaluation: it keeps the step
and epoch of the one it repeats, and the history keeps one record of it. Headless runs do not
ask."""

from __future__ import annotations

import queue
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from cnn_tui.core.contract.commands import Evaluate, Pause, Stop
from cnn_tui.core.contract.config import Hyperparameters, RunConfig
from cnn_tui.core.contract.events import (
    BatchesEnded,
    Evaluated,
    HistoryRestored,
    SnapshotSaved,
    TrainingStarted,
)
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.core.training.link import TrainerSpec, run_trainer
from cnn_tui.core.training.trainer import Trainer
from cnn_tui.tui.cli.main import main
from tests.core.trainer_runs import SMALL, collect
from tests.synthetic import blobs
from tests.test_cli import tiny_mnist

TRAIN, TEST = blobs(40, seed=1), blobs(20, seed=2)
CONFIG = RunConfig(arch=SMALL, hyper=Hyperparameters(lr=0.05, batch_size=10), epochs=1, seed=4)


def run(folder: Path, state: RunState | None = None, **kwargs: Any) -> tuple[Trainer, list[Any]]:
    config = CONFIG if state is None else replace(state.config, epochs=2)
    return collect(
        dict(config=config, train=TRAIN, test=TEST),
        state=state,
        snapshot_dir=folder,
        run_name="again",
        **kwargs,
    )


@pytest.fixture
def epoch_end(tmp_path: Path) -> RunState:
    """One epoch (4 steps), evaluated and saved at its end."""
    _, events = run(tmp_path / "first")
    [path] = [e.path for e in events if isinstance(e, SnapshotSaved)]
    return load_snapshot(Path(path))


def test_a_resumed_run_evaluates_its_network_before_the_first_batch(
    tmp_path: Path, epoch_end: RunState
) -> None:
    [saved] = epoch_end.history.evaluations
    trainer, events = run(tmp_path / "resumed", epoch_end, evaluate_on_resume=True)
    kinds = [type(e) for e in events]
    assert kinds[:3] == [TrainingStarted, HistoryRestored, Evaluated]
    restored, again = events[1], events[2]
    assert restored.reevaluating and restored.evaluations == (saved,)
    assert (again.step, again.epoch) == (saved.step, saved.epoch) == (4, 1)
    assert again.per_class_accuracy == saved.per_class_accuracy
    assert again.confusion == saved.confusion
    assert len(again.mistakes) == again.size - round(again.accuracy * again.size) > 0
    # one record of it in the history, then epoch 2's
    assert [e.step for e in trainer.history.evaluations] == [4, 8]


def test_without_being_asked_a_resumed_run_does_not_evaluate_at_once(
    tmp_path: Path, epoch_end: RunState
) -> None:
    """What headless runs do: nothing before the first batch, one evaluation per epoch end."""
    _, events = run(tmp_path / "resumed", epoch_end)
    restored = next(e for e in events if isinstance(e, HistoryRestored))
    assert not restored.reevaluating
    first_batch = next(i for i, e in enumerate(events) if isinstance(e, BatchesEnded))
    assert not any(isinstance(e, Evaluated) for e in events[:first_batch])
    assert [e.step for e in events if isinstance(e, Evaluated)] == [8]


def stopped_at(folder: Path, step: int) -> RunState:
    """A two-epoch run stopped (and saved, as a quit does) after ``step``, loaded back."""
    _, events = collect(
        dict(config=replace(CONFIG, epochs=2), train=TRAIN, test=TEST),
        react=lambda e: (
            Stop(save=True) if isinstance(e, BatchesEnded) and e.last_step == step else None
        ),
        snapshot_dir=folder,
        run_name="again",
    )
    return load_snapshot(Path([e.path for e in events if isinstance(e, SnapshotSaved)][-1]))


def test_a_run_saved_mid_epoch_is_evaluated_at_its_own_step(tmp_path: Path) -> None:
    """Saved by a quit at step 6, its last evaluation at step 4: the network has moved on, so the
    evaluation at once is a new one (step 6, epoch 2) and joins the history."""
    state = stopped_at(tmp_path / "first", 6)
    assert state.step == 6 and [e.step for e in state.history.evaluations] == [4]
    resumed, events = run(tmp_path / "resumed", state, evaluate_on_resume=True)
    again = next(e for e in events if isinstance(e, Evaluated))
    assert (again.step, again.epoch) == (6, 2)
    assert [e.step for e in resumed.history.evaluations] == [4, 6, 8]


def test_a_resumed_run_with_no_evaluation_yet_has_nothing_to_bring_back(tmp_path: Path) -> None:
    state = stopped_at(tmp_path / "first", 2)
    assert state.history.evaluations == []
    _, events = run(tmp_path / "resumed", state, evaluate_on_resume=True)
    restored = next(e for e in events if isinstance(e, HistoryRestored))
    assert not restored.reevaluating
    first_batch = next(i for i, e in enumerate(events) if isinstance(e, BatchesEnded))
    assert not any(isinstance(e, Evaluated) for e in events[:first_batch])


def test_evaluating_twice_at_one_step_keeps_one_record(tmp_path: Path) -> None:
    """``e`` pressed twice while paused: the same weights, the same evaluation, one record."""
    trainer, events = collect(
        dict(config=CONFIG, train=TRAIN, test=TEST),
        commands=[Pause(), Evaluate(), Evaluate(), Stop()],
    )
    evaluated = [e for e in events if isinstance(e, Evaluated)]
    assert len(evaluated) == 2 and evaluated[0].confusion == evaluated[1].confusion
    assert [e.step for e in trainer.history.evaluations] == [0]


def test_the_dashboards_trainer_asks_and_headless_runs_do_not(tmp_path: Path, capsys) -> None:
    """``TrainerSpec`` (the dashboard's link) evaluates the resumed network at once; a headless
    resume prints no evaluation before its first epoch end (one line per epoch, as before)."""
    data, snaps = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps"
    common = ["train", "--headless", "--data", str(data), "--snapshot-dir", str(snaps)]
    tiny = ["--batch-size", "10", "--filters", "2", "--hidden", "8"]
    assert main([*common, *tiny, "--epochs", "1"]) == 0
    [snapshot] = snaps.glob("*/*.npz")
    capsys.readouterr()
    assert main([*common, "--resume", str(snapshot), "--epochs", "2"]) == 0
    evaluation_lines = [
        line for line in capsys.readouterr().err.splitlines() if "test loss" in line
    ]
    assert len(evaluation_lines) == 1 and evaluation_lines[0].startswith("epoch 2 step 20")

    state = load_snapshot(snapshot)
    spec = TrainerSpec(config=replace(state.config, epochs=2), data_dir=str(data), state=state)
    events: list[Any] = []
    run_trainer(spec, queue.Queue(), events.append)
    first_batch = next(i for i, e in enumerate(events) if isinstance(e, BatchesEnded))
    [again] = [e for e in events[:first_batch] if isinstance(e, Evaluated)]
    assert again.step == state.step == 10
