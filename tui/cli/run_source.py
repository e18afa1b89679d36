"""Provides ``resolve_run``: the run a command that trains asks for — its ``RunConfig``, the
snapshot it continues (``--resume``) and the data folder — shared by ``train`` and ``lr-find``.

A problem the user can fix ends as one line on stderr and the exit code for it (``fail``).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

from cnn_tui.core.contract.config import ConfigError, RunConfig
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.engines import missing_engine
from cnn_tui.tui.cli.exit_codes import ExitCode, fail
from cnn_tui.tui.cli.run_config import resumed_config, run_config


@dataclass(frozen=True, slots=True)
class ResolvedRun:
    """What the flags ask for, checked: the run, the state it resumes (or None), its data."""

    config: RunConfig
    state: RunState | None
    data_dir: Path


def resolve_run(args: argparse.Namespace) -> ResolvedRun | int:
    """The run of ``args`` (a resumed run trains on its snapshot's set unless --dataset says
    otherwise), or the exit code after the one line saying what is wrong."""
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.tui.cli.data_choice import choose_data

    problem = missing_engine(args.engine or "")  # before anything slow
    if problem:
        return fail(problem, ExitCode.USAGE)
    try:
        # a resumed run trains on its snapshot's set: found once the snapshot is read
        choice = None if args.resume and not args.dataset else choose_data(args)
    except DataError as error:
        return fail(str(error), ExitCode.DATA)

    state = None
    try:
        if args.resume:
            from cnn_tui.core.snapshot.errors import SnapshotError
            from cnn_tui.core.snapshot.load import load_snapshot

            try:
                state = load_snapshot(Path(args.resume))
                config = resumed_config(args, state)
                state = replace(state, config=config)
            except SnapshotError as error:
                return fail(str(error), ExitCode.SNAPSHOT)
        else:
            config = run_config(args)
        if choice is None:
            try:
                choice = choose_data(args, default=config.dataset)
            except DataError as error:
                return fail(str(error), ExitCode.DATA)
        config = replace(config, dataset=choice.dataset, class_names=choice.class_names)
        if state is not None:
            state = replace(state, config=config)
    except ConfigError as error:
        return fail(str(error), ExitCode.USAGE)
    problem = missing_engine(config.engine)  # a resumed run keeps its engine
    if problem:
        return fail(f"{problem} (or resume with --engine numpy)", ExitCode.USAGE)
    return ResolvedRun(config, state, choice.folder)
