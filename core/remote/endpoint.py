"""Provides where a served run listens: the run folder's socket and token, or a TCP port.

``--serve`` alone: a Unix socket ``serve.sock`` in the run's folder (``<snapshot-dir>/<run
folder>/``, ``core/runs/folder.py``), mode 0600 (only its owner can connect). ``--serve
tcp:[HOST:]PORT``: TCP, on 127.0.0.1 unless another host is named (to reach it from elsewhere,
forward the port over SSH). The token that lets a viewer steer is written 0600 in the run folder
either way.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

SOCKET_NAME = "serve.sock"
TOKEN_NAME = "token"
BACKLOG = 64
"""Connections the kernel holds until the server's thread accepts them (a Unix socket refuses
one more at once, "Resource temporarily unavailable": 8 filled up under the fuzz test's flood)."""


class EndpointError(OSError):
    """The address cannot be served on; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Address:
    """A Unix socket path, or a TCP host and port."""

    path: Path | None = None
    host: str = "127.0.0.1"
    port: int = 0

    def describe(self) -> str:
        return str(self.path) if self.path is not None else f"{self.host}:{self.port}"


def run_folder(snapshot_dir: Path, run_name: str) -> Path:
    """The run's own folder, where its socket and token live: ``run_name`` is a run folder's
    path, its name in ``snapshot_dir``, or a run's name (its newest run); see
    ``core/runs/folder.py``. ``RunLookupError`` (a ``LookupError``, one line) when none fits."""
    from cnn_tui.core.runs.folder import find_run

    return find_run(snapshot_dir, run_name)


def parse_serve(value: str) -> str:
    """``--serve``'s value checked: "unix" (the default) or ``tcp:[HOST:]PORT``."""
    if value == "unix":
        return value
    if not value.startswith("tcp:"):
        raise ValueError(f"{value!r}: expected tcp:PORT or tcp:HOST:PORT")
    host, _, port = value[4:].rpartition(":")
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"{value!r}: the port must be a number 0–65535")
    if host == "":
        return f"tcp:127.0.0.1:{int(port)}"
    return f"tcp:{host}:{int(port)}"


def listen(serve: str, folder: Path) -> tuple[socket.socket, Address]:
    """A listening, non-blocking socket for ``serve`` (checked by ``parse_serve``)."""
    folder.mkdir(parents=True, exist_ok=True)
    if serve == "unix":
        return _listen_unix(folder / SOCKET_NAME)
    host, _, port = serve[4:].rpartition(":")
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), int(port)))
    except OSError as error:
        raise EndpointError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock, Address(host=host, port=sock.getsockname()[1])


def _listen_unix(path: Path) -> tuple[socket.socket, Address]:
    if len(os.fsencode(path)) > 100:
        raise EndpointError(f"the socket path {path} is too long for a Unix socket; use tcp:PORT")
    if path.exists() or path.is_symlink():
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink()  # left by a run that ended without cleaning up
        else:
            raise EndpointError(f"another run is serving on {path}")
        finally:
            probe.close()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)  # the socket is born 0600: no moment when others could connect
    try:
        sock.bind(str(path))
    except OSError as error:
        sock.close()
        raise EndpointError(f"cannot listen on {path}: {error.strerror or error}") from None
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock, Address(path=path)


def write_token(folder: Path) -> tuple[str, Path]:
    """A fresh random token, written 0600 to the run folder; returns it and its file."""
    token = secrets.token_hex(16)
    path = folder / TOKEN_NAME
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # a new file, so O_EXCL makes it 0600 from the start
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(token + "\n")
    return token, path


def remove_quietly(path: Path | None) -> None:
    """Remove a socket or token file at the end of a run (already gone is fine)."""
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink()
