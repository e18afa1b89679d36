"""Provides ``TrainerExtension``: a feature that rides along with the training loop without
growing it — layer health, the drawing view, the learning-rate finder, the embedding map, the
nearest training digits.

The trainer calls three hooks, always between two batches and on the training thread:

* ``after_step(trainer, result, indices)``: once per optimizer step, after the update;
* ``after_evaluation(trainer, evaluated)``: after each test-set evaluation is reported;
* ``observation(trainer)``: before each step — what the engine should measure on it (an
  ``Observation``, core/engines/observation.py), None for nothing (the default);
* ``apply(trainer, command)``: for a command whose type is in ``answers`` (the trainer's own
  commands are never offered to an extension).

An extension reports through ``trainer.emit`` like the trainer itself, and changes nothing the
run depends on (weights, optimizer state, data order) unless that is the command's purpose.
Extensions are named, so a ``TrainerSpec`` can carry them across a process boundary: the
registry ``EXTENSIONS`` maps a name to the class that makes one ("module:Class", imported only
when asked for), and ``make_extensions`` builds them (an unknown name is a ``ConfigError``).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from cnn_tui.core.contract.config import ConfigError
from cnn_tui.core.contract.events import Evaluated
from cnn_tui.core.engines.interface import BatchResult
from cnn_tui.core.engines.observation import Observation

if TYPE_CHECKING:
    from cnn_tui.core.training.trainer import Trainer

__all__ = ["EXTENSIONS", "TrainerExtension", "make_extensions"]


class TrainerExtension:
    """The base of every extension: each hook does nothing until a subclass says otherwise."""

    answers: ClassVar[tuple[type, ...]] = ()
    """The command types this extension answers (through ``apply``)."""

    def observation(self, trainer: Trainer) -> Observation | None:
        """What the engine should measure on the step about to be taken (None: nothing)."""
        return None

    def after_step(self, trainer: Trainer, result: BatchResult, indices: Sequence[int]) -> None:
        """One optimizer step is done: ``result`` of the batch ``indices`` (before the update)."""

    def after_evaluation(self, trainer: Trainer, evaluated: Evaluated) -> None:
        """The test set was evaluated (``evaluated`` has just been emitted)."""

    def apply(self, trainer: Trainer, command: object) -> None:
        """Answer ``command`` (one of ``answers``) with an event."""


EXTENSIONS: dict[str, str] = {
    "drawing": "cnn_tui.core.training.drawing_view:DrawingView",  # draw a digit (key d)
    "embedding": "cnn_tui.core.training.embedding_map:EmbeddingMap",  # the embedding map (key p)
    "health": "cnn_tui.core.training.layer_health:LayerHealthWatch",  # layer health (key h)
    "lr_find": "cnn_tui.core.training.lr_find:LrFinder",  # the learning-rate range test
    "nearest": "cnn_tui.core.training.nearest_digits:NearestDigits",  # nearest training digits
}
"""Every extension by name: its class as "package.module:Class" (made with no arguments)."""


def make_extensions(names: Sequence[str]) -> list[TrainerExtension]:
    """A fresh extension for each name, in order; a name not in ``EXTENSIONS`` is refused."""
    unknown = [name for name in names if name not in EXTENSIONS]
    if unknown:
        known = ", ".join(sorted(EXTENSIONS)) or "none"
        raise ConfigError(f"unknown trainer extension {unknown[0]!r} (known: {known})")
    extensions = []
    for name in names:
        module, _, cls = EXTENSIONS[name].partition(":")
        extensions.append(getattr(importlib.import_module(module), cls)())
    return extensions
