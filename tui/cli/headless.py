"""Provides ``run_headless``: training with a progress line instead of the dashboard.

The trainer runs in the main thread; SIGINT (Ctrl+C) and SIGTERM ask it to stop at the next batch
boundary, save a snapshot and exit 130 / 143. Each event goes to ``EventPrinter``
(event_printer.py). Imports no Textual.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from cnn_tui.core.contract.config import RunConfig
from cnn_tui.core.contract.events import Finished
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.runs.plan import RunPlan
from cnn_tui.core.snapshot.retention import DEFAULT_KEEP
from cnn_tui.tui.cli.closing import closing_lines
from cnn_tui.tui.cli.crash_log import write_crash_log
from cnn_tui.tui.cli.event_printer import EventPrinter
from cnn_tui.tui.cli.exit_codes import ExitCode, fail
from cnn_tui.tui.cli.progress import HeadlessProgress
from cnn_tui.tui.cli.serving import both, start_serving
from cnn_tui.tui.formatting import duration_clock

if TYPE_CHECKING:
    from types import FrameType

    from cnn_tui.core.training.trainer import Trainer

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
SignalHandler = Callable[[int, "FrameType | None"], object] | int | None


def use_one_blas_thread() -> None:
    """One BLAS thread is faster and steadier on two shared cores (about 14,000 against 12,700
    images/s with two, and two collapse whenever anything else runs); must run before NumPy is
    imported. An explicit setting by the user wins."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


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
    keep: int | None = DEFAULT_KEEP,
    max_steps: int | None = None,
    metrics_path: Path | None = None,
    serve: str | None = None,
    stream: IO[str] | None = None,
    run: RunPlan | None = None,
    health: bool = False,
) -> int:
    """Train to the end (or to an interrupt) and print a summary; returns the exit code.
    With ``serve`` ("unix" or ``tcp:HOST:PORT``) viewers can attach (tui/cli/serving.py);
    ``run``: the run folder the trainer keeps (``snapshot_dir`` is then that folder)."""
    use_one_blas_thread()
    from cnn_tui.core.contract.config import ConfigError
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.core.data.load import load_mnist
    from cnn_tui.core.training.data_checks import size_mismatch
    from cnn_tui.core.training.extensions import make_extensions
    from cnn_tui.core.training.metrics import MetricsWriter
    from cnn_tui.core.training.trainer import Trainer

    err = stream or sys.stderr
    try:
        train, test = load_mnist(data_dir, limit=limit, test_limit=test_limit)
    except DataError as error:
        return fail(str(error), ExitCode.DATA, err)
    if state is not None and (mismatch := size_mismatch(state, len(train))):
        return fail(mismatch, ExitCode.SNAPSHOT, err)
    metrics_file: IO[str] | None = None
    if metrics_path is not None:
        try:
            metrics_file = open(  # noqa: SIM115 - closed in the finally below
                metrics_path, "w", encoding="utf-8", errors="backslashreplace"
            )
        except OSError as error:
            message = f"cannot write metrics file {metrics_path}: {error.strerror}"
            return fail(message, ExitCode.USAGE, err)
    progress = HeadlessProgress(err)
    writer = MetricsWriter(metrics_file) if metrics_file else None
    printer = EventPrinter(progress, writer, metrics_path, config.hyper.lr)
    try:
        served = start_serving(serve, snapshot_dir, run_name, progress.say) if serve else None
    except OSError as error:  # EndpointError: one line naming the address and why
        _close(metrics_file)
        return fail(str(error), ExitCode.USAGE, err)
    # served: what a viewer's d, L, p and the inspector's nearest training digits ask for (the
    # embedding map: alone, nobody would see it)
    viewers_ask = ("drawing", "lr_find", "embedding", "nearest") if served is not None else ()
    try:
        trainer = Trainer(
            config,
            train,
            test,
            emit=printer if served is None else both(printer, served.broadcast),
            commands=None if served is None else served.commands,
            state=state,
            snapshot_dir=snapshot_dir,
            run_name=run_name,
            keep=keep,
            max_steps=max_steps,
            run=run,
            batch_interval=0.1,
            sample_interval=None if served is None else 0.3,  # a viewer shows the digit
            extensions=make_extensions((*viewers_ask, "health") if health else viewers_ask),
        )
    except ConfigError as error:
        _close(metrics_file)
        if served is not None:
            served.close()
        return fail(str(error), ExitCode.USAGE, err)
    trainer.resumed_from = resumed_from
    printer.trainer = trainer

    received: list[int] = []
    previous = _stop_on_signals(trainer, progress, received)
    try:
        finished = trainer.run()
    except KeyboardInterrupt:  # a second Ctrl+C
        progress.stop()
        progress.say(f"interrupted at step {trainer.step:,} (epoch {trainer.epoch}); not saved")
        return ExitCode.INTERRUPTED
    except ConfigError as error:  # e.g. a batch that does not fit in memory
        progress.stop()
        progress.say(f"cnn-tui: {error}")
        return ExitCode.USAGE
    except Exception:
        progress.stop()
        log = write_crash_log(Path(run.snapshot_dir) if run else snapshot_dir)
        kind, value = sys.exc_info()[:2]
        name = getattr(kind, "__name__", "")
        return fail(f"training failed: {value!s} ({name}); details in {log}", ExitCode.FAILED, err)
    else:
        progress.finish()  # the last state, before the summary
    finally:
        for sig, handler in previous.items():  # after a stop signal, later ones are ignored
            signal.signal(sig, signal.SIG_IGN if received and sig != signal.SIGINT else handler)
        _close(metrics_file)
        progress.stop()
        if served is not None:
            served.close()

    _summarise(progress, finished, printer.snapshots, sys.stdout, epochs=config.epochs)
    if printer.diverged:
        return fail(printer.diverged[-1].message, ExitCode.FAILED, err)
    if received:
        return ExitCode.INTERRUPTED if received[0] == signal.SIGINT else ExitCode.TERMINATED
    return ExitCode.OK


def _stop_on_signals(
    trainer: Trainer, progress: HeadlessProgress, received: list[int]
) -> dict[signal.Signals, SignalHandler]:
    """SIGINT, SIGTERM and SIGHUP stop the run at the next batch and save; a second SIGINT
    raises ``KeyboardInterrupt`` (quit at once). Returns the handlers they replace."""

    def on_signal(signum: int, _frame: FrameType | None) -> None:
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

    return {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}


def _summarise(
    progress: HeadlessProgress,
    finished: Finished,
    snapshots: list[str],
    out: IO[str],
    *,
    epochs: int,
) -> None:
    """What the run did, on ``out`` (stdout)."""
    elapsed = duration_clock(time.perf_counter() - progress.start)
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
    lines += closing_lines(
        snapshots[-1] if snapshots else None,
        finished=finished.reason == "finished",
        epochs=epochs,
        headless=True,
    )
    with contextlib.suppress(OSError):  # stdout closed early (| head): the run still counts
        out.write("\n".join(lines) + "\n")
        out.flush()


def _close(file: IO[str] | None) -> None:
    if file is not None:
        with contextlib.suppress(OSError):  # already reported when a write failed
            file.close()
