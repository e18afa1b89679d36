"""Provides ``build_parser`` and ``parse_args``: the ``cnn-tui`` flags, each value checked as
argparse reads it.

A bad value (``--lr abc``, ``--batch-size 0``, ``--data ""``) ends in argparse's usage error —
one line naming the flag and what is wrong, exit 2 — before anything is loaded.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from cnn_tui.core.contract.config import ENGINES, LR_RANGE
from cnn_tui.core.training.lr_curve import BATCHES_RANGE
from cnn_tui.tui.cli.arg_types import (
    add_data_flag,
    add_dataset_flag,
    bounded_float,
    bounded_int,
    path_arg,
)
from cnn_tui.tui.cli.attach import add_attach_parser
from cnn_tui.tui.cli.compare_command import add_compare_parser
from cnn_tui.tui.cli.runs_command import add_runs_parser
from cnn_tui.tui.cli.train_flags import add_train_flags

SUBCOMMANDS = ("train", "inspect", "download", "runs", "compare", "lr-find", "attach")
"""Every subcommand; a new one gets its own ``add_…_parser(sub)`` (e.g. in its own module) and
a line in ``build_parser``."""

Subparsers = argparse._SubParsersAction  # the object ``add_subparsers`` returns


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand and flag of ``cnn-tui``."""
    parser = argparse.ArgumentParser(
        prog="cnn-tui",
        description="Train a from-scratch CNN on MNIST and watch it learn, live, in the terminal.",
        epilog="With no subcommand, `cnn-tui` means `cnn-tui train`: the live dashboard.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="{" + ",".join(SUBCOMMANDS) + "}")
    _add_train_parser(sub)
    _add_inspect_parser(sub)
    _add_download_parser(sub)
    add_runs_parser(sub)
    _add_lr_find_parser(sub)
    add_compare_parser(sub)
    add_attach_parser(sub)
    return parser


def _add_train_parser(sub: Subparsers) -> None:
    train = sub.add_parser(
        "train",
        usage="%(prog)s [flags]",
        help="train with the live dashboard (or --headless)",
        description="Train the CNN. Opens the live dashboard unless --headless is given.",
    )
    add_train_flags(train)


def _add_inspect_parser(sub: Subparsers) -> None:
    inspect = sub.add_parser(
        "inspect",
        usage="%(prog)s SNAPSHOT [flags]",
        help="browse a saved network's mistakes (no training)",
        description="Open the misclassified-digit browser on a snapshot.",
    )
    inspect.add_argument("snapshot", metavar="SNAPSHOT", type=path_arg)
    add_data_flag(inspect)
    inspect.add_argument(
        "--engine",
        choices=ENGINES,
        help="engine to evaluate with (default: the one the snapshot was trained with)",
    )
    inspect.add_argument(
        "--test-limit",
        metavar="N",
        type=bounded_int("test limit", 1, 10_000),
        help="first N test images",
    )


def _add_download_parser(sub: Subparsers) -> None:
    download = sub.add_parser(
        "download",
        usage="%(prog)s [flags]",
        help="fetch MNIST (or --dataset) from the public mirrors, verified",
        description="Download the four files of MNIST (SHA-256 checked), Fashion-MNIST or KMNIST "
        "(MD5 of the published .gz checked) into a folder.",
    )
    download.add_argument(
        "--data",
        metavar="DIR",
        type=path_arg,
        help="destination folder (default: $CNN_TUI_DATA, else ./data/mnist in a checkout, "
        "else ~/.cache/cnn-tui/mnist; ./data/<name> for another --dataset)",
    )
    add_dataset_flag(download)
    download.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=bounded_float("timeout", 0.1, 600),
        default=30.0,
        help="seconds (30)",
    )


def _add_lr_find_parser(sub: Subparsers) -> None:
    lr_find = sub.add_parser(
        "lr-find",
        usage="%(prog)s [--start X] [--end X] [--batches N] [train flags]",
        help="learning-rate range test: sweep the lr on a copy of the weights, suggest one",
        description="Train a copy of the run the train flags describe (or --resume SNAPSHOT's) "
        "for --batches batches with the lr growing exponentially from --start to --end, "
        "stopping early when the loss explodes, and print the lr at the steepest descent of "
        "the smoothed loss. Saves nothing; --metrics FILE writes the curve as JSON Lines.",
    )
    sweep = lr_find.add_argument_group("sweep")
    sweep.add_argument(
        "--start",
        metavar="X",
        type=bounded_float("sweep start", *LR_RANGE),
        default=1e-5,
        help="first learning rate (1e-05)",
    )
    sweep.add_argument(
        "--end",
        metavar="X",
        type=bounded_float("sweep end", *LR_RANGE),
        default=1.0,
        help="last learning rate, if the loss has not exploded before (1)",
    )
    sweep.add_argument(
        "--batches",
        metavar="N",
        type=bounded_int("sweep batches", *BATCHES_RANGE),
        default=200,
        help="sweep length in batches (200)",
    )
    add_train_flags(lr_find)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("cnn-tui")
    except Exception:  # not installed (running from a checkout)
        return "0+unknown"


def _normalise(argv: Sequence[str]) -> list[str]:
    """``cnn-tui [flags]`` means ``cnn-tui train [flags]``; ``--lr -1e-3`` means ``--lr=-1e-3``.

    argparse reads a value that starts with "-" as another flag unless it looks like a plain
    negative number, so ``--lr -inf`` would fail with "expected one argument" instead of the
    value's own check saying what is wrong with it.
    """
    args: list[str] = []
    for token in argv:
        previous = args[-1] if args else ""
        if previous.startswith("--") and "=" not in previous and _is_number(token):
            args[-1] = f"{previous}={token}"
        else:
            args.append(token)
    if not args or (args[0] not in SUBCOMMANDS and args[0] not in ("-h", "--help", "--version")):
        args.insert(0, "train")
    return args


def _is_number(token: str) -> bool:
    """ "-inf", "-1e-3", "-nan": a negative-looking value argparse would take for a flag."""
    if not token.startswith("-"):
        return False
    try:
        float(token)
    except ValueError:
        return False
    return True


def parse_args(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """``argv`` read by ``parser`` (see ``_normalise``); a bad flag exits 2 with one line."""
    return parser.parse_args(_normalise(argv))
