"""Provides a local HTTP server whose paths are faults, and helpers to download from it.

Mirrors are ``http://127.0.0.1:<port>/<fault>/`` (see ``FaultServer.mirror``); the files are tiny
synthetic IDX sets with their own digests, so nothing here touches the real mirrors or needs the
network. The ``fault_server`` fixture (``conftest.py``) starts one per test.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cnn_tui.core.data.download import DownloadError, download_mnist
from cnn_tui.core.data.mnist_files import MnistFile
from tests.core.idx_files import mnist_like, sha256

RAW = mnist_like(train=12, test=5)  # stem -> decompressed bytes


FILES = tuple(MnistFile(stem, len(data), sha256(data)) for stem, data in RAW.items())


SERVED = {stem + ".gz": gzip.compress(data, compresslevel=6, mtime=1) for stem, data in RAW.items()}


STALL_LIMIT = 3.0  # no handler waits longer than this, even if the client never gives up


class Handler(BaseHTTPRequestHandler):
    """GET /<fault>/<file name>; the fault decides how the file is (not) served."""

    server: FaultServer
    timeout = 5  # socket timeout for the handler itself: nothing here blocks for long

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        _, fault, name = self.path.split("/", 2)
        self.server.hits[fault] += 1
        body = SERVED.get(name)
        if body is None or fault == "404":
            self.send_error(404)
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._serve(fault, name, body)  # those errors: the client gave up, as it should

    def _serve(self, fault: str, name: str, body: bytes) -> None:
        stop = self.server.stop
        if fault == "redirect":
            self._redirect(f"/good/{name}")
        elif fault == "loop":
            self._redirect(self.path)
        elif fault == "slowheaders":
            stop.wait(STALL_LIMIT)
        elif fault == "html":
            self._send(b"<!DOCTYPE html><html><body>Access denied</body></html>")
        elif fault == "wrong":
            self._send(gzip.compress(RAW[name[:-3]][:-1] + b"\x07"))  # one byte differs
        else:
            self.send_response(200)
            length = {"endless": None, "huge": 10**10}.get(fault, len(body))
            if length is not None:
                self.send_header("Content-Length", str(length))
            self.end_headers()
            if fault == "short":  # half the body, then the connection closes
                self.wfile.write(body[: len(body) // 2])
            elif fault == "slow":  # headers, then silence
                self.wfile.flush()
                stop.wait(STALL_LIMIT)
            elif fault in ("endless", "huge"):
                deadline = time.monotonic() + STALL_LIMIT
                while not stop.is_set() and time.monotonic() < deadline:
                    self.wfile.write(bytes(64 * 1024))
            else:
                self.wfile.write(body)

    def _send(self, payload: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.stop = threading.Event()
        self.hits: Counter[str] = Counter()

    def mirror(self, fault: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.server_address[1]}/{fault}/"


def fetch(folder: Path, *mirrors: str, timeout: float = 2.0, **kwargs: Any) -> list[Path]:
    return download_mnist(folder, mirrors=mirrors, timeout=timeout, files=FILES, **kwargs)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def fails(folder: Path, *mirrors: str, match: str, timeout: float = 2.0) -> str:
    """Assert the download fails with one line matching ``match`` and leaves no files."""
    with pytest.raises(DownloadError, match=match) as info:
        fetch(folder, *mirrors, timeout=timeout)
    assert "\n" not in str(info.value)
    assert leftovers(folder) == []
    return str(info.value)
