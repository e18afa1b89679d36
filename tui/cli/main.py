"""Provides ``main``: the ``cnn-tui`` command line.

``cnn-tui [train]`` opens the dashboard (or trains with ``--headless``), ``cnn-tui inspect``
browses a saved network's mistakes, ``cnn-tui download`` fetches MNIST, ``cnn-tui runs`` lists
the runs of a snapshot folder, ``cnn-tui lr-find`` sweeps the learning rate on a copy of the
weights and suggests one. Headless mode and
``download`` never import Textual. Every failure the user can cause ends with one line on stderr
and an exit code from ``exit_codes`` — never a traceback.

The flags are read in ``parser``, the run they ask for is built in ``run_config``, and the
subcommands are in ``commands``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from cnn_tui.tui.cli import commands, compare_command, runs_command
from cnn_tui.tui.cli.attach import attach
from cnn_tui.tui.cli.exit_codes import ExitCode, fail
from cnn_tui.tui.cli.parser import build_parser, parse_args
from cnn_tui.tui.cli.run_config import UsageError


def main(argv: Sequence[str] | None = None) -> int:
    """The ``cnn-tui`` entry point; returns the exit code."""
    getattr(sys.stdout, "reconfigure", lambda **_: None)(errors="backslashreplace")  # LC_ALL=C
    parser = build_parser()
    args = parse_args(parser, sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "download":
            return commands.download(args)
        if args.command == "inspect":
            return commands.inspect(args)
        if args.command == "runs":
            return runs_command.runs(args)
        if args.command == "lr-find":
            from cnn_tui.tui.cli.lr_find_command import lr_find

            return lr_find(args)
        if args.command == "compare":
            return compare_command.compare(args)
        if args.command == "attach":
            return attach(args)
        return commands.train(args)
    except UsageError as error:
        parser.error(str(error))  # exits 2 (ExitCode.USAGE)
    except KeyboardInterrupt:  # Ctrl+C before training began (loading, start-up)
        return fail("interrupted before training started; nothing to save", ExitCode.INTERRUPTED)
