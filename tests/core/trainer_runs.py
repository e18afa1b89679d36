"""Helpers for the trainer's tests: a small configuration, and a run collected to its end."""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Any

from cnn_tui.core.contract.commands import Command
from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import BatchesEnded, Event
from cnn_tui.core.training.trainer import Trainer

SMALL = Architecture(filters=2, hidden=16)


def config(**hyper: Any) -> RunConfig:
    """One epoch of the small network, seed 3, with these hyperparameters."""
    return RunConfig(arch=SMALL, hyper=Hyperparameters(**hyper), epochs=1, seed=3)


def collect(
    trainer_kwargs: dict[str, Any],
    commands: list[Command] | None = None,
    react: Callable[[Event], Command | None] | None = None,
    **kwargs: Any,
) -> tuple[Trainer, list[Any]]:
    """Run a trainer to its end; ``react(event)`` may return a command to send in answer."""
    events: list[Any] = []
    source: queue.Queue[Command] = queue.Queue()
    for command in commands or []:
        source.put(command)

    def emit(event: Event) -> None:
        events.append(event)
        if react is not None and (answer := react(event)) is not None:
            source.put(answer)

    trainer = Trainer(
        emit=emit,
        commands=source,
        batch_interval=0,
        sample_interval=None,
        **trainer_kwargs,
        **kwargs,
    )
    trainer.run()
    return trainer, events


def steps_of(events: list[Any]) -> list[int]:
    """Every step number the ``BatchesEnded`` events report, in order."""
    return [
        s
        for e in events
        if isinstance(e, BatchesEnded)
        for s in range(e.first_step, e.last_step + 1)
    ]
