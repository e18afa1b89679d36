"""Exact resume (fault G5): a run stopped, saved, loaded and resumed is the same run, bit for bit
with the same engine; and a snapshot from one engine resumes on the other."""

from __future__ import annotations

import math
import queue
from dataclasses import replace
from pathlib import Path

import pytest

from cnn_tui.core.contract.commands import SetHyperparameters, Stop
from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import BatchesEnded, Finished, SnapshotSaved
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.core.training.trainer import Trainer
from tests.synthetic import blobs

SMALL = Architecture(filters=2, hidden=16)
TRAIN, TEST = blobs(72, seed=1), blobs(20, seed=2)  # 5 batches of 16 per epoch (last has 8)
STEPS = 10  # 2 epochs


def config(engine: str) -> RunConfig:
    hyper = Hyperparameters(lr=0.05, momentum=0.9, weight_decay=1e-4, batch_size=16)
    return RunConfig(arch=SMALL, hyper=hyper, epochs=2, seed=5, engine=engine)


def run(
    config: RunConfig, folder: Path, *, state: RunState | None = None, stop_at: int | None = None
) -> tuple[Trainer, list]:
    """Train to the end (or stop with a save after step ``stop_at``). After step 2 the lr and the
    momentum change mid-run, as a user would, so the change log and hyperparameters in force
    must survive the snapshot too."""
    events: list = []
    commands: queue.Queue = queue.Queue()

    def emit(event) -> None:
        events.append(event)
        if isinstance(event, BatchesEnded):
            if event.last_step == 2:
                commands.put(SetHyperparameters(lr=0.1, momentum=0.5))
            if event.last_step == stop_at:
                commands.put(Stop(save=True))

    trainer = Trainer(
        config,
        TRAIN,
        TEST,
        emit=emit,
        commands=commands,
        state=state,
        snapshot_dir=folder,
        run_name="resume-test",
        batch_interval=0,  # one BatchesEnded per step, so the stop lands exactly
        sample_interval=None,
    )
    trainer.run()
    return trainer, events


def saved_paths(events: list) -> list[Path]:
    return [Path(e.path) for e in events if isinstance(e, SnapshotSaved)]


def assert_same_run(a: Trainer, b: Trainer) -> None:
    ha, hb = a.history, b.history
    assert len(ha.losses) == STEPS
    assert ha.losses == hb.losses  # float equality: bit for bit
    assert (ha.accuracies, ha.lrs, ha.epochs) == (hb.accuracies, hb.lrs, hb.epochs)
    assert ha.changes == hb.changes
    assert ha.evaluations == hb.evaluations
    assert a.step == b.step and a.hyper == b.hyper
    assert a.engine.get_params() == b.engine.get_params()
    assert a.engine.get_velocity() == b.engine.get_velocity()


@pytest.fixture(scope="module")
def straight(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Trainer, list]]:
    """The uninterrupted reference run of each engine (computed once)."""
    folder = tmp_path_factory.mktemp("straight")
    return {engine: run(config(engine), folder / engine) for engine in ("numpy", "python")}


def resume(path: Path, folder: Path, engine: str | None = None) -> tuple[Trainer, list]:
    state = load_snapshot(path, expect=SMALL)
    if engine is not None:  # what the CLI does for --engine on --resume
        state = replace(state, config=replace(state.config, engine=engine))
    return run(state.config, folder, state=state)


@pytest.mark.parametrize("engine", ["numpy", "python"])
@pytest.mark.parametrize("stop_at", [3, 5, 7])
def test_stop_save_load_resume_is_the_same_run(
    tmp_path: Path, straight: dict, engine: str, stop_at: int
) -> None:
    """Steps 1–N straight vs 1–k, Stop(save), load, k+1–N: same losses, weights, history.
    k = 5 stops after the last batch of epoch 1, before its evaluation."""
    first, events = run(config(engine), tmp_path / "split", stop_at=stop_at)
    assert isinstance(events[-1], Finished) and events[-1].reason == "stopped"
    assert first.step == stop_at
    stop_snapshot = saved_paths(events)[-1]
    second, events = resume(stop_snapshot, tmp_path / "resumed")
    assert isinstance(events[-1], Finished) and events[-1].reason == "finished"
    assert_same_run(straight[engine][0], second)


@pytest.mark.parametrize("engine", ["numpy", "python"])
def test_resume_from_the_epoch_end_snapshot(tmp_path: Path, straight: dict, engine: str) -> None:
    reference, events = straight[engine]
    epoch_end = saved_paths(events)[0]  # written after epoch 1's evaluation
    state = load_snapshot(epoch_end)
    assert (state.epoch, state.position, state.step) == (2, 0, 5)
    assert len(state.history.evaluations) == 1
    second, _ = resume(epoch_end, tmp_path / "resumed")
    assert_same_run(reference, second)


@pytest.mark.parametrize(("saved_by", "resumed_on"), [("numpy", "python"), ("python", "numpy")])
def test_either_engine_resumes_the_others_snapshot(
    tmp_path: Path, straight: dict, saved_by: str, resumed_on: str
) -> None:
    """Engine-neutral state: the other engine picks up the same weights and momentum and follows
    the same trajectory (float32 vs float64 arithmetic: close, not bit-identical)."""
    reference = straight[resumed_on][0]
    _, events = run(config(saved_by), tmp_path / "split", stop_at=3)
    second, _ = resume(saved_paths(events)[-1], tmp_path / "resumed", engine=resumed_on)
    assert second.engine.name == resumed_on
    losses = second.history.losses
    assert len(losses) == STEPS and all(math.isfinite(x) for x in losses)
    for mine, theirs in zip(losses, reference.history.losses, strict=True):
        assert mine == pytest.approx(theirs, rel=1e-3, abs=1e-5)
    assert second.history.changes == reference.history.changes
