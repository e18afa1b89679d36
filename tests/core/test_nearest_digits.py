"""The "nearest" trainer extension (core/training/nearest_digits.py): FindNearest answered
through the trainer, the features cached within an evaluation and computed again after the
weights change at the next one, and bad requests refused."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from cnn_tui.core.contract.commands import FindNearest
from cnn_tui.core.contract.config import Hyperparameters
from cnn_tui.core.contract.events import CommandRefused, Evaluated
from cnn_tui.core.contract.nearest_events import NearestFound
from cnn_tui.core.engines import make_engine
from cnn_tui.core.training.extensions import make_extensions
from cnn_tui.core.training.nearest_digits import NearestDigits
from cnn_tui.core.training.trainer import Trainer
from tests.core.trainer_runs import collect, config
from tests.synthetic import blobs

TRAIN, TEST = blobs(64, seed=1), blobs(20, seed=2)


def trainer_with(extension: NearestDigits) -> tuple[Trainer, list[Any]]:
    events: list[Any] = []
    trainer = Trainer(
        config(batch_size=16, lr=0.05),
        TRAIN,
        TEST,
        emit=events.append,
        batch_interval=0,
        sample_interval=None,
        extensions=[extension],
    )
    return trainer, events


def evaluated(step: int) -> Evaluated:
    return Evaluated(1, step, "test", 0.0, 0.0, (0.0,) * 10, ((0,) * 10,) * 10, (), 20, 0.0)


def test_find_nearest_is_answered_through_the_trainer() -> None:
    trainer, events = collect(
        dict(config=config(batch_size=16), train=TRAIN, test=TEST),
        commands=[FindNearest(3), FindNearest(99), FindNearest(0, k=0)],
        extensions=make_extensions(("nearest",)),
    )
    found = [e for e in events if isinstance(e, NearestFound)]
    assert len(found) == 1
    answer = found[0]
    assert answer.test_index == 3
    assert len(answer.indices) == len(answer.labels) == len(answer.images) == 5
    assert answer.labels == tuple(TRAIN.labels[i] for i in answer.indices)
    assert answer.images == tuple(TRAIN.image(i) for i in answer.indices)
    assert list(answer.distances) == sorted(answer.distances)
    assert (answer.searched, answer.train_size, answer.hidden) == (64, 64, 16)
    refused = [e for e in events if isinstance(e, CommandRefused)]
    assert [r.command for r in refused] == ["FindNearest", "FindNearest"]
    assert "test index 99 is outside 0–19" in refused[0].reason
    assert "neighbours 0 is outside 1–20" in refused[1].reason


def test_without_the_extension_the_command_is_refused() -> None:
    _, events = collect(
        dict(config=config(batch_size=16), train=TRAIN, test=TEST), commands=[FindNearest(3)]
    )
    refused = [e for e in events if isinstance(e, CommandRefused)]
    assert refused and refused[0].reason == "unknown command FindNearest"


def test_the_distances_are_those_of_the_engines_features() -> None:
    extension = NearestDigits()
    trainer, events = trainer_with(extension)
    extension.apply(trainer, FindNearest(5, k=3))
    answer = events[-1]
    train = np.array(trainer.engine.dense_features(TRAIN))
    query = np.array(trainer.engine.dense_features(TEST, 5, 6))[0]
    expected = np.sqrt(((train - query) ** 2).sum(axis=1))
    assert list(answer.indices) == np.argsort(expected, kind="stable")[:3].tolist()
    assert answer.distances == pytest.approx(np.sort(expected)[:3].tolist(), rel=1e-5)


def test_the_features_are_kept_within_an_evaluation_and_computed_again_after() -> None:
    extension = NearestDigits()
    trainer, events = trainer_with(extension)
    extension.apply(trainer, FindNearest(2))
    index = extension.index
    assert index is not None and index.builds == 1
    first = events[-1]
    # the run trains on: the cached copy keeps the weights its features were computed with
    trainer.engine.train_batch(TRAIN, range(16), Hyperparameters(lr=0.5))
    trainer.step += 1
    extension.apply(trainer, FindNearest(2))
    assert extension.index is index and index.builds == 1
    assert replace(events[-1], seconds=0) == replace(first, seconds=0)  # same weights: same answer
    # the next evaluation: new weights, so their features are computed on the next request
    extension.after_evaluation(trainer, evaluated(trainer.step))
    assert extension.index is None
    extension.apply(trainer, FindNearest(2))
    again = events[-1]
    assert extension.index is not index and extension.index.builds == 1
    assert again.step == first.step + 1
    assert again.distances != first.distances


def test_the_copy_is_not_the_run_engine() -> None:
    extension = NearestDigits()
    trainer, _ = trainer_with(extension)
    index = extension.current(trainer)
    assert index.engine is not trainer.engine
    assert index.engine.get_params() == trainer.engine.get_params()
    assert make_engine(trainer.config).name == index.engine.name


def test_a_step_back_drops_the_features() -> None:
    extension = NearestDigits()
    trainer, _ = trainer_with(extension)
    trainer.step = 10
    index = extension.current(trainer)
    trainer.step = 4  # e.g. a good copy restored after the loss diverged
    assert extension.current(trainer) is not index
