"""``keep``: after each save the trainer prunes the snapshots it wrote to the newest N and the best
by test accuracy, and touches nothing else — not the snapshot it resumed from, not the one written
at a stop, not another run's, not an earlier session's, not a file that is not a snapshot. A file
that cannot be deleted is a ``Notice``; the run goes on."""

from __future__ import annotations

import queue
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from cnn_tui.core.contract.commands import Command, SaveSnapshot, Stop
from cnn_tui.core.contract.config import ConfigError, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import (
    BatchesEnded,
    Evaluated,
    Finished,
    Notice,
    SnapshotSaved,
)
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.core.snapshot.save import save_snapshot
from cnn_tui.core.training.trainer import Trainer
from tests.core.trainer_runs import SMALL
from tests.synthetic import blobs

TRAIN, TEST = blobs(40, seed=1), blobs(20, seed=2)  # 4 batches of 10 per epoch


def run(
    folder: Path,
    *,
    epochs: int,
    keep: int | None,
    state: Any = None,
    resumed_from: str | None = None,
    stop_at: int | None = None,
    save_at: tuple[int, ...] = (),
    on_saved: Any = None,
) -> list[Any]:
    """Train ``epochs`` with snapshots in ``folder``: a stop with a save after step ``stop_at``,
    a snapshot asked for (``s``) after each step of ``save_at``."""
    events: list[Any] = []
    commands: queue.Queue[Command] = queue.Queue()

    def emit(event: Any) -> None:
        events.append(event)
        if isinstance(event, BatchesEnded) and event.last_step == stop_at:
            commands.put(Stop(save=True))
        if isinstance(event, BatchesEnded) and event.last_step in save_at:
            commands.put(SaveSnapshot())
        if isinstance(event, SnapshotSaved) and on_saved is not None:
            on_saved(Path(event.path))

    hyper = Hyperparameters(lr=0.05, batch_size=10)
    config = RunConfig(arch=SMALL, hyper=hyper, epochs=epochs, seed=2)
    if state is not None:
        config = replace(state.config, epochs=epochs)
    trainer = Trainer(
        config,
        TRAIN,
        TEST,
        emit=emit,
        commands=commands,
        state=state,
        snapshot_dir=folder,
        run_name="exp",
        batch_interval=0,
        sample_interval=None,
        keep=keep,
    )
    trainer.resumed_from = resumed_from
    trainer.run()
    return events


def saved(events: list[Any]) -> list[Path]:
    return [Path(e.path) for e in events if isinstance(e, SnapshotSaved)]


def best(events: list[Any]) -> Path:
    """The saved file whose weights had the best test accuracy (the newest of equals)."""
    accuracy = {e.step: e.accuracy for e in events if isinstance(e, Evaluated)}
    scored = [
        (accuracy[e.step], i, Path(e.path))
        for i, e in enumerate(events)
        if isinstance(e, SnapshotSaved) and e.step in accuracy
    ]
    return max(scored)[2]


def on_disk(folder: Path) -> set[Path]:
    return set(folder.iterdir())


def test_six_epochs_keep_the_two_newest_and_the_best(tmp_path: Path) -> None:
    events = run(tmp_path, epochs=6, keep=2)
    written = saved(events)
    assert len(written) == 6  # one per epoch end
    assert on_disk(tmp_path) == {*written[-2:], best(events)}
    assert isinstance(events[-1], Finished) and events[-1].reason == "finished"


def test_keep_none_keeps_every_snapshot(tmp_path: Path) -> None:
    events = run(tmp_path, epochs=5, keep=None)
    assert on_disk(tmp_path) == set(saved(events)) and len(saved(events)) == 5


def test_the_default_keeps_three_and_the_best(tmp_path: Path) -> None:
    events: list[Any] = []
    hyper = Hyperparameters(lr=0.05, batch_size=10)
    trainer = Trainer(
        RunConfig(arch=SMALL, hyper=hyper, epochs=6, seed=2),
        TRAIN,
        TEST,
        emit=events.append,
        snapshot_dir=tmp_path,
        run_name="exp",
        batch_interval=0,
        sample_interval=None,
    )
    trainer.run()
    assert on_disk(tmp_path) == {*saved(events)[-3:], best(events)}


def test_nothing_but_what_this_run_wrote_is_ever_deleted(tmp_path: Path) -> None:
    """An earlier session of the same run name, another run, a stranger's file and the snapshot
    the run resumed from all stay, however many snapshots the run writes."""
    first = run(tmp_path, epochs=2, keep=None)  # an earlier session of "exp": two files
    resumed_from = saved(first)[0]
    other = save_snapshot(load_snapshot(resumed_from), tmp_path, run_name="other")
    stranger = tmp_path / "20260101-000000_exp_e01_s000004.npz.bak"
    stranger.write_bytes(b"not ours")
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    before = on_disk(tmp_path)
    state = load_snapshot(resumed_from)
    events = run(tmp_path, epochs=6, keep=1, state=state, resumed_from=str(resumed_from))
    written = saved(events)
    assert len(written) == 5  # epochs 2 to 6
    assert on_disk(tmp_path) == before | {written[-1], best(events)}
    assert {resumed_from, other, stranger, notes, *saved(first)} <= on_disk(tmp_path)


def test_the_snapshot_written_at_a_stop_stays(tmp_path: Path) -> None:
    events = run(tmp_path, epochs=6, keep=1, stop_at=14)  # mid-epoch 4
    assert isinstance(events[-1], Finished) and events[-1].reason == "stopped"
    stop_snapshot = saved(events)[-1]
    assert load_snapshot(stop_snapshot).step == 14
    assert on_disk(tmp_path) == {stop_snapshot, best(events)}


def test_a_snapshot_that_cannot_be_deleted_is_a_notice_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    """Snapshots asked for at steps 1–3 (never evaluated, so never the best); the first is
    swapped for a folder of the same name, so deleting it fails (EISDIR)."""
    swapped: list[Path] = []

    def swap_first(path: Path) -> None:
        if not swapped:
            swapped.append(path)
            path.unlink()
            (path / "inside").mkdir(parents=True)

    events = run(tmp_path, epochs=2, keep=1, save_at=(1, 2, 3), on_saved=swap_first)
    notices = [e for e in events if isinstance(e, Notice)]
    assert len(notices) == 1, notices  # said once, not at every later save
    assert str(swapped[0]) in notices[0].message and "\n" not in notices[0].message
    assert isinstance(events[-1], Finished) and events[-1].reason == "finished"
    written = saved(events)
    assert len(written) == 5  # steps 1, 2, 3, then the ends of epochs 1 and 2
    assert on_disk(tmp_path) == {swapped[0], written[-1], best(events)}
    assert swapped[0].is_dir()


def test_a_keep_below_one_is_refused_before_the_run_starts(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="snapshots to keep 0"):
        Trainer(RunConfig(arch=SMALL), TRAIN, TEST, emit=print, snapshot_dir=tmp_path, keep=0)
