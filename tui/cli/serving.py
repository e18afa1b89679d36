"""Provides ``start_serving``: ``--serve`` for a headless run — the server started, and a line
saying where it listens and the command that attaches (the token's file, never the token)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cnn_tui.core.contract.events import Event
from cnn_tui.core.remote.endpoint import EndpointError
from cnn_tui.core.remote.serving import ServedRun


def start_serving(
    serve: str, folder: Path | None, run_name: str, say: Callable[[str], None]
) -> ServedRun:
    """Listen for viewers of ``run_name``, whose run folder (core/runs/folder.py) is ``folder``;
    ``EndpointError`` (an ``OSError``) says why not."""
    if folder is None:
        raise EndpointError("--serve needs the snapshot folder (its run folder holds the token)")
    served = ServedRun(serve, folder, run_name)
    served.start()
    say(f"serving on {served.address.describe()} · watch it: {attach_command(served)}")
    say(f"the token in {served.token_path} lets a viewer steer (keep it private)")
    return served


def attach_command(served: ServedRun) -> str:
    """The command that watches ``served`` (as typed, no quotes: paste it as it is)."""
    if served.address.path is not None:  # the run folder: its socket, and its token if readable
        return f"cnn-tui attach {served.address.path.parent}"
    return f"cnn-tui attach {served.address.describe()} --token {served.token_path}"


def both(
    first: Callable[[Event], None], second: Callable[[Event], None]
) -> Callable[[Event], None]:
    """One emit that calls ``first`` then ``second``."""

    def emit(event: Event) -> None:
        first(event)
        second(event)

    return emit
