"""Provides ``encode_meta``: a ``RunState``'s plain fields as the JSON-ready ``meta.json``.

The arrays themselves are ``arrays.py``'s; here only their descriptions (dtype, shape, SHA-256)
are listed. JSON allows no NaN: a class with no test images (accuracy NaN) is written as null.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.snapshot.schema import FORMAT_NAME, FORMAT_VERSION


def app_version() -> str:
    """The installed cnn-tui version, written into every snapshot ("unknown" from a bare tree)."""
    try:
        from importlib.metadata import version

        return version("cnn-tui")
    except Exception:  # running from a bare source tree: still savable
        return "unknown"


def encode_meta(
    state: RunState, arrays: dict[str, dict[str, Any]], *, run_name: str, param_dtype: str
) -> dict[str, Any]:
    """The JSON-ready description of ``state``; ``arrays`` maps member key → dtype/shape/sha256.

    JSON allows no NaN: a class with no test images (accuracy NaN) is written as null.
    """
    c = state.config
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": app_version(),
        "saved_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "run_name": run_name,
        "config": {
            "engine": c.engine,
            "precision": c.precision,
            "epochs": c.epochs,
            "seed": c.seed,
            "architecture": {
                "filters": c.arch.filters,
                "filters2": c.arch.filters2,
                "hidden": c.arch.hidden,
            },
            "hyperparameters": {
                "lr": c.hyper.lr,
                "momentum": c.hyper.momentum,
                "weight_decay": c.hyper.weight_decay,
                "batch_size": c.hyper.batch_size,
            },
            # the data set, for another set than MNIST only (MNIST's snapshots are as before)
            **(
                {"dataset": c.dataset, "class_names": list(c.class_names)}
                if c.dataset != "mnist" or c.class_names
                else {}
            ),
        },
        # the data order is data_order(seed, epoch): (epoch, position) is the whole RNG state
        "progress": {"epoch": state.epoch, "position": state.position, "step": state.step},
        "data": {"train_size": state.train_size, "test_size": state.test_size},
        "param_dtype": param_dtype,
        "evaluations": [
            {
                "epoch": e.epoch,
                "step": e.step,
                "loss": e.loss,
                "accuracy": e.accuracy,
                "per_class_accuracy": [None if math.isnan(a) else a for a in e.per_class_accuracy],
                "confusion": [list(row) for row in e.confusion],
            }
            for e in state.history.evaluations
        ],
        "changes": [
            {"step": ch.step, "kind": ch.kind, "old": ch.old, "new": ch.new}
            for ch in state.history.changes
        ],
        "arrays": arrays,
    }
