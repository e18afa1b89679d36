"""Provides ``add_train_flags``: the flags of ``cnn-tui train`` — the network, the optimisation and
the run — which other subcommands that train (e.g. a learning-rate sweep) take too.
"""

from __future__ import annotations

import argparse

from cnn_tui.core.contract.config import (
    BATCH_SIZE_MAX,
    ENGINES,
    EPOCHS_RANGE,
    FILTERS_RANGE,
    HIDDEN_RANGE,
    LR_RANGE,
    MOMENTUM_RANGE,
    WEIGHT_DECAY_RANGE,
)
from cnn_tui.core.snapshot.retention import DEFAULT_KEEP
from cnn_tui.tui.cli.arg_types import (
    add_data_flag,
    bounded_float,
    bounded_int,
    keep_count,
    path_arg,
    serve_address,
)

DEFAULT_SNAPSHOT_DIR = "snapshots"


def add_train_flags(parser: argparse.ArgumentParser) -> None:
    """Every flag of ``cnn-tui train``, in its groups (network, optimisation, runs)."""
    add_data_flag(parser)
    net = parser.add_argument_group("network (default: the report's conv 3×3×8 → dense 128 → 10)")
    net.add_argument(
        "--filters",
        metavar="N",
        type=bounded_int("filters", *FILTERS_RANGE),
        help="first conv layer (8)",
    )
    net.add_argument(
        "--filters2",
        metavar="N",
        type=bounded_int("second-layer filters", 0, FILTERS_RANGE[1]),
        help="a second conv layer with this many filters (0 = none, the default)",
    )
    net.add_argument(
        "--hidden",
        metavar="N",
        type=bounded_int("hidden units", *HIDDEN_RANGE),
        help="dense units (128)",
    )
    opt = parser.add_argument_group("training")
    opt.add_argument(
        "--engine",
        choices=ENGINES,
        help="numpy (default, fast), python (pure), reference (the slow oracle) or torch "
        "(PyTorch, CUDA when present: pip install 'cnn-tui[torch]')",
    )
    opt.add_argument(
        "--precision",
        choices=("float32", "float64"),
        help="the numpy and torch engines' float type (float32)",
    )
    opt.add_argument("--epochs", metavar="N", type=bounded_int("epochs", *EPOCHS_RANGE), help="(5)")
    opt.add_argument(
        "--batch-size", metavar="N", type=bounded_int("batch size", 1, BATCH_SIZE_MAX), help="(32)"
    )
    opt.add_argument(
        "--lr", metavar="X", type=bounded_float("learning rate", *LR_RANGE), help="(0.01)"
    )
    opt.add_argument(
        "--momentum",
        metavar="X",
        type=bounded_float("momentum", *MOMENTUM_RANGE),
        help="SGD momentum (0)",
    )
    opt.add_argument(
        "--weight-decay",
        metavar="X",
        type=bounded_float("weight decay", *WEIGHT_DECAY_RANGE),
        help="L2 weight decay (0)",
    )
    opt.add_argument("--seed", metavar="N", type=bounded_int("seed", 0, 2**32 - 1), help="(0)")
    opt.add_argument(
        "--limit",
        metavar="N",
        type=bounded_int("limit", 1, 60_000),
        help="train on the first N images",
    )
    opt.add_argument(
        "--steps",
        metavar="N",
        type=bounded_int("steps", 1, 2**53),
        help="stop once the run has taken N optimizer steps in all (evaluated and saved)",
    )
    opt.add_argument(
        "--test-limit",
        metavar="N",
        type=bounded_int("test limit", 1, 10_000),
        help="evaluate on the first N test images",
    )
    runs = parser.add_argument_group("runs")
    runs.add_argument(
        "--resume", metavar="SNAPSHOT", type=path_arg, help="continue a saved run exactly"
    )
    runs.add_argument(
        "--snapshot-dir",
        metavar="DIR",
        type=path_arg,
        default=DEFAULT_SNAPSHOT_DIR,
        help="where runs go: a run folder each, with its record, metrics and snapshots "
        "(default: ./snapshots)",
    )
    runs.add_argument(
        "--keep",
        metavar="N",
        type=keep_count,
        default=DEFAULT_KEEP,
        help=f"after each save keep the run's N newest snapshots and its best by test accuracy "
        f"(default: {DEFAULT_KEEP}; `all` keeps every one)",
    )
    runs.add_argument("--no-snapshots", action="store_true", help="never save snapshots")
    runs.add_argument("--run-name", metavar="NAME", help="name in snapshot files (default: run)")
    runs.add_argument("--headless", action="store_true", help="no dashboard: a progress bar")
    runs.add_argument(
        "--metrics",
        metavar="FILE",
        type=path_arg,
        help="write every event as JSON Lines (headless)",
    )
    runs.add_argument(
        "--serve",
        metavar="tcp:[HOST:]PORT",
        nargs="?",
        const="unix",
        type=serve_address,
        help="let `cnn-tui attach` viewers watch (and, with the token, steer) a headless run: "
        "a Unix socket in the run folder, or TCP on 127.0.0.1 unless HOST is given",
    )
    runs.add_argument("--paused", action="store_true", help="start paused (dashboard)")
    runs.add_argument(
        "--health",
        action=argparse.BooleanOptionalAction,
        help="measure layer health (key h; `health` lines in --metrics): on in the dashboard, "
        "off headless unless asked",
    )
    runs.add_argument(
        "--in-process",
        action="store_true",
        help="run the trainer in a thread of the dashboard's process (debugging; slower)",
    )
