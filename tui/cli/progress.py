"""Provides ``HeadlessProgress``: a headless run's progress on stderr, drawn with ``rich.progress``.

On a terminal one line — epoch, bar, share of the epoch done, step, smoothed loss and accuracy,
images/s, ETA — is rewritten in place five times a second; anywhere else (a pipe, a file,
``TERM=dumb``) the same line is printed as plain text every ``interval`` seconds. The start line,
evaluations, warnings and notices always get a line of their own, above the live one. A closed
stream (``| head``) silences the progress, never the training. Imports no Textual.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, TaskID, TextColumn
from rich.text import Text

from cnn_tui.core.contract.events import BatchesEnded, Evaluated, TrainingStarted
from cnn_tui.tui.formatting import duration_clock

SMOOTHING = 0.98
"""Weight of the past in the loss and accuracy moving averages: the line shows the trend."""

RATE_SMOOTHING = 0.8
"""Weight of the past in the images/s average (one sample per ``BatchesEnded``)."""

FIRST_LOSSES = 100
"""The summary's "from" loss is the mean of this many first batches."""

BAR_WIDTH = 20
TERMINAL_INTERVAL = 0.2
"""Seconds between redraws of the live line on a terminal."""

PLAIN_WIDTH = 1000
"""Columns of the plain (not a terminal) console: the progress line is never cropped there."""


def _columns() -> tuple[ProgressColumn, ...]:
    """The progress line, left to right; the numbers are fields of the one task."""
    return (
        TextColumn("epoch {task.fields[epoch]}/{task.fields[epochs]}", markup=False),
        BarColumn(bar_width=BAR_WIDTH),
        TextColumn("{task.percentage:>3.0f}% ", markup=False),
        TextColumn("step {task.fields[step]:,} ", markup=False),
        TextColumn("loss {task.fields[loss]:.4f} ", markup=False),
        TextColumn("acc {task.fields[accuracy]:6.1%} ", markup=False),
        TextColumn("{task.fields[rate]:,.0f} img/s ", markup=False),
        TextColumn("ETA {task.fields[eta]}", markup=False),
    )


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except ValueError:  # closed
        return False


class HeadlessProgress:
    """Follows a run's events and draws its progress on ``stream``; also keeps what the summary
    needs (the smoothed loss, the first losses, the latest evaluation, the start time)."""

    def __init__(self, stream: IO[str], interval: float = 10.0) -> None:
        tty = _is_terminal(stream)
        self.console = Console(
            file=stream,
            force_terminal=tty,  # a pipe stays plain even with FORCE_COLOR set
            width=None if tty else PLAIN_WIDTH,
            highlight=False,
            markup=False,
            emoji=False,
            soft_wrap=True,  # a long notice (a path) is one line, as the terminal wraps it
        )
        self.live = self.console.is_terminal and not self.console.is_dumb_terminal
        self.interval = TERMINAL_INTERVAL if self.live else interval
        self.progress = Progress(
            *_columns(),
            console=self.console,
            auto_refresh=False,  # redrawn from the training thread: no refresh thread
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.task: TaskID | None = None
        self.live_started = False
        self.stopped = False  # the live line has ended: nothing is drawn after that
        self.silenced = False
        self.epochs = 1
        self.last_draw = time.perf_counter()  # the first line after one interval
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
            # Exponential moving averages: ema ← s·ema + (1 − s)·x, s = SMOOTHING.
            self.loss_ema = loss if self.loss_ema is None else _ema(self.loss_ema, loss)
            self.acc_ema = accuracy if self.acc_ema is None else _ema(self.acc_ema, accuracy)
            if len(self.first_losses) < FIRST_LOSSES:
                self.first_losses.append(loss)
        rate = event.images_per_s
        self.rate = rate if not self.rate else _ema(self.rate, rate, RATE_SMOOTHING)
        now = time.perf_counter()
        if now - self.last_draw >= self.interval:
            self.last_draw = now
            self.draw()

    def draw(self) -> None:
        """Show the latest batch: redraw the live line, or print a plain one."""
        event = self.last
        if event is None or self.loss_ema is None or self.acc_ema is None:
            return
        if self.silenced or self.stopped:
            return
        done = event.position / event.train_size  # of this epoch
        remaining = (self.epochs - event.epoch + 1 - done) * event.train_size  # images
        if self.task is None:
            self.task = self.progress.add_task("", total=event.train_size)
        self.progress.update(
            self.task,
            total=event.train_size,
            completed=event.position,
            epoch=event.epoch,
            epochs=self.epochs,
            step=event.last_step,
            loss=self.loss_ema,
            accuracy=self.acc_ema,
            rate=self.rate,
            eta=duration_clock(remaining / self.rate) if self.rate else "?",
        )
        if not self.live:
            self._guarded(self.console.print, self.progress.make_tasks_table(self.progress.tasks))
        elif self.live_started:
            self._guarded(self.progress.refresh)
        else:
            self.live_started = True
            self._guarded(self.progress.start)

    def evaluated(self, event: Evaluated) -> None:
        self.evaluation = event
        self.say(
            f"epoch {event.epoch} step {event.step:,}: test loss {event.loss:.4f}, "
            f"accuracy {event.accuracy:.2%} ({event.size:,} images, {event.seconds:.1f} s)"
        )

    def say(self, text: str) -> None:
        """A line of its own (above the live line while there is one)."""
        self._guarded(self.console.print, Text(text))

    def finish(self) -> None:
        """The last state on screen, then a blank line before the summary."""
        self.draw()
        self.stop()
        self.say("")

    def stop(self) -> None:
        """End the live line, leaving its last state on screen (idempotent)."""
        self.stopped = True
        if self.live_started:
            self.live_started = False
            if self.silenced:
                return
            with contextlib.suppress(OSError, ValueError):
                self.progress.stop()

    def _guarded(self, draw: Callable[..., object], *args: object) -> None:
        """Run a Rich call; a stream that cannot be written (``| head``, a full disk) silences
        the progress from then on instead of ending the run."""
        if self.silenced:
            return
        try:
            draw(*args)
        except (OSError, ValueError):
            self.silenced = True


def _ema(average: float, sample: float, smoothing: float = SMOOTHING) -> float:
    return smoothing * average + (1 - smoothing) * sample
