"""Provides ``cnn-tui runs``: the runs of a snapshot folder, newest first — as a table, or as
JSON for scripts (``--json``: a list of objects whose keys are documented in the README).

It reads only each run folder's run.json (``core/runs/folder.py``): a broken one is a line on
stderr and the others are still listed; a run killed outright shows as ``interrupted?``. An empty
folder says so in one line; a missing one is one line and exit 4. Imports no Textual.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import IO, Any

from cnn_tui.core.runs.folder import ListedRun, RunListing, RunLookupError, list_runs
from cnn_tui.tui.cli.arg_types import path_arg
from cnn_tui.tui.cli.exit_codes import ExitCode, fail
from cnn_tui.tui.cli.train_flags import DEFAULT_SNAPSHOT_DIR
from cnn_tui.tui.formatting import short_architecture

COLUMNS = ("name", "started (UTC)", "engine", "network", "epochs", "best test", "state", "parent")


def add_runs_parser(sub: argparse._SubParsersAction) -> None:
    """``cnn-tui runs [--snapshot-dir DIR] [--json]``."""
    runs = sub.add_parser(
        "runs",
        usage="%(prog)s [--snapshot-dir DIR] [--json]",
        help="list the runs of a snapshot folder, newest first",
        description="List the runs of a snapshot folder (one run folder each), newest first.",
    )
    runs.add_argument(
        "--snapshot-dir",
        metavar="DIR",
        type=path_arg,
        default=DEFAULT_SNAPSHOT_DIR,
        help="the snapshot folder (default: ./snapshots)",
    )
    runs.add_argument("--json", action="store_true", help="a JSON list of objects, for scripts")


def runs(args: argparse.Namespace, out: IO[str] | None = None) -> int:
    """List the runs; returns the exit code."""
    out = out or sys.stdout
    folder = Path(args.snapshot_dir)
    try:
        listing = list_runs(folder)
    except RunLookupError as error:
        return fail(str(error), ExitCode.SNAPSHOT)
    for problem in listing.problems:
        sys.stderr.write(f"cnn-tui: skipped {problem}\n")
    if args.json:
        out.write(json.dumps([run_json(run) for run in listing.runs], indent=2) + "\n")
    else:
        out.write("\n".join(table_lines(listing, folder)) + "\n")
    return ExitCode.OK


def run_json(run: ListedRun) -> dict[str, Any]:
    """One run as ``--json`` lists it (stable keys: the README's "cnn-tui runs")."""
    r = run.record
    return {
        "name": r.name,
        "folder": r.folder,
        "path": str(run.path),
        "started": r.started,
        "updated": r.updated,
        "engine": r.engine,
        "architecture": r.architecture,
        "dataset": r.dataset,
        "hyperparameters": {
            "lr": r.hyperparameters.lr,
            "momentum": r.hyperparameters.momentum,
            "weight_decay": r.hyperparameters.weight_decay,
            "batch_size": r.hyperparameters.batch_size,
            "epochs": r.hyperparameters.epochs,
            "seed": r.hyperparameters.seed,
        },
        "changes": [[c.step, c.what, c.value] for c in r.changes],
        "epochs_done": r.epochs_done,
        "epochs": _epochs_planned(run),
        "steps": r.steps,
        "best_accuracy": r.best_accuracy,
        "best_step": r.best_step,
        "state": run.state,
        "recorded_state": r.state,
        "note": r.note,
        "parent_run": r.parent_run,
        "parent_step": r.parent_step,
    }


def table_lines(listing: RunListing, folder: Path) -> list[str]:
    """The table, or one friendly line when there is nothing to list."""
    lines: list[str] = []
    if listing.runs:
        rows = [COLUMNS] + [_row(run) for run in listing.runs]
        widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
        ]
    else:
        lines.append(
            f"no runs in {folder} yet — start one with `cnn-tui train --snapshot-dir {folder}`"
        )
    if listing.flat_snapshots:
        n = listing.flat_snapshots
        lines.append(
            f"{n} snapshot{'s' if n > 1 else ''} of an earlier version lie loose in {folder} "
            "(no run folder): they still resume (`--resume FILE`) and open (`inspect`)"
        )
    return lines


def _row(run: ListedRun) -> tuple[str, ...]:
    r = run.record
    best = "–" if r.best_accuracy is None else f"{r.best_accuracy:.2%} @{r.best_step:,}"
    parent = "–" if r.parent_run is None else f"{r.parent_run} @{r.parent_step or 0:,}"
    return (
        r.name,
        r.started.replace("T", " ").removesuffix("Z")[:16],
        r.engine,
        short_architecture(r.architecture),
        f"{r.epochs_done}/{_epochs_planned(run)}",
        best,
        run.state,
        parent,
    )


def _epochs_planned(run: ListedRun) -> int:
    """The epochs the run is to train: its start's, or the latest change's (``--epochs``)."""
    epochs = run.record.hyperparameters.epochs
    for change in run.record.changes:
        if change.what == "epochs":
            epochs = int(change.value)
    return epochs
