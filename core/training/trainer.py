"""Provides ``Trainer``: the only training loop. It emits events and takes commands between batches.

The same loop serves the dashboard (in a separate process, see ``link.py``) and headless runs (in
the main thread). Data order is a pure function of (seed, epoch), so a run's position is just
(epoch, images consumed): that is what makes an exact resume possible.
"""

from __future__ import annotations

import math
import queue
import random
import threading
import time
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
from cnn_tui.core.contract.config import ConfigError, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import (
    BatchesEnded,
    Change,
    CommandRefused,
    ConvView,
    Diverged,
    Event,
    Finished,
    HistoryRestored,
    HyperparametersChanged,
    Paused,
    Resumed,
    SampleViewed,
    SnapshotFailed,
    SnapshotSaved,
    TrainingStarted,
)
from cnn_tui.core.contract.run_state import History, RunState
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines import Engine, Predictions, make_engine
from cnn_tui.core.engines.params import FlatParams
from cnn_tui.core.training.evaluation import record, summarise

Emit = Callable[[Event], None]
EVAL_CHUNK_PYTHON = 250
"""Test images per evaluation chunk with the pure-Python engine (about two seconds)."""
GOOD_COPY_SECONDS = 2.0
"""How often the trainer keeps a copy of the weights to fall back on if the loss diverges."""


class CommandSource(Protocol):
    """A queue of commands: ``queue.Queue`` or ``multiprocessing.Queue``."""

    def get(self, block: bool = True, timeout: float | None = None) -> Command: ...
    def get_nowait(self) -> Command: ...


def data_order(seed: int, epoch: int, size: int) -> list[int]:
    """The shuffled order of an epoch's images: a pure function of (seed, epoch)."""
    order = list(range(size))
    random.Random(f"cnn-tui:{seed}:{epoch}").shuffle(order)
    return order


def steps_in_epoch(size: int, batch_size: int) -> int:
    """Batches per epoch; the last one may be smaller."""
    return math.ceil(size / batch_size)


class Trainer:
    """Trains ``config``'s network on ``train``, evaluates on ``test``, and reports via ``emit``.

    Args:
        config: architecture, hyperparameters, epochs, seed, engine.
        train: the training images.
        test: the test images (evaluated at each epoch end and on request).
        emit: called with every event, in order, from the training thread.
        commands: where commands arrive; checked between batches.
        state: a run to resume (from a snapshot); None starts afresh from ``config.seed``.
        snapshot_dir: where snapshots go (at each epoch end, on request, on a saving stop);
            None disables saving.
        run_name: the run's name in snapshot file names.
        batch_interval: seconds between ``BatchesEnded`` events (0 sends one per step).
        sample_interval: seconds between ``SampleViewed`` events; None sends them only on request.
        start_paused: wait for ``Resume`` (or ``Step``) before the first batch.
    """

    def __init__(
        self,
        config: RunConfig,
        train: Dataset,
        test: Dataset,
        *,
        emit: Emit,
        commands: CommandSource | None = None,
        state: RunState | None = None,
        snapshot_dir: Path | None = None,
        run_name: str = "run",
        batch_interval: float = 0.05,
        sample_interval: float | None = 0.3,
        start_paused: bool = False,
    ) -> None:
        if len(train) == 0 or len(test) == 0:
            raise ConfigError("the training and test sets must not be empty")
        if config.hyper.batch_size > len(train):
            raise ConfigError(
                f"batch size {config.hyper.batch_size} is larger than the {len(train)} "
                "training images"
            )
        if state is not None and (state.train_size, state.test_size) != (len(train), len(test)):
            raise ConfigError(
                f"the snapshot was trained on {state.train_size:,} images and tested on "
                f"{state.test_size:,}; these flags give {len(train):,} and {len(test):,} "
                "(use the same --limit and --test-limit)"
            )
        self.config = config
        self.train_data = train
        self.test_data = test
        self.emit = emit
        self.commands = commands
        self.snapshot_dir = snapshot_dir
        self.run_name = run_name
        self.batch_interval = batch_interval
        self.sample_interval = sample_interval
        self.resumed_from: str | None = None
        self.engine: Engine = make_engine(config, state.params if state else None)
        if state is not None:
            self.engine.set_velocity(state.velocity)
            self.epoch, self.position, self.step = state.epoch, state.position, state.step
            self.history = state.history
        else:
            self.epoch, self.position, self.step = 1, 0, 0
            self.history = History()
        self.hyper: Hyperparameters = config.hyper
        self.paused = start_paused
        self._steps_left = 0  # batches still to run for a Step command while paused
        self._stop = threading.Event()
        self._stop_save = False
        self._order: list[int] = []
        self._order_epoch = 0
        # Coalescing of BatchesEnded: the steps not yet sent, and when the window began.
        self._pending_losses: list[float] = []
        self._pending_accuracies: list[float] = []
        self._pending_images = 0
        self._window_start = time.perf_counter()
        self._last_flush = self._window_start
        self._last_sample = 0.0
        self._sample_requested = False
        self._good: tuple[int, FlatParams, FlatParams] | None = None
        self._good_time = 0.0

    # ----------------------------------------------------------------- public API
    def request_stop(self, save: bool = False) -> None:
        """Stop at the next batch boundary; safe from a signal handler or another thread."""
        self._stop_save = self._stop_save or save
        self._stop.set()

    def capture_state(self) -> RunState:
        """The run as it stands between two batches (for a snapshot)."""
        return RunState(
            config=replace(self.config, hyper=self.hyper),
            epoch=self.epoch,
            position=self.position,
            step=self.step,
            params=self.engine.get_params(),
            velocity=self.engine.get_velocity(),
            history=self.history,
            train_size=len(self.train_data),
            test_size=len(self.test_data),
        )

    @property
    def steps_per_epoch(self) -> int:
        return steps_in_epoch(len(self.train_data), self.hyper.batch_size)

    def run(self) -> Finished:
        """Train until every epoch is done or a stop arrives; returns the closing event."""
        self._announce()
        try:
            finished = self._loop()
        except Exception as error:  # report, then let the caller log the traceback
            self.emit(Finished(self.step, self.epoch, "failed", f"{type(error).__name__}: {error}"))
            raise
        self.emit(finished)
        return finished

    # ----------------------------------------------------------------- the loop
    def _announce(self) -> None:
        config, hyper = self.config, self.hyper
        self.emit(
            TrainingStarted(
                engine=config.engine,
                architecture=config.arch.describe(),
                filters=config.arch.conv_layers,
                hidden=config.arch.hidden,
                epochs=config.epochs,
                epoch=self.epoch,
                step=self.step,
                steps_per_epoch=self.steps_per_epoch,
                train_size=len(self.train_data),
                test_size=len(self.test_data),
                lr=hyper.lr,
                momentum=hyper.momentum,
                weight_decay=hyper.weight_decay,
                batch_size=hyper.batch_size,
                seed=config.seed,
                resumed_from=self.resumed_from,
                paused=self.paused,
            )
        )
        if self.step:
            h = self.history
            self.emit(
                HistoryRestored(
                    losses=tuple(h.losses),
                    accuracies=tuple(h.accuracies),
                    lrs=tuple(h.lrs),
                    epochs=tuple(h.epochs),
                    evaluations=tuple(h.evaluations),
                    changes=tuple(h.changes),
                )
            )
        if self.paused:
            self.emit(Paused(self.step, "requested"))

    def _loop(self) -> Finished:
        size = len(self.train_data)
        while self.epoch <= self.config.epochs:
            self._handle_commands()
            if self._stop.is_set():
                return self._stopped()
            if self.paused and self._steps_left == 0:
                self._wait_while_paused()
                continue
            if self.position >= size:  # the epoch is complete
                self._end_epoch()
                continue
            self._train_one_batch()
            if self._steps_left:
                self._steps_left -= 1
                if self._steps_left == 0:
                    self._flush()
                    self.emit(Paused(self.step, "stepped"))
        self._flush()
        return Finished(self.step, self.config.epochs, "finished")

    def _train_one_batch(self) -> None:
        if self._order_epoch != self.epoch:
            self._order = data_order(self.config.seed, self.epoch, len(self.train_data))
            self._order_epoch = self.epoch
        now = time.perf_counter()
        if self._good is None or now - self._good_time >= GOOD_COPY_SECONDS:
            params = self.engine.get_params()
            # One update can leave inf weights behind a finite (ε-capped) loss: never keep those.
            if self._good is None or all(math.isfinite(sum(v)) for v in params.values()):
                self._good = (self.step, params, self.engine.get_velocity())
            self._good_time = now
        indices = self._order[self.position : self.position + self.hyper.batch_size]
        try:
            result = self.engine.train_batch(self.train_data, indices, self.hyper)
        except MemoryError:
            self._out_of_memory()
            return
        if not math.isfinite(result.loss):
            self._diverged(result.loss)
            return
        self.step += 1
        self.position += len(indices)
        accuracy = result.correct / len(indices)
        self._record_step(result.loss, accuracy, len(indices))
        self._maybe_sample(indices[0])

    def _record_step(self, loss: float, accuracy: float, images: int) -> None:
        h = self.history
        h.losses.append(loss)
        h.accuracies.append(accuracy)
        h.lrs.append(self.hyper.lr)
        h.epochs.append(self.epoch)
        self._pending_losses.append(loss)
        self._pending_accuracies.append(accuracy)
        self._pending_images += images
        if time.perf_counter() - self._last_flush >= self.batch_interval:
            self._flush()

    def _flush(self) -> None:
        """Send the steps not yet reported as one ``BatchesEnded``."""
        now = time.perf_counter()
        if self._pending_losses:
            elapsed = max(now - self._window_start, 1e-9)
            count = len(self._pending_losses)
            self.emit(
                BatchesEnded(
                    epoch=self.epoch,
                    first_step=self.step - count + 1,
                    losses=tuple(self._pending_losses),
                    accuracies=tuple(self._pending_accuracies),
                    lr=self.hyper.lr,
                    momentum=self.hyper.momentum,
                    batch_size=self.hyper.batch_size,
                    images_per_s=self._pending_images / elapsed,
                    position=self.position,
                    train_size=len(self.train_data),
                )
            )
            self._pending_losses = []
            self._pending_accuracies = []
            self._pending_images = 0
        self._window_start = now
        self._last_flush = now

    def _end_epoch(self) -> None:
        self._flush()
        if not self._evaluate():
            return  # stopped mid-evaluation: the epoch stays unfinished, a resume evaluates it
        self._save_snapshot_if_enabled(at_epoch_end=True)
        self.epoch += 1
        self.position = 0
        self._window_start = time.perf_counter()

    def _diverged(self, loss: float) -> None:
        """Undo: bring back the last good weights, pause, and say what to do."""
        self._flush()
        assert self._good is not None
        good_step, params, velocity = self._good
        self.engine.set_params(params)
        self.engine.set_velocity(velocity)
        self.history.changes.append(Change(self.step, "diverged", None, self.hyper.lr))
        message = (
            f"loss became {loss} at step {self.step + 1} with lr {self.hyper.lr:g}: "
            f"restored the weights of step {good_step}; lower the learning rate, then resume"
        )
        self.emit(Diverged(self.step + 1, loss, good_step, message))
        self._steps_left = 0
        self.paused = True
        self.emit(Paused(self.step, "diverged"))

    def _out_of_memory(self) -> None:
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

    def _evaluate(self) -> bool:
        """Evaluate on the test set, in chunks so that a stop request (Ctrl+C, quit) is heard
        within one chunk even when the pure-Python engine needs a minute for 10,000 images.
        Returns False when a stop cut it short (nothing is reported then)."""
        started = time.perf_counter()
        size = len(self.test_data)
        chunk = EVAL_CHUNK_PYTHON if self.config.engine == "python" else size
        loss_sum, predicted, probabilities = 0.0, [], []
        for start in range(0, size, chunk):
            if self._stop.is_set():
                return False  # abandoned: no half evaluation is reported
            part = self.engine.predict(self.test_data, start, min(start + chunk, size))
            loss_sum += part.loss * len(part.predicted)
            predicted += part.predicted
            probabilities += part.probabilities
        predictions = Predictions(loss_sum / size, predicted, probabilities)
        evaluated = summarise(
            predictions,
            self.test_data,
            epoch=self.epoch,
            step=self.step,
            seconds=time.perf_counter() - started,
        )
        self.history.evaluations.append(record(evaluated))
        self.emit(evaluated)
        return True

    # ----------------------------------------------------------------- sample views
    def _maybe_sample(self, train_index: int) -> None:
        now = time.perf_counter()
        due = self.sample_interval is not None and now - self._last_sample >= self.sample_interval
        if due or self._sample_requested:
            self._sample_requested = False
            self._last_sample = now
            self._emit_sample("train", train_index)

    def _emit_sample(self, source: str, index: int, saliency_target: int | None = None) -> None:
        data = self.train_data if source == "train" else self.test_data
        image = data.image(index)
        inspection = self.engine.inspect(image)
        probabilities = inspection.probabilities
        predicted = max(range(len(probabilities)), key=probabilities.__getitem__)
        layers: tuple[ConvView, ...] = inspection.layers
        saliency: tuple[float, ...] = ()
        if saliency_target is not None:
            saliency = tuple(self.engine.saliency(image, saliency_target))
        self.emit(
            SampleViewed(
                step=self.step,
                source=source,
                index=index,
                label=data.labels[index],
                image=bytes(image),
                probabilities=probabilities,
                predicted=predicted,
                layers=layers,
                saliency=saliency,
                saliency_target=-1 if saliency_target is None else saliency_target,
            )
        )

    # ----------------------------------------------------------------- commands
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
                self.emit(Paused(self.step, "requested"))
            case Resume():
                self._steps_left = 0
                if self.paused:
                    self.paused = False
                    self.history.changes.append(Change(self.step, "resumed"))
                self._window_start = time.perf_counter()
                self.emit(Resumed(self.step))
            case Step(batches=batches):
                if not self.paused:
                    self._refuse(command, "step works while paused; pause first")
                elif not isinstance(batches, int) or not 1 <= batches <= 100_000:
                    self._refuse(command, f"step count {batches!r} is outside 1–100000")
                else:
                    self._steps_left = batches
                    self._window_start = time.perf_counter()
            case SetHyperparameters():
                self._set_hyperparameters(command)
            case Evaluate():
                self._flush()
                self._evaluate()
            case RequestSample(test_index=test_index, saliency_target=target):
                if test_index is not None:
                    if not isinstance(test_index, int) or not 0 <= test_index < len(self.test_data):
                        self._refuse(command, f"test index {test_index!r} is out of range")
                    elif target is not None and target not in range(10):
                        self._refuse(command, f"saliency class {target!r} is not a digit 0–9")
                    else:
                        self._emit_sample("test", test_index, target)
                elif self.paused:
                    position = min(self.position, len(self.train_data) - 1)
                    order = data_order(self.config.seed, self.epoch, len(self.train_data))
                    self._emit_sample("train", order[position])
                else:
                    self._sample_requested = True
            case SaveSnapshot():
                self._flush()
                if self.snapshot_dir is None:
                    self.emit(SnapshotFailed(self.step, "snapshots are off (no snapshot folder)"))
                else:
                    self._save_snapshot()
            case Stop(save=save):
                self.request_stop(save)
            case _:
                self._refuse(command, f"unknown command {type(command).__name__}")

    def _refuse(self, command: object, reason: str) -> None:
        self.emit(CommandRefused(self.step, type(command).__name__, reason))

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

    # ----------------------------------------------------------------- snapshots, stopping
    def _stopped(self) -> Finished:
        self._flush()
        if self._stop_save:
            self._save_snapshot_if_enabled()
        return Finished(self.step, self.epoch, "stopped")

    def _save_snapshot_if_enabled(self, at_epoch_end: bool = False) -> None:
        if self.snapshot_dir is not None:
            self._save_snapshot(at_epoch_end)

    def _save_snapshot(self, at_epoch_end: bool = False) -> None:
        from cnn_tui.core.snapshot.store import (  # NumPy only when saving
            SnapshotError,
            save_snapshot,
        )

        state = self.capture_state()
        if at_epoch_end:  # saved as the start of the next epoch, so a resume begins there
            state = replace(state, epoch=self.epoch + 1, position=0)
        try:
            path = save_snapshot(state, self.snapshot_dir, run_name=self.run_name)
        except SnapshotError as error:
            self.emit(SnapshotFailed(self.step, str(error)))
        else:
            self.emit(SnapshotSaved(self.step, str(path)))
