"""Provides ``CommandHandling``: how the trainer answers each command, between two batches, and
the two changes it makes by itself (a batch size that does not fit in memory falls back; a
diverging batch is undone and the run paused). A command of a feature's own goes to the
extension that answers it (extensions.py).

Mixed into ``Trainer`` (trainer.py), which owns the state these methods change and provides the
three hooks at the bottom (flush the batch report, evaluate, save a snapshot).
Every command is answered by an event: what it changed, or a ``CommandRefused`` with the reason
in one line. Values are checked here, never trusted.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from cnn_tui.core.contract.commands import (
    Command,
    Evaluate,
    Pause,
    RequestSample,
    Resume,
    SaveSnapshot,
    SetHyperparameters,
    Step,
    Stop,
)
from cnn_tui.core.contract.config import NUM_CLASSES, ConfigError, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import (
    Change,
    CommandRefused,
    Diverged,
    Event,
    HyperparametersChanged,
    Paused,
    Resumed,
    SnapshotFailed,
)
from cnn_tui.core.contract.run_state import History
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines.interface import Engine
from cnn_tui.core.training.batch_report import BatchReport
from cnn_tui.core.training.data_order import data_order
from cnn_tui.core.training.extensions import TrainerExtension
from cnn_tui.core.training.good_copy import GoodCopy
from cnn_tui.core.training.sample_views import SampleClock, view_sample
from cnn_tui.core.training.snapshot_saving import SnapshotSaving

MAX_STEP_BATCHES = 100_000
"""The most batches one ``Step`` command may ask for."""


class CommandSource(Protocol):
    """A queue of commands: ``queue.Queue`` or ``multiprocessing.Queue``."""

    def get(self, block: bool = True, timeout: float | None = None) -> Command: ...
    def get_nowait(self) -> Command: ...


class CommandHandling:
    """Takes commands from ``commands`` and applies them to the trainer's state."""

    # The trainer's state that commands read and change (set by Trainer.__init__).
    config: RunConfig
    train_data: Dataset
    test_data: Dataset
    emit: Callable[[Event], None]
    commands: CommandSource | None
    snapshot_dir: Path | None
    engine: Engine
    extensions: tuple[TrainerExtension, ...]
    hyper: Hyperparameters
    history: History
    epoch: int
    position: int
    step: int
    paused: bool
    _steps_left: int  # batches still to run for a Step command while paused
    _stop: threading.Event  # set: stop at the next batch boundary
    _stop_save: bool  # and save a snapshot then
    _report: BatchReport
    _samples: SampleClock
    _good: GoodCopy  # the weights a divergence falls back on
    _order: list[int]  # the data order of epoch ``_order_epoch``
    _order_epoch: int
    _snapshots: SnapshotSaving | None

    def request_stop(self, save: bool = False) -> None:
        """Stop at the next batch boundary; safe from a signal handler or another thread."""
        self._stop_save = self._stop_save or save
        self._stop.set()

    # ----------------------------------------------------------------- taking commands
    def _wait_while_paused(self) -> None:
        """Block on the command queue (no busy wait) until something arrives."""
        if self.commands is None:
            self._stop.wait(0.1)
            return
        try:
            command = self.commands.get(timeout=0.1)
        except queue.Empty:
            return
        self._apply(command)

    def _handle_commands(self) -> None:
        """Apply every command that has arrived, in order (never blocks)."""
        if self.commands is None:
            return
        while True:
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                return
            self._apply(command)

    def _apply(self, command: Command) -> None:
        """Carry out one command and answer it with an event."""
        match command:
            case Pause():
                self._flush()
                self._steps_left = 0
                if not self.paused:
                    self.paused = True
                    self.history.changes.append(Change(self.step, "paused"))
                self._paused("requested")
            case Resume():
                self._steps_left = 0
                if self.paused:
                    self.paused = False
                    self.history.changes.append(Change(self.step, "resumed"))
                self._report.restart_window()
                self.emit(Resumed(self.step))
            case Step(batches=batches):
                if not self.paused:
                    self._refuse(command, "step works while paused; pause first")
                elif not isinstance(batches, int) or not 1 <= batches <= MAX_STEP_BATCHES:
                    self._refuse(command, f"step count {batches!r} is outside 1–100000")
                else:
                    self._steps_left = batches
                    self._report.restart_window()
            case SetHyperparameters():
                self._set_hyperparameters(command)
            case Evaluate():
                self._flush()
                self._evaluate()
            case RequestSample():
                self._request_sample(command)
            case SaveSnapshot():
                self._flush()
                if self.snapshot_dir is None:
                    self.emit(SnapshotFailed(self.step, "snapshots are off (no snapshot folder)"))
                else:
                    self._save_snapshot()
            case Stop(save=save, keep=keep):
                if self._snapshots is not None:  # the dashboard branches from these
                    self._snapshots.kept.update(Path(path) for path in keep)
                self.request_stop(save)
            case _:
                self._offer_to_extensions(command)

    def _offer_to_extensions(self, command: object) -> None:
        """A command of a feature's own (extensions.py): the first extension answering it."""
        for extension in self.extensions:
            if isinstance(command, extension.answers):
                extension.apply(self, command)  # type: ignore[arg-type]  # (self is a Trainer)
                return
        self._refuse(command, f"unknown command {type(command).__name__}")

    def _refuse(self, command: object, reason: str) -> None:
        self.emit(CommandRefused(self.step, type(command).__name__, reason))

    # ----------------------------------------------------------------- samples
    def _request_sample(self, command: RequestSample) -> None:
        """A test image (with its saliency map if asked) now; a training image now when paused,
        else at the next batch."""
        test_index, target = command.test_index, command.saliency_target
        if test_index is not None:
            if not isinstance(test_index, int) or not 0 <= test_index < len(self.test_data):
                self._refuse(command, f"test index {test_index!r} is out of range")
            elif target is not None and target not in range(NUM_CLASSES):
                self._refuse(command, f"saliency class {target!r} is not a digit 0–9")
            else:
                self._emit_sample("test", test_index, target)
        elif self.paused:  # the image the next batch starts with
            position = min(self.position, len(self.train_data) - 1)
            order = data_order(self.config.seed, self.epoch, len(self.train_data))
            self._emit_sample("train", order[position])
        else:
            self._samples.request()

    # ----------------------------------------------------------------- hyperparameters
    def _set_hyperparameters(self, command: SetHyperparameters) -> None:
        changes = {
            name: value
            for name in ("lr", "momentum", "batch_size", "weight_decay")
            if (value := getattr(command, name)) is not None
        }
        try:
            new = replace(self.hyper, **changes)
            if new.batch_size > len(self.train_data):
                raise ConfigError(
                    f"batch size {new.batch_size} is larger than the "
                    f"{len(self.train_data)} training images"
                )
        except (ConfigError, TypeError) as error:
            self._refuse(command, str(error))
            return
        self._flush()
        changed = tuple(name for name in changes if getattr(new, name) != getattr(self.hyper, name))
        for name in changed:
            self.history.changes.append(
                Change(self.step, name, getattr(self.hyper, name), getattr(new, name))
            )
        self.hyper = new
        self._hyperparameters_changed(changed)

    def _hyperparameters_changed(self, changed: tuple[str, ...]) -> None:
        """Say which values are in force from the next batch on."""
        hyper = self.hyper
        self.emit(
            HyperparametersChanged(
                step=self.step,
                lr=hyper.lr,
                momentum=hyper.momentum,
                batch_size=hyper.batch_size,
                weight_decay=hyper.weight_decay,
                changed=changed,
            )
        )

    def _fall_back_batch_size(self) -> None:
        """A batch that does not fit: go back to the last batch size that did (a mid-run
        change), or refuse the run's own batch size in one line."""
        fitting = next(
            (c.old for c in reversed(self.history.changes) if c.kind == "batch_size"), None
        )
        too_big = self.hyper.batch_size
        if fitting is None or fitting >= too_big:
            raise ConfigError(f"batch size {too_big} does not fit in memory; try a smaller one")
        self.hyper = replace(self.hyper, batch_size=int(fitting))
        self.history.changes.append(Change(self.step, "batch_size", too_big, fitting))
        self._refuse(
            SetHyperparameters(batch_size=too_big),
            f"batch size {too_big} does not fit in memory; back to {int(fitting)}",
        )
        self._hyperparameters_changed(("batch_size",))

    def _paused(self, reason: str) -> None:
        """Say the run is paused, then show the current weights on the image the next batch
        starts with: a sample from before the pause (or before a step) would be stale."""
        self.emit(Paused(self.step, reason))
        order = self._order
        if self._order_epoch != self.epoch:
            order = data_order(self.config.seed, self.epoch, len(self.train_data))
        if order:
            self._emit_sample("train", order[min(self.position, len(order) - 1)])

    def _emit_sample(self, source: str, index: int, saliency_target: int | None = None) -> None:
        data = self.train_data if source == "train" else self.test_data
        self.emit(
            view_sample(
                self.engine,
                data,
                index,
                source=source,
                step=self.step,
                saliency_target=saliency_target,
            )
        )

    def _diverged(self, loss: float) -> None:
        """Undo: bring back the last good weights, pause, and say what to do."""
        self._flush()
        good_step = self._good.restore(self.engine)
        self.history.changes.append(Change(self.step, "diverged", None, self.hyper.lr))
        message = (
            f"loss became {loss} at step {self.step + 1} with lr {self.hyper.lr:g}: "
            f"restored the weights of step {good_step}; lower the learning rate, then resume"
        )
        self.emit(Diverged(self.step + 1, loss, good_step, message))
        self._steps_left = 0
        self.paused = True
        self.emit(Paused(self.step, "diverged"))

    # ----------------------------------------------------------------- the trainer's hooks
    def _flush(self) -> None:
        raise NotImplementedError

    def _evaluate(self) -> bool:
        raise NotImplementedError

    def _save_snapshot(self, at_epoch_end: bool = False) -> None:
        raise NotImplementedError
