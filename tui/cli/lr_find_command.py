"""Provides ``lr_find``: ``cnn-tui lr-find [train flags]``, the learning-rate range test without a
dashboard (core/training/lr_find.py does the sweep).

The run the train flags describe (or ``--resume SNAPSHOT``'s) is built as for training, then a
copy of its weights is swept from ``--start`` to ``--end`` over ``--batches`` batches. Progress
lines and, last, the suggestion go to stdout (``suggested lr 0.0316 (steepest descent of the
smoothed loss)``); ``--metrics FILE`` gets the curve as JSON Lines. Nothing else is written: no
snapshot, no run folder. Exit 0 with a suggestion or "no clear descent"; a loss that explodes at
once is one line on stderr and exit 1; Ctrl+C or SIGTERM ends the sweep (130 / 143). Imports
no Textual.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from types import FrameType
from typing import IO, TYPE_CHECKING

from cnn_tui.core.contract.commands import FindLr
from cnn_tui.core.contract.config import EPOCHS_RANGE
from cnn_tui.core.contract.events import Event
from cnn_tui.core.contract.lr_find_events import LrFindEnded, LrFindProgressed, LrFindStarted
from cnn_tui.core.training.lr_curve import sweep_problem
from cnn_tui.tui.cli.exit_codes import ExitCode, fail
from cnn_tui.tui.cli.run_config import UsageError
from cnn_tui.tui.cli.run_source import ResolvedRun, resolve_run

if TYPE_CHECKING:
    from cnn_tui.core.training.metrics import MetricsWriter

PROGRESS_INTERVAL = 1.0
"""Seconds between two progress lines."""

NOT_FOR_LR_FIND = (
    ("serve", "--serve"),
    ("paused", "--paused"),
    ("in_process", "--in-process"),
    ("steps", "--steps"),
)
"""Train flags that mean nothing to a sweep (its length is --batches), refused rather than
silently ignored."""


def lr_find(args: argparse.Namespace) -> int:
    """``cnn-tui lr-find``: sweep, print the suggestion; returns the exit code."""
    for name, flag in NOT_FOR_LR_FIND:
        if getattr(args, name, None):
            hint = " (the sweep's length is --batches)" if flag == "--steps" else ""
            raise UsageError(f"{flag} does not apply to lr-find{hint}")
    problem = sweep_problem(args.start, args.end, args.batches)
    if problem:
        raise UsageError(problem)
    from cnn_tui.tui.cli.headless import use_one_blas_thread

    use_one_blas_thread()  # before --resume loads a snapshot, which imports NumPy
    if args.resume and args.epochs is None:
        args.epochs = EPOCHS_RANGE[1]  # a sweep trains no epoch: a finished run may be swept
    resolved = resolve_run(args)
    if isinstance(resolved, int):
        return resolved
    return _sweep(args, resolved)


def _sweep(args: argparse.Namespace, run: ResolvedRun) -> int:
    from cnn_tui.core.contract.config import ConfigError
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.core.data.load import load_mnist
    from cnn_tui.core.training.data_checks import size_mismatch
    from cnn_tui.core.training.lr_find import LrFinder
    from cnn_tui.core.training.metrics import MetricsWriter
    from cnn_tui.core.training.trainer import Trainer

    try:
        train, test = load_mnist(run.data_dir, limit=args.limit, test_limit=args.test_limit)
    except DataError as error:
        return fail(str(error), ExitCode.DATA)
    if run.state is not None and (mismatch := size_mismatch(run.state, len(train))):
        return fail(mismatch, ExitCode.SNAPSHOT)
    metrics: IO[str] | None = None
    if args.metrics:
        try:
            metrics = open(args.metrics, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as error:
            message = f"cannot write metrics file {args.metrics}: {error.strerror}"
            return fail(message, ExitCode.USAGE)
    writer = MetricsWriter(metrics) if metrics else None
    try:
        printer = SweepPrinter(sys.stdout, writer)
        trainer = Trainer(run.config, train, test, emit=printer, state=run.state)
        received: list[int] = []

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            received.append(signum)
            trainer.request_stop()

        previous = {sig: signal.signal(sig, on_signal) for sig in _SIGNALS}
        try:
            command = FindLr(args.start, args.end, args.batches)
            ended = LrFinder(interval=PROGRESS_INTERVAL).sweep(trainer, command)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    except ConfigError as error:  # e.g. a batch size larger than the --limit'ed set
        return fail(str(error), ExitCode.USAGE)
    finally:
        if metrics is not None:
            with contextlib.suppress(OSError):
                metrics.close()
    if received:
        code = ExitCode.INTERRUPTED if received[0] == signal.SIGINT else ExitCode.TERMINATED
        return fail(ended.message, code)
    if ended.outcome == "diverged":
        return fail(ended.message, ExitCode.FAILED)
    printer.say(ended.message)
    return ExitCode.OK


_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class SweepPrinter:
    """The sweep's events: a line as it starts, a progress line now and then, the metrics file
    (a write that fails stops the file with one warning; the sweep goes on)."""

    def __init__(self, out: IO[str], writer: MetricsWriter | None) -> None:
        self.out = out
        self.writer = writer
        self.batches = 0

    def __call__(self, event: Event) -> None:
        self._write(event)
        match event:
            case LrFindStarted():
                self.batches = event.batches
                self.say(
                    f"lr-find: {event.batches} batches, lr {event.start:.3g} → {event.end:.3g} "
                    f"on a copy of the weights of step {event.step:,}"
                )
            case LrFindProgressed() if event.lrs:
                batch = event.first + len(event.lrs)
                self.say(
                    f"  batch {batch:>4}/{self.batches}  lr {event.lrs[-1]:.3g}  "
                    f"loss {event.losses[-1]:.4f}  smoothed {event.smoothed[-1]:.4f}"
                )
            case LrFindEnded() if event.stop_reason:
                self.say(f"  stopped after {len(event.lrs)} batches: {event.stop_reason}")

    def say(self, line: str) -> None:
        with contextlib.suppress(OSError):  # stdout closed early (| head)
            self.out.write(line + "\n")
            self.out.flush()

    def _write(self, event: Event) -> None:
        if self.writer is None:
            return
        try:
            self.writer.write(event)
        except OSError as error:
            self.writer = None
            problem = error.strerror or error
            sys.stderr.write(f"cnn-tui: metrics file: {problem}; no more lines written\n")
