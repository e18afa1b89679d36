"""Provides ``run_headless``: training with a progress bar instead of the dashboard.

The trainer runs in the main thread; SIGINT (Ctrl+C) and SIGTERM ask it to stop at the next batch
boundary, save a snapshot and exit 130 / 143. Imports no Textual.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import IO

from cnn_tui.core.contract.config import RunConfig
from cnn_tui.core.contract.events import (
    BatchesEnded,
    CommandRefused,
    Diverged,
    Evaluated,
    Event,
    Finished,
    SnapshotFailed,
    SnapshotSaved,
    TrainingStarted,
)
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.training.learning_check import LearningCheck, Stuck

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_DATA, EXIT_SNAPSHOT = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


def use_one_blas_thread() -> None:
    """One BLAS thread is faster and steadier on two shared cores (design.md); must run before
    NumPy is imported. An explicit setting by the user wins."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def format_duration(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Draws training progress on a stream: one rewritten line on a terminal, a line every
    ``interval`` seconds otherwise; evaluations and notices always on their own line."""

    BAR = 20

    def __init__(self, stream: IO[str], interval: float = 10.0) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.interval = 0.2 if self.tty else interval
        self.epochs = 1
        self.last_draw = time.perf_counter()  # the first line after one interval
        self.line_open = False
        self.silenced = False
        self.rate = 0.0  # smoothed images/s
        self.loss_ema: float | None = None
        self.acc_ema: float | None = None
        self.first_losses: list[float] = []
        self.last: BatchesEnded | None = None
        self.evaluation: Evaluated | None = None
        self.start = time.perf_counter()

    def started(self, event: TrainingStarted) -> None:
        self.epochs = event.epochs
        what = "resuming" if event.step else "training"
        epochs = f"{event.epochs} epoch{'' if event.epochs == 1 else 's'}"
        self.say(
            f"{what} {event.architecture} with the {event.engine} engine on "
            f"{event.train_size:,} images (test {event.test_size:,}): {epochs}, "
            f"batch {event.batch_size}, lr {event.lr:g}, momentum {event.momentum:g}, "
            f"seed {event.seed}"
        )

    def batches(self, event: BatchesEnded) -> None:
        self.last = event
        for loss, accuracy in zip(event.losses, event.accuracies, strict=True):
            # Exponential moving averages, so the line shows a trend rather than noise.
            self.loss_ema = loss if self.loss_ema is None else 0.98 * self.loss_ema + 0.02 * loss
            self.acc_ema = (
                accuracy if self.acc_ema is None else 0.98 * self.acc_ema + 0.02 * accuracy
            )
            if len(self.first_losses) < 100:
                self.first_losses.append(loss)
        self.rate = (
            event.images_per_s if not self.rate else 0.8 * self.rate + 0.2 * event.images_per_s
        )
        now = time.perf_counter()
        if now - self.last_draw >= self.interval:
            self.last_draw = now
            self.draw()

    def draw(self) -> None:
        event = self.last
        if event is None or self.loss_ema is None or self.acc_ema is None:
            return
        done = event.position / event.train_size
        filled = int(done * self.BAR)
        bar = "█" * filled + "░" * (self.BAR - filled)
        remaining = (self.epochs - event.epoch + 1 - done) * event.train_size
        eta = format_duration(remaining / self.rate) if self.rate else "?"
        line = (
            f"epoch {event.epoch}/{self.epochs} {bar} {done:4.0%}  step {event.last_step:,}  "
            f"loss {self.loss_ema:.4f}  acc {self.acc_ema:6.1%}  "
            f"{self.rate:,.0f} img/s  ETA {eta}"
        )
        if self.tty:
            self._write("\r\x1b[2K" + line)
            self.line_open = True
        else:
            self._write(line + "\n")

    def evaluated(self, event: Evaluated) -> None:
        self.evaluation = event
        self.say(
            f"epoch {event.epoch} step {event.step:,}: test loss {event.loss:.4f}, "
            f"accuracy {event.accuracy:.2%} ({event.size:,} images, {event.seconds:.1f} s)"
        )

    def say(self, text: str) -> None:
        if self.line_open:
            self._write("\r\x1b[2K")
            self.line_open = False
        self._write(text + "\n")

    def _write(self, text: str) -> None:
        """Write and flush; a closed pipe (``| head``) silences progress, not the training."""
        if self.silenced:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.silenced = True


CRASH_LOG = "cnn-tui.log"
CRASH_LOG_LIMIT = 1_000_000
"""Bytes: past this, the run folder's log is moved to cnn-tui.log.1 and a new one begun."""


def write_crash_log(folder: Path | None) -> str:
    """Append the traceback being handled to ``folder``/cnn-tui.log (the run's snapshot folder),
    or to a new file of its own in the temp folder when there is none or it cannot be written.

    Returns where it went, for the one-line message.
    """
    text = traceback.format_exc()
    if folder is not None:
        log = folder / CRASH_LOG
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if log.exists() and log.stat().st_size > CRASH_LOG_LIMIT:
                log.replace(log.with_name(CRASH_LOG + ".1"))
            with open(log, "a", encoding="utf-8", errors="backslashreplace") as file:
                file.write(text)
            return str(log)
        except OSError:
            pass  # a read-only or full run folder: a file of its own instead
    try:
        handle, name = tempfile.mkstemp(prefix="cnn-tui-", suffix=".log")
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as file:
            file.write(text)
    except OSError:
        return "no log: nowhere to write one"
    return name


def run_headless(
    config: RunConfig,
    data_dir: Path,
    *,
    limit: int | None = None,
    test_limit: int | None = None,
    state: RunState | None = None,
    resumed_from: str | None = None,
    snapshot_dir: Path | None = None,
    run_name: str = "run",
    metrics_path: Path | None = None,
    stream: IO[str] | None = None,
) -> int:
    """Train to the end (or to an interrupt) and print a summary; returns the exit code."""
    use_one_blas_thread()
    from cnn_tui.core.contract.config import ConfigError
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.core.data.load import load_mnist
    from cnn_tui.core.training.metrics import MetricsWriter
    from cnn_tui.core.training.trainer import Trainer

    err = stream or sys.stderr
    try:
        train, test = load_mnist(data_dir, limit=limit, test_limit=test_limit)
    except DataError as error:
        err.write(f"cnn-tui: {error}\n")
        return EXIT_DATA
    if state is not None and (state.train_size, state.test_size) != (len(train), len(test)):
        err.write(
            f"cnn-tui: the snapshot was trained on {state.train_size:,} images and tested on "
            f"{state.test_size:,}; these flags give {len(train):,} and {len(test):,} "
            "(use the same --limit and --test-limit)\n"
        )
        return EXIT_SNAPSHOT
    metrics_file: IO[str] | None = None
    if metrics_path is not None:
        try:
            metrics_file = open(  # noqa: SIM115 - closed in the finally below
                metrics_path, "w", encoding="utf-8", errors="backslashreplace"
            )
        except OSError as error:
            err.write(f"cnn-tui: cannot write metrics file {metrics_path}: {error.strerror}\n")
            return EXIT_USAGE
    writer = MetricsWriter(metrics_file) if metrics_file else None
    progress = Progress(err)
    diverged: list[Diverged] = []
    snapshots: list[str] = []
    trainer: Trainer | None = None

    learning = LearningCheck()
    lr = config.hyper.lr  # the learning rate in force (headless runs do not change it)

    def on_event(event: Event) -> None:
        nonlocal writer, lr
        stuck: Stuck | None = None
        if writer is not None:
            try:
                writer.write(event)
            except OSError as error:  # a full disk must not end the run: warn once, go on
                writer = None
                progress.say(
                    f"cnn-tui: metrics file {metrics_path}: {error.strerror or error}; "
                    "no more metrics are written, training goes on"
                )
        match event:
            case TrainingStarted():
                progress.started(event)
            case BatchesEnded():
                progress.batches(event)
                stuck = learning.batches(event.losses, event.lr)
                lr = event.lr
            case Evaluated():
                progress.evaluated(event)
                stuck = learning.evaluated(event.accuracy, lr)
            case Diverged():
                diverged.append(event)
                progress.say(f"diverged: {event.message}")
                assert trainer is not None
                trainer.request_stop(save=False)  # nobody is here to lower the lr
            case SnapshotSaved():
                snapshots.append(event.path)
                progress.say(f"snapshot saved: {event.path}")
            case SnapshotFailed():
                progress.say(f"snapshot failed: {event.reason}")
            case CommandRefused():
                progress.say(f"refused: {event.reason}")
        if stuck:
            progress.say(f"warning: {stuck.reason} — try a {stuck.move} --lr")

    try:
        trainer = Trainer(
            config,
            train,
            test,
            emit=on_event,
            state=state,
            snapshot_dir=snapshot_dir,
            run_name=run_name,
            batch_interval=0.1,
            sample_interval=None,
        )
    except ConfigError as error:
        err.write(f"cnn-tui: {error}\n")
        return EXIT_USAGE
    trainer.resumed_from = resumed_from

    received: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        if not received:
            progress.say(
                f"{signal.Signals(signum).name}: stopping after this batch "
                "(press Ctrl+C again to quit at once)"
            )
        elif signum == signal.SIGINT:
            raise KeyboardInterrupt
        received.append(signum)
        if len(received) == 1:  # a nested call would deadlock in Event.set (5 SIGTERMs, E6)
            trainer.request_stop(save=True)

    previous = {
        sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    try:
        finished = trainer.run()
    except KeyboardInterrupt:
        progress.say(f"interrupted at step {trainer.step:,} (epoch {trainer.epoch}); not saved")
        return EXIT_INTERRUPTED
    except ConfigError as error:  # e.g. a batch that does not fit in memory
        progress.say(f"cnn-tui: {error}")
        return EXIT_USAGE
    except Exception:
        log = write_crash_log(snapshot_dir)
        kind, value = sys.exc_info()[:2]
        err.write(
            f"cnn-tui: training failed: {value!s} ({getattr(kind, '__name__', '')}); "
            f"details in {log}\n"
        )
        return EXIT_FAILED
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_IGN if received and sig != signal.SIGINT else handler)
        if metrics_file is not None:
            with contextlib.suppress(OSError):  # already reported when a write failed
                metrics_file.close()

    _summarise(progress, finished, snapshots, sys.stdout)
    if diverged:
        err.write(f"cnn-tui: {diverged[-1].message}\n")
        return EXIT_FAILED
    if received:
        return EXIT_INTERRUPTED if received[0] == signal.SIGINT else EXIT_TERMINATED
    return EXIT_OK


def _summarise(progress: Progress, finished: Finished, snapshots: list[str], out: IO[str]) -> None:
    progress.draw()
    progress.say("")
    elapsed = format_duration(time.perf_counter() - progress.start)
    verb = {"finished": "finished", "stopped": "stopped"}.get(finished.reason, finished.reason)
    lines = [f"{verb} at epoch {finished.epoch}, step {finished.step:,} after {elapsed}"]
    if progress.first_losses and progress.loss_ema is not None:
        start = sum(progress.first_losses) / len(progress.first_losses)
        lines.append(
            f"training loss {start:.3f} (mean of the first {len(progress.first_losses)} "
            f"batches) → {progress.loss_ema:.3f} (recent average)"
        )
    if progress.evaluation is not None:
        e = progress.evaluation
        lines.append(f"test accuracy {e.accuracy:.2%}, test loss {e.loss:.4f} (step {e.step:,})")
    if snapshots:
        lines.append(f"last snapshot: {snapshots[-1]}")
    with contextlib.suppress(OSError):  # stdout closed early (| head): the run still counts
        out.write("\n".join(lines) + "\n")
        out.flush()
