"""Provides the snapshot format's constants, ``SchemaError`` and the consistency rule that saving
and loading share (``state_problem``), so that whatever saves also loads.

``meta_encode.py`` writes ``meta.json``, ``meta_decode.py`` reads and checks it; a problem raises
``SchemaError`` with one line naming the field (``save.py``/``load.py`` add the file and the fix).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnn_tui.core.contract.config import LR_RANGE
from cnn_tui.core.contract.run_state import RunState

FORMAT_NAME = "cnn-tui snapshot"
FORMAT_VERSION = 1
"""Bump when the layout changes; loading refuses newer versions (and unknown older ones)."""

MAX_DATA_SIZE = 10_000_000  # images per split; MNIST has 60,000 / 10,000
MAX_STEP = 2**53
MAX_EVALUATIONS = 100_000
MAX_CHANGES = 1_000_000
PARAM_DTYPES = ("<f4", "<f8")  # little-endian float32 / float64

TOP_KEYS = (
    "format",
    "format_version",
    "app_version",
    "saved_at",
    "run_name",
    "config",
    "progress",
    "data",
    "param_dtype",
    "evaluations",
    "changes",
    "arrays",
)


class SchemaError(Exception):
    """The snapshot's content is not what this version writes; the text names the field."""


def state_problem(state: RunState, arrays: dict[str, np.ndarray]) -> str | None:
    """Why ``state`` must be neither saved nor resumed, or None. ``arrays`` are its members
    (``params.<name>``, ``velocity.<name>``, ``history.<metric>``). Save and load both run this,
    so whatever saves also loads."""
    for key, array in arrays.items():
        if key.startswith(("params.", "velocity.")) and not np.isfinite(array).all():
            return f"{key} holds NaN or infinite values (the run diverged)"
    config = state.config
    if not 1 <= state.epoch <= config.epochs + 1:
        return f"epoch {state.epoch} is outside 1–{config.epochs + 1}"
    if not 1 <= state.train_size <= MAX_DATA_SIZE or not 0 <= state.test_size <= MAX_DATA_SIZE:
        return f"data sizes {state.train_size}/{state.test_size} are impossible"
    if not 0 <= state.position <= state.train_size:
        return f"position {state.position} is outside 0–{state.train_size}"
    if state.epoch == config.epochs + 1 and state.position != 0:
        return "the run is past its last epoch but mid-way through an epoch"
    if not 0 <= state.step <= MAX_STEP:
        return f"step {state.step} is outside 0–{MAX_STEP}"
    losses, accs, lrs, epochs = (
        arrays[f"history.{k}"] for k in ("losses", "accuracies", "lrs", "epochs")
    )
    if not len(losses) == len(accs) == len(lrs) == len(epochs) == state.step:
        return (
            f"history holds {len(losses)}/{len(accs)}/{len(lrs)}/{len(epochs)} "
            f"losses/accuracies/lrs/epochs for {state.step} steps (one each per step)"
        )
    if not (np.isfinite(losses).all() and (losses >= 0).all()):
        return "history losses must be finite and ≥ 0"
    if not ((accs >= 0) & (accs <= 1)).all():  # comparisons with NaN are False: NaN refused
        return "history accuracies must lie in [0, 1]"
    if not ((lrs >= LR_RANGE[0]) & (lrs <= LR_RANGE[1])).all():
        return f"history learning rates must lie in {LR_RANGE[0]:g}–{LR_RANGE[1]:g}"
    if len(epochs) and (epochs[0] < 1 or (np.diff(epochs) < 0).any() or epochs[-1] > state.epoch):
        return "history epochs must rise from 1 to the current epoch"
    for e in state.history.evaluations:
        if e.step > state.step:
            return f"an evaluation at step {e.step} lies after step {state.step}"
    for c in state.history.changes:
        if c.step > state.step:
            return f"a change at step {c.step} lies after step {state.step}"
    return None


def short(value: Any) -> str:
    """``repr(value)``, at most 40 characters (hostile files can hold anything)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
