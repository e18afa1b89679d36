"""Provides ``build_parser`` and ``parse_args``: the ``cnn-tui`` flags, each value checked as
argparse reads it.

A bad value (``--lr abc``, ``--batch-size 0``, ``--data ""``) ends in argparse's usage error —
one line naming the flag and what is wrong, exit 2 — before anything is loaded.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from cnn_tui.core.contract.config import (
    BATCH_SIZE_MAX,
    ENGINES,
    EPOCHS_RANGE,
    FILTERS_RANGE,
    HIDDEN_RANGE,
    LR_RANGE,
    MOMENTUM_RANGE,
    WEIGHT_DECAY_RANGE,
    ConfigError,
    parse_float,
    parse_int,
)
from cnn_tui.core.snapshot.retention import DEFAULT_KEEP, KEEP_MAX

SUBCOMMANDS = ("train", "inspect", "download")
DEFAULT_SNAPSHOT_DIR = "snapshots"


def _bounded_float(name: str, low: float, high: float) -> Callable[[str], float]:
    """A flag value that must be a finite number in [low, high]."""

    def parse(text: str) -> float:
        try:
            return parse_float(name, text, low, high)
        except ConfigError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = name  # argparse names the type in its messages
    return parse


def _bounded_int(name: str, low: int, high: int) -> Callable[[str], int]:
    """A flag value that must be a whole number in [low, high]."""

    def parse(text: str) -> int:
        try:
            return parse_int(name, text, low, high)
        except ConfigError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = name
    return parse


def _keep(text: str) -> int | None:
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


def _path(text: str) -> str:
    """A path flag's value: an empty one (``--data ""``) would silently mean the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; name a folder or file")
    return text


def _add_data_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        type=_path,
        help="folder with the four MNIST files (default: $CNN_TUI_DATA, ./data/mnist, "
        "then ~/.cache/cnn-tui/mnist)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand and flag of ``cnn-tui``."""
    parser = argparse.ArgumentParser(
        prog="cnn-tui",
        description="Train a from-scratch CNN on MNIST and watch it learn, live, in the terminal.",
        epilog="With no subcommand, `cnn-tui` means `cnn-tui train`: the live dashboard.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="{train,inspect,download}")

    train = sub.add_parser(
        "train",
        usage="%(prog)s [flags]",
        help="train with the live dashboard (or --headless)",
        description="Train the CNN. Opens the live dashboard unless --headless is given.",
    )
    _add_data_flag(train)
    net = train.add_argument_group("network (default: the report's conv 3×3×8 → dense 128 → 10)")
    net.add_argument(
        "--filters",
        metavar="N",
        type=_bounded_int("filters", *FILTERS_RANGE),
        help="first conv layer (8)",
    )
    net.add_argument(
        "--filters2",
        metavar="N",
        type=_bounded_int("second-layer filters", 0, FILTERS_RANGE[1]),
        help="a second conv layer with this many filters (0 = none, the default)",
    )
    net.add_argument(
        "--hidden",
        metavar="N",
        type=_bounded_int("hidden units", *HIDDEN_RANGE),
        help="dense units (128)",
    )
    opt = train.add_argument_group("training")
    opt.add_argument(
        "--engine",
        choices=ENGINES,
        help="numpy (default, fast), python (pure) or reference (the slow oracle)",
    )
    opt.add_argument(
        "--precision",
        choices=("float32", "float64"),
        help="the NumPy engine's float type (float32)",
    )
    opt.add_argument(
        "--epochs", metavar="N", type=_bounded_int("epochs", *EPOCHS_RANGE), help="(5)"
    )
    opt.add_argument(
        "--batch-size", metavar="N", type=_bounded_int("batch size", 1, BATCH_SIZE_MAX), help="(32)"
    )
    opt.add_argument(
        "--lr", metavar="X", type=_bounded_float("learning rate", *LR_RANGE), help="(0.01)"
    )
    opt.add_argument(
        "--momentum",
        metavar="X",
        type=_bounded_float("momentum", *MOMENTUM_RANGE),
        help="SGD momentum (0)",
    )
    opt.add_argument(
        "--weight-decay",
        metavar="X",
        type=_bounded_float("weight decay", *WEIGHT_DECAY_RANGE),
        help="L2 weight decay (0)",
    )
    opt.add_argument("--seed", metavar="N", type=_bounded_int("seed", 0, 2**32 - 1), help="(0)")
    opt.add_argument(
        "--limit",
        metavar="N",
        type=_bounded_int("limit", 1, 60_000),
        help="train on the first N images",
    )
    opt.add_argument(
        "--steps",
        metavar="N",
        type=_bounded_int("steps", 1, 2**53),
        help="stop once the run has taken N optimizer steps in all (evaluated and saved)",
    )
    opt.add_argument(
        "--test-limit",
        metavar="N",
        type=_bounded_int("test limit", 1, 10_000),
        help="evaluate on the first N test images",
    )
    runs = train.add_argument_group("runs")
    runs.add_argument(
        "--resume", metavar="SNAPSHOT", type=_path, help="continue a saved run exactly"
    )
    runs.add_argument(
        "--snapshot-dir",
        metavar="DIR",
        type=_path,
        default=DEFAULT_SNAPSHOT_DIR,
        help="where snapshots go: each epoch end, `s`, and on quit (default: ./snapshots)",
    )
    runs.add_argument(
        "--keep",
        metavar="N",
        type=_keep,
        default=DEFAULT_KEEP,
        help=f"after each save keep the run's N newest snapshots and its best by test accuracy "
        f"(default: {DEFAULT_KEEP}; `all` keeps every one)",
    )
    runs.add_argument("--no-snapshots", action="store_true", help="never save snapshots")
    runs.add_argument("--run-name", metavar="NAME", help="name in snapshot files (default: run)")
    runs.add_argument("--headless", action="store_true", help="no dashboard: a progress bar")
    runs.add_argument(
        "--metrics", metavar="FILE", type=_path, help="write every event as JSON Lines (headless)"
    )
    runs.add_argument("--paused", action="store_true", help="start paused (dashboard)")
    runs.add_argument(
        "--in-process",
        action="store_true",
        help="run the trainer in a thread of the dashboard's process (debugging; slower)",
    )

    inspect = sub.add_parser(
        "inspect",
        usage="%(prog)s SNAPSHOT [flags]",
        help="browse a saved network's mistakes (no training)",
        description="Open the misclassified-digit browser on a snapshot.",
    )
    inspect.add_argument("snapshot", metavar="SNAPSHOT", type=_path)
    _add_data_flag(inspect)
    inspect.add_argument(
        "--engine", choices=ENGINES, help="engine to evaluate with (default: numpy)"
    )
    inspect.add_argument(
        "--test-limit",
        metavar="N",
        type=_bounded_int("test limit", 1, 10_000),
        help="first N test images",
    )

    download = sub.add_parser(
        "download",
        usage="%(prog)s [flags]",
        help="fetch MNIST from the public mirrors, verified",
        description="Download the four MNIST files (SHA-256 checked) into a folder.",
    )
    download.add_argument(
        "--data",
        metavar="DIR",
        type=_path,
        help="destination folder (default: $CNN_TUI_DATA, else ./data/mnist in a checkout, "
        "else ~/.cache/cnn-tui/mnist)",
    )
    download.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_bounded_float("timeout", 0.1, 600),
        default=30.0,
        help="seconds (30)",
    )
    return parser


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
