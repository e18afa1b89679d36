"""Trainer extensions (core/training/extensions.py): each hook is called when it says, a
feature's own command reaches its extension, and anything else is still refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from cnn_tui.core.contract.config import ConfigError
from cnn_tui.core.contract.events import CommandRefused, Evaluated, Notice
from cnn_tui.core.engines.interface import BatchResult
from cnn_tui.core.training import extensions
from cnn_tui.core.training.extensions import TrainerExtension, make_extensions
from cnn_tui.core.training.trainer import Trainer
from tests.core.trainer_runs import collect, config, steps_of
from tests.synthetic import blobs


@dataclass(frozen=True)
class Ping:
    """A command of the recording extension's own."""

    word: str


@dataclass(frozen=True)
class Unanswered:
    """A command nobody answers."""


class Recording(TrainerExtension):
    answers = (Ping,)

    def __init__(self) -> None:
        self.steps: list[tuple[int, int]] = []  # (trainer step, batch size)
        self.evaluated: list[int] = []

    def after_step(self, trainer: Trainer, result: BatchResult, indices: Sequence[int]) -> None:
        self.steps.append((trainer.step, len(indices)))

    def after_evaluation(self, trainer: Trainer, evaluated: Evaluated) -> None:
        self.evaluated.append(evaluated.step)

    def apply(self, trainer: Trainer, command: object) -> None:
        assert isinstance(command, Ping)
        trainer.emit(Notice(trainer.step, "pong", command.word))


def test_hooks_run_after_each_step_and_each_evaluation() -> None:
    recording = Recording()
    kwargs = dict(config=config(batch_size=16), train=blobs(100, seed=1), test=blobs(30, seed=2))
    _, events = collect(kwargs, extensions=[recording])
    assert recording.steps == [(k, 16) for k in range(1, 7)] + [(7, 4)]  # after the update
    assert steps_of(events) == list(range(1, 8))
    assert recording.evaluated == [7]


def test_a_feature_command_reaches_its_extension_and_others_are_refused() -> None:
    kwargs = dict(config=config(batch_size=50), train=blobs(100, seed=1), test=blobs(10, seed=2))
    _, events = collect(kwargs, [Ping("hello"), Unanswered()], extensions=[Recording()])
    pongs = [e for e in events if isinstance(e, Notice) and e.title == "pong"]
    assert [p.message for p in pongs] == ["hello"]
    refused = [e for e in events if isinstance(e, CommandRefused)]
    assert [r.command for r in refused] == ["Unanswered"]


def test_extensions_are_made_by_name_and_an_unknown_name_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(
        extensions.EXTENSIONS, "recording", "tests.core.test_trainer_extensions:Recording"
    )
    made = make_extensions(["recording", "recording"])
    assert [type(e).__name__ for e in made] == ["Recording", "Recording"]
    assert made[0] is not made[1]  # a fresh one each time
    with pytest.raises(ConfigError, match="unknown trainer extension 'nope'"):
        make_extensions(["nope"])
