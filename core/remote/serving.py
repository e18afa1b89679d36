"""Provides ``ServedRun``: a run's server with its socket and token files, from start to cleanup.

The headless trainer (tui/cli/headless.py) makes one for ``--serve``: its ``commands`` queue is
the trainer's command source and its ``broadcast`` rides along the trainer's ``emit``. Closing
says goodbye to the viewers and removes the socket and the token: a finished run cannot be
steered by a token that is lying around.
"""

from __future__ import annotations

import queue
from pathlib import Path

from cnn_tui.core.contract.commands import Command
from cnn_tui.core.contract.events import Event
from cnn_tui.core.remote.endpoint import (
    Address,
    EndpointError,
    listen,
    remove_quietly,
    write_token,
)
from cnn_tui.core.remote.server import RunServer


class ServedRun:
    """Listen on ``serve`` ("unix" or ``tcp:HOST:PORT``) for the run in ``folder``."""

    def __init__(self, serve: str, folder: Path, run_name: str) -> None:
        self.commands: queue.Queue[Command] = queue.Queue()
        try:
            sock, self.address = listen(serve, folder)
        except OSError as error:  # the folder itself cannot be made
            raise EndpointError(f"cannot serve from {folder}: {error.strerror or error}") from None
        try:
            self.token, self.token_path = write_token(folder)
        except OSError as error:
            sock.close()
            remove_quietly(self.address.path)
            raise EndpointError(f"cannot write the token in {folder}: {error.strerror}") from None
        self.server = RunServer(sock, self.token, self.commands, run_name=run_name)

    @property
    def where(self) -> Address:
        return self.address

    def start(self) -> None:
        self.server.start()

    def broadcast(self, event: Event) -> None:
        """Hand the event to every viewer (never waits)."""
        self.server.broadcast(event)

    def close(self) -> None:
        """Goodbye to the viewers; the socket and the token are removed."""
        self.server.close()
        remove_quietly(self.address.path)
        remove_quietly(self.token_path)
