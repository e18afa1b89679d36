"""Provides ``Trainer``: the only training loop. It emits events and takes commands between batches.

The same loop serves the dashboard (in a separate process, see ``link.py``) and headless runs (in
the main thread). Data order is a pure function of (seed, epoch) (``data_order.py``), so a run's
position is just (epoch, images consumed): that is what makes an exact resume possible.

The loop's helpers live beside it, one job each: ``command_handling.py`` (the answer to every
command), ``batch_report.py`` (coalescing steps into ``BatchesEnded``), ``good_copy.py`` (the
weights a divergence falls back on), ``sample_views.py``, ``snapshot_saving.py`` and
``evaluation.py``; the features that ride along are extensions (``extensions.py``).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from cnn_tui.core.contract.config import Hyperparameters, RunConfig
from cnn_tui.core.contract.events import Event, Finished, Notice
from cnn_tui.core.contract.run_state import History, RunState
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines import Engine, make_engine
from cnn_tui.core.runs.plan import RunPlan
from cnn_tui.core.snapshot.retention import DEFAULT_KEEP
from cnn_tui.core.training.announce import opening_events
from cnn_tui.core.training.batch_report import BatchReport
from cnn_tui.core.training.command_handling import CommandHandling, CommandSource
from cnn_tui.core.training.data_checks import changed_test_slice, check_data
from cnn_tui.core.training.data_order import data_order, steps_in_epoch
from cnn_tui.core.training.evaluation import EvaluationStopped, evaluate_test_set, record
from cnn_tui.core.training.extensions import TrainerExtension
from cnn_tui.core.training.good_copy import GoodCopy
from cnn_tui.core.training.run_recording import RunRecording
from cnn_tui.core.training.sample_views import SampleClock
from cnn_tui.core.training.snapshot_saving import SnapshotSaving

Emit = Callable[[Event], None]

__all__ = ["CommandSource", "Emit", "Trainer"]


class Trainer(CommandHandling):
    """Trains ``config``'s network on ``train``, evaluates on ``test``, and reports via ``emit``.

    Args:
        config: architecture, hyperparameters, epochs, seed, engine.
        train: the training images.
        test: the test images (evaluated at each epoch end and on request).
        emit: called with every event, in order, from the training thread.
        commands: where commands arrive; checked between batches.
        state: a run to resume (from a snapshot); None starts afresh from ``config.seed``.
        snapshot_dir: where snapshots go (epoch ends, requests, a saving stop); None: nowhere.
        run_name: the run's name in snapshot file names.
        keep: how many of its snapshots this trainer keeps besides its best (None: all).
        max_steps: stop (evaluate, save) once the run has taken this many steps in all.
        batch_interval: seconds between ``BatchesEnded`` events (0 sends one per step).
        sample_interval: seconds between ``SampleViewed`` events; None sends them only on request.
        start_paused: wait for ``Resume`` (or ``Step``) before the first batch.
        evaluate_on_resume: evaluate a resumed run first (the dashboard's ``m`` needs mistakes).
        extensions: features riding along (layer health, …): see extensions.py.
        run: the run folder to keep (run.json, metrics.jsonl: run_recording.py); None: none.
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
        keep: int | None = DEFAULT_KEEP,
        max_steps: int | None = None,
        evaluate_on_resume: bool = False,
        extensions: Sequence[TrainerExtension] = (),
        run: RunPlan | None = None,
    ) -> None:
        check_data(config, train, test, state)
        self._test_slice_note = changed_test_slice(state, len(test))
        self.config = config
        self.train_data = train
        self.test_data = test
        self.emit: Emit = emit if run is None else RunRecording(run, emit)
        self.commands = commands
        self.snapshot_dir = snapshot_dir
        self.run_name = run_name
        self.resumed_from: str | None = None
        self.max_steps = max_steps
        self.extensions = tuple(extensions)
        self._snapshots = SnapshotSaving(snapshot_dir, run_name, keep) if snapshot_dir else None
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
        self._steps_left = 0
        self._stop = threading.Event()
        self._stop_save = False
        self._order: list[int] = []  # the data order of epoch ``_order_epoch``
        self._order_epoch = 0
        self._report = BatchReport(self.emit, batch_interval)
        self._samples = SampleClock(sample_interval)
        self._good = GoodCopy()
        self._evaluate_resumed = evaluate_on_resume and bool(self.step and self.history.evaluations)

    # ----------------------------------------------------------------- public API
    # (and ``request_stop``, from CommandHandling)
    def capture_state(self, *, next_epoch: bool = False) -> RunState:
        """The run as it stands between two batches (for a snapshot); ``next_epoch``: as the
        start of the next epoch (the current one is complete)."""
        return RunState(
            config=replace(self.config, hyper=self.hyper),
            epoch=self.epoch + next_epoch,
            position=0 if next_epoch else self.position,
            step=self.step,
            params=self.engine.get_params(),
            velocity=self.engine.get_velocity(),
            history=self.history,
            train_size=len(self.train_data),
            test_size=len(self.test_data),
        )

    @property
    def stopping(self) -> bool:
        """A stop was asked for: the loop ends at the next batch boundary."""
        return self._stop.is_set()

    @property
    def steps_per_epoch(self) -> int:
        return steps_in_epoch(len(self.train_data), self.hyper.batch_size)

    def run(self) -> Finished:
        """Train until every epoch is done or a stop arrives; returns the closing event."""
        self._announce()
        try:
            if self._test_slice_note:  # the snapshot's evaluations are of another test slice
                self.emit(Notice(self.step, "Test set changed", self._test_slice_note))
            if self._test_slice_note or self._evaluate_resumed:  # no snapshot keeps mistakes
                self._evaluate()
            finished = self._loop()
        except Exception as error:  # report, then let the caller log the traceback
            self.emit(Finished(self.step, self.epoch, "failed", f"{type(error).__name__}: {error}"))
            raise
        self.emit(finished)
        return finished

    # ----------------------------------------------------------------- the loop
    def _announce(self) -> None:
        for event in opening_events(
            self.config,
            self.hyper,
            self.history,
            epoch=self.epoch,
            step=self.step,
            position=self.position,
            steps_per_epoch=self.steps_per_epoch,
            train_size=len(self.train_data),
            test_size=len(self.test_data),
            resumed_from=self.resumed_from,
            paused=self.paused,
            reevaluating=self._evaluate_resumed or bool(self._test_slice_note),
        ):
            self.emit(event)

    def _loop(self) -> Finished:
        size = len(self.train_data)
        while self.epoch <= self.config.epochs:
            self._handle_commands()
            if self._stop.is_set():
                return self._stopped()
            if self.max_steps is not None and self.step >= self.max_steps:
                return self._stopped(at_max_steps=True)
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
                    self._paused("stepped")
        self._flush()
        return Finished(self.step, self.config.epochs, "finished")

    def _train_one_batch(self) -> None:
        if self._order_epoch != self.epoch:
            self._order = data_order(self.config.seed, self.epoch, len(self.train_data))
            self._order_epoch = self.epoch
        self._good.keep_if_due(self.engine, self.step)
        indices = self._order[self.position : self.position + self.hyper.batch_size]
        observe = next(filter(None, (e.observation(self) for e in self.extensions)), None)
        try:
            if observe is None:  # (health off: nothing observed, nothing extra computed)
                result = self.engine.train_batch(self.train_data, indices, self.hyper)
            else:
                result = self.engine.train_batch(self.train_data, indices, self.hyper, observe)
        except MemoryError:
            self._fall_back_batch_size()
            return
        if not math.isfinite(result.loss):
            self._diverged(result.loss)
            return
        self.step += 1
        self.position += len(indices)
        accuracy = result.correct / len(indices)
        self._record_step(result.loss, accuracy, len(indices))
        for extension in self.extensions:
            extension.after_step(self, result, indices)
        if self._samples.due():
            self._emit_sample("train", indices[0])

    def _record_step(self, loss: float, accuracy: float, images: int) -> None:
        h = self.history
        h.losses.append(loss)
        h.accuracies.append(accuracy)
        h.lrs.append(self.hyper.lr)
        h.epochs.append(self.epoch)
        if self._report.add(loss, accuracy, images):
            self._flush()

    def _flush(self) -> None:
        """Send the steps not yet reported as one ``BatchesEnded``."""
        self._report.flush(
            epoch=self.epoch,
            step=self.step,
            hyper=self.hyper,
            position=self.position,
            train_size=len(self.train_data),
        )

    def _end_epoch(self) -> None:
        self._flush()
        if not self._evaluate():
            return  # stopped mid-evaluation: the epoch stays unfinished, a resume evaluates it
        self._save_snapshot(at_epoch_end=True)
        self.epoch += 1
        self.position = 0
        self._report.restart_window()

    def _evaluate(self) -> bool:
        """Evaluate on the test set, in chunks so that a stop request (Ctrl+C, quit) is heard
        within one chunk even when the pure-Python engine needs a minute for 10,000 images.
        Returns False when a stop cut it short (nothing is reported then). The same weights
        evaluated again keep the step and epoch of the last record, which is not repeated."""
        last = self.history.evaluations[-1] if self.history.evaluations else None
        again = last if last is not None and last.step == self.step else None
        try:
            evaluated = evaluate_test_set(
                self.engine,
                self.test_data,
                epoch=again.epoch if again else self.epoch,
                step=self.step,
                stop_requested=self._stop.is_set,
            )
        except EvaluationStopped:
            return False
        if again is None or again.confusion != evaluated.confusion:
            self.history.evaluations.append(record(evaluated))
        self.emit(evaluated)
        for extension in self.extensions:
            extension.after_evaluation(self, evaluated)
        return True

    # ----------------------------------------------------------------- snapshots, stopping
    def _stopped(self, *, at_max_steps: bool = False) -> Finished:
        self._flush()
        if at_max_steps:  # --steps: the run's end, with its test result and a snapshot
            self._evaluate()
        if self._stop_save or at_max_steps:
            self._save_snapshot()
        return Finished(self.step, self.epoch, "stopped", "--steps reached" if at_max_steps else "")

    def _save_snapshot(self, at_epoch_end: bool = False) -> None:
        if self._snapshots is None:  # snapshots are off
            return
        # at an epoch end, saved as the start of the next epoch, so a resume begins there
        state = self.capture_state(next_epoch=at_epoch_end)
        self._snapshots.save(state, self.emit, resumed_from=self.resumed_from)
