"""Provides ``closing_lines``: what a run prints when it ends — its last snapshot, and the
command that goes on from it (the same lines after a headless run and after the dashboard)."""

from __future__ import annotations

import shlex


def closing_lines(
    snapshot: str | None, *, finished: bool, epochs: int, headless: bool
) -> list[str]:
    """The last snapshot's path and how to resume it; nothing when no snapshot was written.

    Args:
        snapshot: the path of the run's last snapshot, or None.
        finished: the run did all its epochs (a resume then needs more of them).
        epochs: the epochs the run was asked for.
        headless: the run was headless (the command it suggests is headless too).
    """
    if not snapshot:
        return []
    command = ["cnn-tui", "train", "--headless"] if headless else ["cnn-tui"]
    command += ["--resume", snapshot]
    if finished:
        command += ["--epochs", str(epochs + 1)]
    verb = "train on with" if finished else "resume with"
    return [f"last snapshot: {snapshot}", f"{verb}: {shlex.join(command)}"]
