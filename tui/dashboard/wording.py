"""Provides the dashboard's words for what happens: the pending line of a command the trainer has
not answered yet ("pausing…", "lr → 0.02…") and a change as the loss chart marks it
("lr 0.01→0.02"). Pure Python; ``TrainingState`` uses them (durations: ``tui/formatting.py``)."""

from __future__ import annotations

import math

from cnn_tui.core.contract import commands as cmd

PENDING_KIND = {
    "Pause": "run",
    "Resume": "run",
    "Step": "run",
    "Stop": "run",
    "SetHyperparameters": "hyper",
    "Evaluate": "eval",
    "SaveSnapshot": "snapshot",
}
"""Command class name → the pending line it holds (one per kind: "run", "hyper", …)."""


def pending_line(command: cmd.Command) -> tuple[str, str] | None:
    """(kind, text) shown while ``command`` waits for its answer; None when nothing is shown."""
    match command:
        case cmd.Pause():
            return "run", "pausing…"
        case cmd.Resume():
            return "run", "resuming…"
        case cmd.Step(batches=n):
            return "run", "stepping…" if n == 1 else f"stepping {n}…"
        case cmd.SetHyperparameters():
            asked = (
                ("lr", command.lr),
                ("momentum", command.momentum),
                ("batch", command.batch_size),
                ("decay", command.weight_decay),
            )
            parts = [f"{name} → {number(value)}" for name, value in asked if value is not None]
            return "hyper", ", ".join(parts) + "…"
        case cmd.Evaluate():
            return "eval", "evaluating…"
        case cmd.SaveSnapshot():
            return "snapshot", "saving snapshot…"
        case cmd.Stop(save=save):
            return "run", "stopping (saving)…" if save else "stopping…"
    return None


def number(value: float | int | None) -> str:
    """A hyperparameter's value in at most four significant digits ("?" when unknown)."""
    if value is None:
        return "?"
    if isinstance(value, int):
        return str(value)
    return f"{value:.4g}"


def change_text(kind: str, old: float | None, new: float | None) -> str:
    """ "lr 0.01→0.02", "batch 64" (no old value), "decay" (no new value)."""
    label = {"batch_size": "batch", "weight_decay": "decay"}.get(kind, kind)
    if new is None:
        return label
    if old is None or (isinstance(old, float) and math.isnan(old)):
        return f"{label} {number(new)}"
    return f"{label} {number(old)}→{number(new)}"


def viewer_banner(link: object) -> tuple[str, str] | None:
    """The line above an attached dashboard (``cnn-tui attach``) and its layout class: whose run,
    and whether this viewer can steer; None on a local run's link."""
    if getattr(link, "viewer", False) is not True:
        return None
    run, where = getattr(link, "run_name", "run"), getattr(link, "where", "")
    if getattr(link, "steer", False):
        text = f"attached to {run} · steering · q leaves it running · X X stops it · {where}"
        return text, "-steer"
    return f"READ-ONLY: attached to {run} without its token · q leaves it running", "-read-only"
