"""Provides ``connect``: ``cnn-tui attach``'s target found, reached and greeted.

A target is a run folder's path, a socket's path, ``HOST:PORT`` or ``tcp:HOST:PORT`` (a ``--serve
tcp:…`` run, e.g. forwarded over SSH), or a run's name looked up in the snapshot folder
(``find_run_folder``, the one place that lookup happens). The token is read from the run folder
(or ``--token FILE``); without one the viewer is read-only. Every failure is a ``ConnectError``
with one line saying what went wrong.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

from cnn_tui.core.remote.endpoint import SOCKET_NAME, TOKEN_NAME, run_folder
from cnn_tui.core.remote.protocol import MAX_LINE, message
from cnn_tui.tui.attach.remote_link import RemoteLink

HELLO_TIMEOUT = 10.0
"""Seconds the server has to answer the hello (it answers at once unless it is wedged)."""

Address = Path | tuple[str, int]
"""A Unix socket's path, or a TCP host and port."""


class ConnectError(OSError):
    """The target cannot be attached to; the message says why, in one line."""


def find_run_folder(snapshot_dir: Path, name: str) -> Path:
    """A run's folder from its name in ``snapshot_dir`` (the run folders' own lookup)."""
    try:
        return run_folder(snapshot_dir, name)
    except (LookupError, OSError) as error:
        raise ConnectError(f"{name}: {error}") from None


def resolve(target: str, snapshot_dir: Path) -> tuple[Address, Path | None]:
    """Where to connect, and the run folder (for the token; None for TCP)."""
    path = Path(target)
    if path.is_dir():
        return path / SOCKET_NAME, path
    if path.exists():
        return path, path.parent
    spec = target[4:] if target.startswith("tcp:") else target
    host, _, port = spec.rpartition(":")
    if host and port.isdigit():
        if not 0 < int(port) <= 65535:
            raise ConnectError(f"{target}: the port must be 1–65535")
        return (host.strip("[]"), int(port)), None
    if "/" in target or target.startswith("tcp:"):
        raise ConnectError(f"{target}: no such run folder, socket or HOST:PORT")
    folder = find_run_folder(snapshot_dir, target)
    return folder / SOCKET_NAME, folder


def read_token(token_file: Path | None, folder: Path | None) -> str | None:
    """The token from ``--token FILE`` (which must be readable) or the run folder (if there)."""
    if token_file is not None:
        try:
            return token_file.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as error:
            why = getattr(error, "strerror", None) or error
            raise ConnectError(f"cannot read the token {token_file}: {why}") from None
    if folder is not None:
        try:
            return (folder / TOKEN_NAME).read_text(encoding="ascii").strip() or None
        except (OSError, UnicodeDecodeError):
            return None  # not ours to read (or gone): watch read-only
    return None


def open_socket(address: Address) -> socket.socket:
    """A connected socket to ``address``; ``ConnectError`` when nothing serves there."""
    where = describe(address)
    try:
        if isinstance(address, tuple):
            return socket.create_connection(address, timeout=HELLO_TIMEOUT)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(HELLO_TIMEOUT)
        deadline = time.monotonic() + HELLO_TIMEOUT
        while True:
            try:
                sock.connect(str(address))
                return sock
            except BlockingIOError:  # its backlog is full (the server is busy): wait for room
                if time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                sock.close()
                raise
            except OSError:
                sock.close()
                raise
    except OSError as error:
        why = error.strerror or str(error)
        if isinstance(address, Path) and not address.exists():
            why = "no socket there (is the run still going, started with --serve?)"
            token = address.parent / TOKEN_NAME
            if token.exists():  # a live token and no socket: it serves on a TCP port
                why = "it serves on a TCP port: attach to HOST:PORT (its output says) "
                why += f"--token {token}"
        raise ConnectError(f"cannot reach {where}: {why}") from None


def describe(address: Address) -> str:
    return str(address) if isinstance(address, Path) else f"{address[0]}:{address[1]}"


def connect(
    target: str, snapshot_dir: Path, *, token_file: Path | None = None, read_only: bool = False
) -> RemoteLink:
    """A greeted ``RemoteLink`` to the run (not started: the dashboard starts it)."""
    address, folder = resolve(target, snapshot_dir)
    token = None if read_only else read_token(token_file, folder)
    where = describe(address)
    sock = open_socket(address)
    reader = sock.makefile("rb")
    try:
        sock.sendall(message("hello", {"token": token}))
        answer = json.loads(reader.readline(MAX_LINE) or b"{}")
    except (OSError, ValueError) as error:
        reader.close()
        sock.close()
        raise ConnectError(f"{where} did not answer as a cnn-tui run: {error}") from None
    welcome = answer.get("welcome") if isinstance(answer, dict) else None
    if not isinstance(welcome, dict):
        reader.close()
        sock.close()
        why = answer.get("refused") if isinstance(answer, dict) else None
        raise ConnectError(f"{where} refused: {why or 'not a cnn-tui run'}")
    sock.settimeout(None)
    return RemoteLink(
        sock,
        reader,
        steer=welcome.get("steer") is True,
        run_name=str(welcome.get("run", "run")),
        history=count if isinstance(count := welcome.get("history"), int) else 0,
        where=where,
        target=target,
    )
