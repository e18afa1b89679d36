"""Helpers for the attach server's tests: a served run in a temporary folder, and plain-socket
viewers that speak the protocol line by line (or refuse to)."""

from __future__ import annotations

import json
import queue
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cnn_tui.core.contract.commands import Command
from cnn_tui.core.contract.events import Event
from cnn_tui.core.remote.codec import decode_event
from cnn_tui.core.remote.endpoint import listen, write_token
from cnn_tui.core.remote.outbox import Outbox
from cnn_tui.core.remote.server import RunServer

WAIT = 10.0  # seconds a condition may take before the test fails (never hit when it works)


def serve(
    folder: Path, outbox: Callable[[], Outbox] = Outbox
) -> tuple[RunServer, queue.Queue[Command], str]:
    """A started server on ``folder``'s Unix socket; its command queue; its token."""
    sock, _ = listen("unix", folder)
    token, _ = write_token(folder)
    commands: queue.Queue[Command] = queue.Queue()
    server = RunServer(sock, token, commands, run_name="t", outbox=outbox)  # type: ignore[arg-type]
    server.start()
    return server, commands, token


class Viewer:
    """A blocking protocol client over a plain socket."""

    def __init__(self, path: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(WAIT)
        self.sock.connect(str(path))
        self.file = self.sock.makefile("rb")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def hello(self, token: str | None = None) -> dict[str, Any]:
        self.send(json.dumps({"v": 1, "hello": {"token": token}}).encode() + b"\n")
        return self.line()

    def line(self) -> dict[str, Any]:
        """The next line, parsed; {} at the end of the stream."""
        raw = self.file.readline()
        return json.loads(raw) if raw.strip() else {}

    def events(self, count: int) -> list[Event]:
        """The next ``count`` events (fails on anything else)."""
        out = []
        while len(out) < count:
            line = self.line()
            assert "event" in line, line
            out.append(decode_event(line["event"]))
        return out

    def close(self) -> None:
        self.file.close()
        self.sock.close()


def wait_until(condition: Callable[[], bool]) -> None:
    """Poll ``condition`` until it holds (it must within ``WAIT`` seconds)."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)
