"""Provides ``cnn-tui compare RUN RUN…``: two to six runs side by side — the Textual screen
(``tui/compare/``), or with ``--text`` the runs table (final numbers, the configuration fields
that differ, the hyperparameter changes) printed for scripts and CI.

A RUN is a run folder's path, its name in ``--snapshot-dir``, or a run's name (its newest run),
as ``core/runs/folder.py``'s ``find_run`` reads it. Every problem — one run, too many, an unknown
run, one given twice, a broken run.json or metrics file — is one line and a non-zero exit, before
anything is drawn. ``--text`` imports no Textual.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO

from cnn_tui.core.runs.folder import METRICS_FILE, RunLookupError, find_run
from cnn_tui.core.runs.history import HistoryError, RunHistory, read_history
from cnn_tui.core.runs.record import RunRecord, RunRecordError, read_run
from cnn_tui.tui.cli.arg_types import path_arg
from cnn_tui.tui.cli.exit_codes import ExitCode, fail
from cnn_tui.tui.cli.train_flags import DEFAULT_SNAPSHOT_DIR
from cnn_tui.tui.compare.model import (
    MAX_RUNS,
    ComparedRun,
    class_table,
    compared_runs,
    notes,
    shared_fields,
    summary_table,
)


def add_compare_parser(sub: argparse._SubParsersAction) -> None:
    """``cnn-tui compare RUN RUN… [--snapshot-dir DIR] [--text]``."""
    compare = sub.add_parser(
        "compare",
        usage="%(prog)s RUN RUN… [--snapshot-dir DIR] [--text]",
        help="two to six runs side by side: loss, accuracy, per-class, what differs",
        description="Compare runs: a run folder's path, its name in --snapshot-dir, or a run's "
        "name (its newest run).",
    )
    compare.add_argument("runs", metavar="RUN", nargs="+")
    compare.add_argument(
        "--snapshot-dir",
        metavar="DIR",
        type=path_arg,
        default=DEFAULT_SNAPSHOT_DIR,
        help="where the run folders are (default: ./snapshots)",
    )
    compare.add_argument(
        "--text", action="store_true", help="print the tables instead of opening the screen"
    )


class CompareError(Exception):
    """A run that cannot be compared; ``code`` is the exit code, the message one line."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.code = code


def load_runs(snapshot_dir: Path, wanted: list[str]) -> list[ComparedRun]:
    """The runs ``wanted`` names, read; ``CompareError`` on the first problem."""
    if len(wanted) < 2:
        raise CompareError(
            "compare needs at least two runs (`cnn-tui runs` lists them)", ExitCode.USAGE
        )
    if len(wanted) > MAX_RUNS:
        raise CompareError(
            f"compare takes at most {MAX_RUNS} runs, not {len(wanted)}", ExitCode.USAGE
        )
    loaded: list[tuple[Path, RunHistory, RunRecord | None]] = []
    seen: dict[Path, str] = {}
    for name in wanted:
        try:
            folder = find_run(snapshot_dir, name)
            record = read_run(folder)
            history = read_history(folder / METRICS_FILE)
        except (RunLookupError, RunRecordError, HistoryError) as error:
            raise CompareError(str(error), ExitCode.SNAPSHOT) from None
        key = folder.resolve()
        if key in seen:
            raise CompareError(
                f"{name!r} and {seen[key]!r} are the same run ({folder.name})", ExitCode.USAGE
            )
        seen[key] = name
        loaded.append((folder, history, record))
    return compared_runs(loaded)


def compare(args: argparse.Namespace, out: IO[str] | None = None) -> int:
    """Compare the runs; returns the exit code."""
    try:
        runs = load_runs(Path(args.snapshot_dir), list(args.runs))
    except CompareError as error:
        return fail(str(error), error.code)
    if args.text:
        (out or sys.stdout).write("\n".join(text_lines(runs)) + "\n")
        return ExitCode.OK
    problem = _needs_terminal()
    if problem:
        return fail(problem, ExitCode.ENVIRONMENT)
    from cnn_tui.tui.compare.app import CompareApp

    CompareApp(runs).run()
    return ExitCode.OK


def _needs_terminal() -> str | None:
    """Textual reads the keyboard from stdin and draws on stderr: both must be terminals."""
    for name, stream in (("standard input", sys.__stdin__), ("standard error", sys.__stderr__)):
        if stream is None or not stream.isatty():
            return (
                f"compare needs an interactive terminal ({name} is not one); "
                "use `cnn-tui compare --text` instead"
            )
    return None


def _columns(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]


def text_lines(runs: list[ComparedRun]) -> list[str]:
    """The ``--text`` form: the runs table, what they share, per-class accuracy, notes."""
    lines = _columns(*summary_table(runs))
    shared = shared_fields(runs)
    if shared:
        lines.append("all: " + ", ".join(f"{name} {value}" for name, value in shared))
    lines += ["", "per-class test accuracy % (latest evaluation):"]
    header, rows = class_table(runs)
    lines += _columns(header, rows)
    return lines + notes(runs)
