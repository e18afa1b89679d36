"""Provides ``EventPrinter``: what ``cnn-tui train --headless`` does with each of the trainer's
events — the metrics file, the progress line and its notices, and, when viewers are attached
(``--serve``), a line for each thing they did to the run (paused, resumed, a hyperparameter
changed): whoever watches the run's own terminal sees why its progress line stopped or bent.
Imports no Textual.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cnn_tui.core.contract.events import (
    BatchesEnded,
    CommandRefused,
    Diverged,
    Evaluated,
    Event,
    HyperparametersChanged,
    Notice,
    Paused,
    Resumed,
    SnapshotFailed,
    SnapshotSaved,
    TrainingStarted,
)
from cnn_tui.core.training.learning_check import LearningCheck, Stuck
from cnn_tui.tui.cli.progress import HeadlessProgress

if TYPE_CHECKING:
    from cnn_tui.core.training.metrics import MetricsWriter
    from cnn_tui.core.training.trainer import Trainer

NAMES = {"lr": "lr", "momentum": "momentum", "batch_size": "batch size", "weight_decay": "decay"}


def changes(event: HyperparametersChanged) -> str:
    """ "lr 0.02, batch size 64": the values that changed, as they now are."""
    return ", ".join(f"{NAMES.get(name, name)} {getattr(event, name):g}" for name in event.changed)


class EventPrinter:
    """What a headless run does with each event: the metrics file, the progress line, the
    notices, what a viewer did to the run, and the "not learning" check. Diverging stops the
    run (nobody may be watching to lower the lr)."""

    def __init__(
        self,
        progress: HeadlessProgress,
        writer: MetricsWriter | None,
        metrics_path: Path | None,
        lr: float,
    ) -> None:
        self.progress = progress
        self.writer = writer
        self.metrics_path = metrics_path
        self.learning = LearningCheck()
        self.lr = lr  # the learning rate in force (only a viewer changes it)
        self.trainer: Trainer | None = None
        self.diverged: list[Diverged] = []
        self.snapshots: list[str] = []

    def __call__(self, event: Event) -> None:
        self._write_metrics(event)
        say = self.progress.say
        stuck: Stuck | None = None
        match event:
            case TrainingStarted():
                self.progress.started(event)
            case BatchesEnded():
                self.progress.batches(event)
                stuck = self.learning.batches(event.losses, event.lr)
                self.lr = event.lr
            case Evaluated():
                self.progress.evaluated(event)
                stuck = self.learning.evaluated(event.accuracy, self.lr)
            case Diverged():
                self.diverged.append(event)
                say(f"diverged: {event.message}")
                assert self.trainer is not None
                self.trainer.request_stop(save=False)
            case SnapshotSaved():
                self.snapshots.append(event.path)
                say(f"snapshot saved: {event.path}")
            case SnapshotFailed():
                say(f"snapshot failed: {event.reason}")
            case CommandRefused():
                say(f"refused: {event.reason}")
            case Paused(reason="requested" | "stepped"):  # only a viewer pauses a headless run
                say(f"paused at step {event.step:,} (by a viewer)")
            case Resumed():
                say(f"resumed at step {event.step:,}")
            case HyperparametersChanged(changed=names) if names:
                self.learning.changed()  # judge the run afresh, as the dashboard does
                say(f"from step {event.step + 1:,}: {changes(event)} (by a viewer)")
            case Notice():
                say(f"{event.title.lower()}: {event.message}")
        if stuck:
            say(f"warning: {stuck.reason} — try a {stuck.move} --lr")

    def _write_metrics(self, event: Event) -> None:
        if self.writer is None:
            return
        try:
            self.writer.write(event)
        except OSError as error:  # a full disk must not end the run: warn once, go on
            self.writer = None
            self.progress.say(
                f"cnn-tui: metrics file {self.metrics_path}: {error.strerror or error}; "
                "no more metrics are written, training goes on"
            )
