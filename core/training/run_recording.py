"""Provides ``RunRecording``: the run folder kept up to date from the trainer's own events.

It sits in front of the trainer's ``emit`` (dashboard and headless alike, in the trainer's
process) and, for every event, appends the metrics lines (``metrics.py``) to the run folder's
``metrics.jsonl`` — whole lines, one ``write`` each on a file opened for appending, so a resumed
run adds to its own file and a crash can tear at most the last line (which the next session
ends with a newline, so its own lines stay whole) — and keeps ``run.json``
(``core/runs/record.py``) current: at the start, after each evaluation, on a hyperparameter
change, on a snapshot, every few seconds while training, and at the end with the final state.
A file that cannot be written is said once (a ``Notice``) and training goes on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from cnn_tui.core.contract.events import (
    BatchesEnded,
    Diverged,
    Evaluated,
    Event,
    Finished,
    HyperparametersChanged,
    Notice,
    SnapshotSaved,
    TrainingStarted,
)
from cnn_tui.core.remote.codec import json_line
from cnn_tui.core.runs.folder import METRICS_FILE, create_run_folder, now_iso
from cnn_tui.core.runs.plan import RunPlan
from cnn_tui.core.runs.record import (
    HyperChange,
    RunHyperparameters,
    RunRecord,
    RunRecordError,
    read_run,
    write_run,
)
from cnn_tui.core.training.metrics import event_records

REFRESH_SECONDS = 5.0
"""While training, run.json's step count is brought up to date at most this often."""

_VALUES = ("lr", "momentum", "weight_decay", "batch_size", "epochs")


class RunRecording:
    """An ``emit`` that records each event in ``plan``'s folder, then passes it on to ``emit``."""

    def __init__(self, plan: RunPlan, emit: Callable[[Event], None]) -> None:
        self.plan = plan
        self.emit = emit
        self.folder = plan.path
        self.record: RunRecord | None = None
        self._metrics_ok = True
        self._checked_end = False  # whether a torn last line left by a crash was looked for
        self._record_ok = True
        self._diverged = False  # the last thing that happened was a divergence
        self._written_at = 0.0

    def __call__(self, event: Event) -> None:
        problems = self._metrics(event) + self._update(event)
        self.emit(event)
        for title, message in problems:
            notice = Notice(getattr(event, "step", 0), title, message)
            self._metrics(notice)
            self.emit(notice)

    # ----------------------------------------------------------------- metrics.jsonl
    def _metrics(self, event: Event) -> list[tuple[str, str]]:
        records = event_records(event)
        if not records or not self._metrics_ok:
            return []
        data = "".join(json_line(r) for r in records).encode("utf-8", "backslashreplace")
        path = self.folder / METRICS_FILE
        try:
            create_run_folder(self.folder)
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                if not self._checked_end:  # a crash tore the last line: end it, start afresh
                    self._checked_end = True
                    size = os.fstat(fd).st_size
                    if size and os.pread(fd, 1, size - 1) != b"\n":
                        data = b"\n" + data
                view = memoryview(data)
                while view:  # a short write (a signal, a nearly full disk) goes on where it was
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
        except OSError as error:
            self._metrics_ok = False
            reason = f"{path}: {error.strerror or error}; no more metrics are written there"
            return [("Metrics not written", reason + ", training goes on")]
        return []

    # ----------------------------------------------------------------- run.json
    def _update(self, event: Event) -> list[tuple[str, str]]:
        if isinstance(event, TrainingStarted):
            self.record = self._opening(event)
            return self._write()
        record = self.record
        if record is None:
            return []
        write = True
        match event:
            case BatchesEnded():
                self._diverged = False
                done = event.epoch if event.position >= event.train_size else event.epoch - 1
                record = replace(
                    record, steps=event.last_step, epochs_done=max(record.epochs_done, done)
                )
                write = time.monotonic() - self._written_at >= REFRESH_SECONDS
            case Evaluated():
                if record.best_accuracy is None or event.accuracy > record.best_accuracy:
                    record = replace(record, best_accuracy=event.accuracy, best_step=event.step)
            case HyperparametersChanged():
                changes = tuple(
                    HyperChange(event.step, what, getattr(event, what))
                    for what in event.changed
                    if what in _VALUES
                )
                record = replace(record, changes=record.changes + changes)
            case SnapshotSaved():
                record = replace(record, steps=max(record.steps, event.step))
            case Diverged():
                self._diverged, write = True, False
            case Finished():
                record = self._closing(record, event)
            case _:
                write = False
        self.record = record
        return self._write() if write else []

    def _opening(self, event: TrainingStarted) -> RunRecord:
        """The record at the start: a new one, or the continued run's with its new start."""
        plan = self.plan
        hyper = RunHyperparameters(
            lr=event.lr,
            momentum=event.momentum,
            weight_decay=event.weight_decay,
            batch_size=event.batch_size,
            epochs=event.epochs,
            seed=event.seed,
        )
        fresh = RunRecord(
            name=plan.name,
            folder=self.folder.name,
            started=plan.started,
            engine=event.engine,
            architecture=event.architecture,
            dataset=event.dataset,
            hyperparameters=hyper,
            parent_run=plan.parent_run,
            parent_step=plan.parent_step,
            steps=event.step,
            epochs_done=event.epoch - 1,
        )
        previous = None
        if plan.continuing:
            try:
                previous = read_run(self.folder)
            except RunRecordError:
                previous = None  # checked when the run was planned; gone since: begin anew
        if previous is not None:
            fresh = replace(
                previous,
                engine=event.engine,
                changes=previous.changes + _changed_on_resume(previous, hyper, event.step),
                steps=event.step,
                epochs_done=event.epoch - 1,
                note="",
            )
        return replace(fresh, state="running", pid=os.getpid())

    def _closing(self, record: RunRecord, event: Finished) -> RunRecord:
        """The record at the end: the state the run ended in, and why."""
        if event.reason == "finished" or event.message == "--steps reached":
            state, note = "finished", event.message
        elif event.reason == "failed":
            state, note = "interrupted", f"failed: {event.message}"
        else:
            state, note = ("diverged" if self._diverged else "interrupted"), event.message
        done = event.epoch if event.reason == "finished" else record.epochs_done
        note = " ".join(note.split())[:200]  # one line
        steps = max(record.steps, event.step)
        return replace(record, state=state, note=note, steps=steps, epochs_done=done)

    def _write(self) -> list[tuple[str, str]]:
        if self.record is None or not self._record_ok:
            return []
        self.record = replace(self.record, updated=now_iso())
        self._written_at = time.monotonic()
        try:
            create_run_folder(self.folder)
            write_run(self.folder, self.record)
        except OSError as error:
            self._record_ok = False
            path = Path(self.folder) / "run.json"
            return [("Run record not written", f"{path}: {error.strerror or error}")]
        return []


def _changed_on_resume(
    previous: RunRecord, hyper: RunHyperparameters, step: int
) -> tuple[HyperChange, ...]:
    """The values a resume changed (flags that override the snapshot's), as changes at ``step``."""
    current: dict[str, float] = {what: getattr(previous.hyperparameters, what) for what in _VALUES}
    for change in previous.changes:
        current[change.what] = change.value
    return tuple(
        HyperChange(step, what, getattr(hyper, what))
        for what in _VALUES
        if getattr(hyper, what) != current[what]
    )
