"""Provides ``start_serving``: ``--serve`` for a headless run — the server started, and a line
saying where it listens and how to attach (the token's file, never the token)."""

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
    where = served.address.describe()
    if served.address.path is not None:
        say(f"serving on {where}: watch with `cnn-tui attach {served.address.path.parent}`")
    else:
        say(f"serving on {where}: watch with `cnn-tui attach {where} --token {served.token_path}`")
    say(f"the token in {served.token_path} lets a viewer steer (keep it private)")
    return served


def both(
    first: Callable[[Event], None], second: Callable[[Event], None]
) -> Callable[[Event], None]:
    """One emit that calls ``first`` then ``second``."""

    def emit(event: Event) -> None:
        first(event)
        second(event)

    return emit
