"""Provides the checked flag types every subcommand shares: a value is checked as argparse reads
it, and a bad one ends in argparse's usage error — one line naming the flag, exit 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from cnn_tui.core.contract.config import ConfigError, parse_float, parse_int
from cnn_tui.core.snapshot.retention import KEEP_MAX


def bounded_float(name: str, low: float, high: float) -> Callable[[str], float]:
    """A flag value that must be a finite number in [low, high]."""

    def parse(text: str) -> float:
        try:
            return parse_float(name, text, low, high)
        except ConfigError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = name  # argparse names the type in its messages
    return parse


def bounded_int(name: str, low: int, high: int) -> Callable[[str], int]:
    """A flag value that must be a whole number in [low, high]."""

    def parse(text: str) -> int:
        try:
            return parse_int(name, text, low, high)
        except ConfigError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = name
    return parse


def keep_count(text: str) -> int | None:
    """``--keep``: a count of snapshots, or "all" (None). 0 is refused: some tools read it as
    "keep none", others as "keep all"."""
    if text.strip().lower() == "all":
        return None
    if text.strip() == "0":
        raise argparse.ArgumentTypeError(
            "keep 0 is ambiguous: --keep all keeps every snapshot, --no-snapshots saves none"
        )
    try:
        return parse_int("keep", text, 1, KEEP_MAX)
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def serve_address(text: str) -> str:
    """``--serve``'s value: ``tcp:PORT`` or ``tcp:HOST:PORT`` (bare ``--serve``: the socket)."""
    from cnn_tui.core.remote.endpoint import parse_serve

    try:
        return parse_serve(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def path_arg(text: str) -> str:
    """A path flag's value: an empty one (``--data ""``) would silently mean the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; name a folder or file")
    return text


def add_data_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        type=path_arg,
        help="folder with the four MNIST files (default: $CNN_TUI_DATA, ./data/mnist, "
        "then ~/.cache/cnn-tui/mnist)",
    )
    add_dataset_flag(parser)


DATASET_NAMES = ("mnist", "fashion-mnist", "kmnist")
"""``--dataset`` values (core/data/sets.py describes each; tests check the two agree)."""


def add_dataset_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dataset",
        choices=DATASET_NAMES,
        help="which data set (mnist); the others default to ./data/<name> and their cache folder",
    )
