"""The links carry commands to a real trainer and its answers back; stopping leaves nothing."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from cnn_tui.core.contract.commands import Pause, Resume, SetHyperparameters
from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import (
    BatchesEnded,
    Finished,
    HyperparametersChanged,
    Paused,
    Resumed,
    SampleViewed,
    TrainingStarted,
)
from cnn_tui.core.training.link import ProcessLink, ThreadLink, TrainerSpec
from tests.core.idx_files import STEMS, images_idx, labels_idx, write


def tiny_mnist(folder: Path, train: int, test: int) -> Path:
    files = (images_idx(train, 1), labels_idx(train), images_idx(test, 2), labels_idx(test))
    for stem, data in zip(STEMS, files, strict=True):
        write(folder / f"{stem}.gz", data, gz=True)
    return folder


def spec(folder: Path, **kwargs) -> TrainerSpec:
    config = RunConfig(
        arch=Architecture(filters=2, hidden=8),
        hyper=Hyperparameters(batch_size=4),
        epochs=1000,
    )
    return TrainerSpec(config=config, data_dir=str(folder), sample_interval=0.2, **kwargs)


def wait_for(link, kind, timeout: float = 30.0, seen: list | None = None):
    """Drain until an event of ``kind`` arrives; return it (all drained events go to ``seen``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in link.drain():
            if seen is not None:
                seen.append(event)
            if isinstance(event, kind):
                return event
        time.sleep(0.01)
    raise AssertionError(f"no {kind.__name__} within {timeout} s")


@pytest.mark.parametrize("link_class", [ThreadLink, ProcessLink])
def test_commands_are_answered_and_stop_leaves_nothing(tmp_path, link_class) -> None:
    link = link_class(spec(tiny_mnist(tmp_path, 400, 20)))
    link.start()
    try:
        seen: list = []
        started = wait_for(link, TrainingStarted, seen=seen)
        assert started.engine == "numpy" and started.train_size == 400
        wait_for(link, BatchesEnded, seen=seen)
        wait_for(link, SampleViewed, seen=seen)
        link.send(Pause())
        paused = wait_for(link, Paused, seen=seen)
        time.sleep(0.3)
        assert not [e for e in link.drain() if isinstance(e, BatchesEnded)]  # really paused
        link.send(SetHyperparameters(lr=0.02))
        changed = wait_for(link, HyperparametersChanged)
        assert changed.lr == 0.02 and changed.step == paused.step
        link.send(Resume())
        wait_for(link, Resumed)
        assert wait_for(link, BatchesEnded).lr == 0.02
    finally:
        link.stop(timeout=10)
    assert not link.alive
    if link_class is ProcessLink:
        assert not multiprocessing.active_children()


def test_a_trainer_that_cannot_start_says_why(tmp_path) -> None:
    link = ProcessLink(spec(tmp_path / "empty"))
    link.start()
    try:
        finished = wait_for(link, Finished)
    finally:
        link.stop()
    assert finished.reason == "failed" and "empty" in finished.message


def test_a_killed_trainer_is_reported_once(tmp_path) -> None:
    link = ProcessLink(spec(tiny_mnist(tmp_path, 200, 10)))
    link.start()
    try:
        wait_for(link, BatchesEnded)
        link._process.kill()  # as the OOM killer would
        finished = wait_for(link, Finished)
        assert finished.reason == "failed" and "ended" in finished.message
        assert not [e for e in link.drain() if isinstance(e, Finished)]
    finally:
        link.stop()
