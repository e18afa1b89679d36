"""Provides the links between a UI and a trainer: the same interface over a process or a thread.

A link carries commands to the trainer and events back, and nothing else. ``ProcessLink`` (spawn)
is what the app uses: it keeps ~90–97 % of headless speed on two cores, and a busy trainer can
never starve the UI. ``ThreadLink`` runs the same trainer in a thread (debugging, tests).
UI tests, the demo and the benchmarks use a fake with the same interface (tui/demo/fake_link.py).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.process
import os
import queue
import signal
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cnn_tui.core.contract.commands import Command, Stop
from cnn_tui.core.contract.config import ConfigError, RunConfig
from cnn_tui.core.contract.events import Event, Finished
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.runs.plan import RunPlan
from cnn_tui.core.snapshot.retention import DEFAULT_KEEP
from cnn_tui.core.training.trainer import CommandSource, Emit


class TrainerLink(Protocol):
    """What the UI sees of a trainer."""

    def start(self) -> None:
        """Start the trainer (non-blocking)."""
        ...

    def send(self, command: Command) -> None:
        """Queue a command; the trainer applies it between batches and answers with an event."""
        ...

    def drain(self, max_events: int = 1000) -> list[Event]:
        """Every event that has arrived, oldest first (at most ``max_events``); never blocks."""
        ...

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the trainer to stop, wait up to ``timeout`` s, then make sure nothing is left."""
        ...

    @property
    def alive(self) -> bool:
        """True while the trainer runs."""
        ...


@dataclass(frozen=True, slots=True)
class TrainerSpec:
    """Everything a trainer needs, in a form that crosses a process boundary (data is loaded
    by the trainer itself, so 47 MB of images are never pickled)."""

    config: RunConfig
    data_dir: str
    limit: int | None = None
    test_limit: int | None = None
    state: RunState | None = None
    resumed_from: str | None = None
    snapshot_dir: str | None = None
    run_name: str = "run"
    keep: int | None = DEFAULT_KEEP  # snapshots kept besides the best (None: all)
    max_steps: int | None = None  # --steps: stop once the run has taken this many
    start_paused: bool = False
    evaluate_on_resume: bool = True  # a UI shows the resumed run's mistakes (``m``)
    batch_interval: float = 0.05
    sample_interval: float | None = 0.3
    log_path: str | None = None
    extensions: tuple[str, ...] = ()  # features riding along, by name (extensions.py)
    run: RunPlan | None = None  # the run folder the trainer keeps (core/runs/plan.py)


def run_trainer(spec: TrainerSpec, commands: CommandSource, emit: Emit) -> None:
    """Load the data and train; every failure is reported as a ``Finished`` event."""
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.core.data.load import load_mnist
    from cnn_tui.core.training.extensions import make_extensions
    from cnn_tui.core.training.trainer import Trainer

    try:
        train, test = load_mnist(Path(spec.data_dir), limit=spec.limit, test_limit=spec.test_limit)
        trainer = Trainer(
            spec.config,
            train,
            test,
            emit=emit,
            commands=commands,
            state=spec.state,
            snapshot_dir=Path(spec.snapshot_dir) if spec.snapshot_dir else None,
            run_name=spec.run_name,
            keep=spec.keep,
            max_steps=spec.max_steps,
            batch_interval=spec.batch_interval,
            sample_interval=spec.sample_interval,
            start_paused=spec.start_paused,
            evaluate_on_resume=spec.evaluate_on_resume,
            extensions=make_extensions(spec.extensions),
            run=spec.run,
        )
        trainer.resumed_from = spec.resumed_from
    except (DataError, ConfigError) as error:
        emit(Finished(0, 0, "failed", str(error)))
        return
    except Exception as error:  # a bug: say so in one line, keep the trace for the log
        traceback.print_exc()
        emit(Finished(0, 0, "failed", f"the trainer could not start: {error}"))
        return
    try:
        trainer.run()
    except Exception:  # already reported as Finished(failed); keep the trace for the log
        traceback.print_exc()


def _process_main(spec: TrainerSpec, commands: Any, events: Any) -> None:
    """Entry point of the trainer process (spawned: a fresh interpreter)."""
    # One BLAS thread: measured here, two BLAS threads fell to a fraction of one thread's speed
    # whenever anything else (the UI) ran on a 2-core machine; one stays steady.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    # The terminal belongs to the UI: a stray print must not draw over it.
    log = os.open(spec.log_path or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    # Ctrl+C and quitting are the UI's to handle; it sends Stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    run_trainer(spec, commands, events.put)
    events.close()
    events.join_thread()


class ProcessLink:
    """The trainer in a separate, spawned process; events and commands through two queues.

    Call ``prepare()`` (or construct the link) before a Textual app starts: multiprocessing's
    resource tracker fails to start from inside a running app (seen with Textual 8).
    """

    def __init__(self, spec: TrainerSpec) -> None:
        self.spec = spec
        self._context = multiprocessing.get_context("spawn")
        self._commands = self._context.Queue()
        self._events = self._context.Queue()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._finished = False

    def start(self) -> None:
        self._process = self._context.Process(
            target=_process_main,
            args=(self.spec, self._commands, self._events),
            name="cnn-tui-trainer",
            daemon=True,
        )
        self._process.start()

    def send(self, command: Command) -> None:
        if self.alive:
            self._commands.put(command)

    def drain(self, max_events: int = 1000) -> list[Event]:
        events: list[Event] = []
        while len(events) < max_events:
            try:
                event = self._events.get_nowait()
            except (queue.Empty, OSError, ValueError, EOFError):
                break
            events.append(event)
            if isinstance(event, Finished):
                self._finished = True
        if not events and self._process is not None and not self.alive and not self._finished:
            self._finished = True  # died without a word (killed): say so once
            code = self._process.exitcode
            events.append(Finished(0, 0, "failed", f"the trainer process ended (exit code {code})"))
        return events

    def stop(self, timeout: float = 5.0) -> None:
        process = self._process
        if process is None:
            return
        if process.is_alive():
            self._commands.put(Stop(save=False))
            process.join(timeout)
        if process.is_alive():
            process.terminate()
            process.join(1.0)
        if process.is_alive():
            process.kill()
            process.join(1.0)
        for q in (self._commands, self._events):
            q.cancel_join_thread()
            q.close()

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()


class ThreadLink:
    """The trainer in a thread of this process (debugging and tests; slower than a process)."""

    def __init__(self, spec: TrainerSpec) -> None:
        self.spec = spec
        self._commands: queue.Queue[Command] = queue.Queue()
        self._events: queue.Queue[Event] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(
            target=run_trainer,
            args=(self.spec, self._commands, self._events.put),
            name="cnn-tui-trainer",
            daemon=True,
        )
        self._thread.start()

    def send(self, command: Command) -> None:
        self._commands.put(command)

    def drain(self, max_events: int = 1000) -> list[Event]:
        events: list[Event] = []
        while len(events) < max_events:
            try:
                events.append(self._events.get_nowait())
            except queue.Empty:
                break
        return events

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._commands.put(Stop(save=False))
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()
