"""Provides ``run_config`` and ``resumed_config``: the ``RunConfig`` the train flags ask for.

A new run takes the flags over the defaults; a resumed run takes them over the snapshot's run,
refusing the changes a snapshot cannot take (its architecture and seed) and an ``--epochs`` that
would train nothing.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.snapshot.errors import SnapshotError


class UsageError(Exception):
    """A flag combination that argparse cannot check by itself (exit 2)."""


def run_config(args: argparse.Namespace) -> RunConfig:
    """The run the flags ask for (defaults filled in)."""
    defaults = RunConfig()
    arch = Architecture(
        filters=args.filters if args.filters is not None else defaults.arch.filters,
        filters2=args.filters2 if args.filters2 is not None else defaults.arch.filters2,
        hidden=args.hidden if args.hidden is not None else defaults.arch.hidden,
    )
    return RunConfig(
        arch=arch,
        hyper=_hyper(args, defaults.hyper),
        epochs=args.epochs if args.epochs is not None else defaults.epochs,
        seed=args.seed if args.seed is not None else defaults.seed,
        engine=args.engine or defaults.engine,
        precision=args.precision or defaults.precision,
    )


def _hyper(args: argparse.Namespace, base: Hyperparameters) -> Hyperparameters:
    """``base`` with the hyperparameters given on the command line."""
    changes = {
        name: value
        for name, value in (
            ("lr", args.lr),
            ("momentum", args.momentum),
            ("weight_decay", args.weight_decay),
            ("batch_size", args.batch_size),
        )
        if value is not None
    }
    return replace(base, **changes)


def resumed_config(args: argparse.Namespace, state: RunState) -> RunConfig:
    """A snapshot's run, with what the command line explicitly changes. The architecture and
    seed cannot change (the weights and the data order depend on them)."""
    saved = state.config
    asked = run_config(args).arch
    explicit_arch = any(v is not None for v in (args.filters, args.filters2, args.hidden))
    if explicit_arch and asked != saved.arch:
        raise SnapshotError(
            f"the snapshot is {saved.arch.describe()}; the flags ask for {asked.describe()}"
        )
    if args.dataset is not None and args.dataset != saved.dataset:
        raise SnapshotError(
            f"the snapshot was trained on --dataset {saved.dataset}; --dataset {args.dataset} "
            "cannot change on --resume"
        )
    if args.seed is not None and args.seed != saved.seed:
        raise SnapshotError(
            f"the snapshot's seed is {saved.seed}; --seed {args.seed} cannot change on --resume "
            "(the data order depends on it)"
        )
    epochs = args.epochs if args.epochs is not None else saved.epochs
    done = state.epoch - 1  # epochs already complete
    if epochs <= done:
        raise UsageError(
            f"the snapshot has finished {done} epoch(s); pass --epochs N with N > {done} "
            "to train further"
        )
    return replace(
        saved,
        hyper=_hyper(args, saved.hyper),
        epochs=epochs,
        engine=args.engine or saved.engine,
        precision=args.precision or saved.precision,
    )
