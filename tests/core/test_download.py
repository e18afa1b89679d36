"""Tests for core.download against a local HTTP server whose paths are faults (faults.md B).

Mirrors are ``http://127.0.0.1:<port>/<fault>/``; the files are tiny synthetic IDX sets with their
own digests, so nothing here touches the real mirrors or needs the network.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from idx_files import mnist_like, sha256

from cnn_tui.core.data import download
from cnn_tui.core.data.download import DownloadError, download_mnist, stderr_progress, verify_file
from cnn_tui.core.data.mnist import MNIST_FILES, MnistFile, load_mnist

RAW = mnist_like(train=12, test=5)  # stem -> decompressed bytes
FILES = tuple(MnistFile(stem, len(data), sha256(data)) for stem, data in RAW.items())
# Served gzip bytes: a different wrapper (mtime, level) than any local copy, as real mirrors do.
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


@pytest.fixture
def server() -> Iterator[FaultServer]:
    srv = FaultServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.stop.set()  # releases stalled handlers
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def fetch(folder: Path, *mirrors: str, timeout: float = 2.0, **kwargs) -> list[Path]:
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


# --- success -------------------------------------------------------------------------------------


def test_good_download_is_verified_and_loadable(server: FaultServer, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int | None]] = []
    folder = tmp_path / "new" / "mnist"  # created on the way
    paths = fetch(folder, server.mirror("good"), progress=lambda *a: seen.append(a))
    assert [p.name for p in paths] == list(SERVED)
    assert leftovers(folder) == sorted(SERVED)
    for path in paths:
        assert path.read_bytes() == SERVED[path.name]
    train, test = load_mnist(folder)
    assert (len(train), len(test)) == (12, 5)
    last = {name: (done, total) for name, done, total in seen}
    assert last == {name: (len(body), len(body)) for name, body in SERVED.items()}


def test_verified_files_are_not_fetched_again(server: FaultServer, tmp_path: Path) -> None:
    fetch(tmp_path, server.mirror("good"))
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    server.hits.clear()
    fetch(tmp_path, server.mirror("good"))
    assert server.hits == Counter()
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before


def test_a_raw_verified_copy_counts_and_only_missing_files_come(
    server: FaultServer, tmp_path: Path
) -> None:
    stem = FILES[0].stem
    (tmp_path / stem).write_bytes(RAW[stem])  # the user unpacked this one
    paths = fetch(tmp_path, server.mirror("good"))
    assert paths[0] == tmp_path / stem
    assert server.hits["good"] == 3


def test_b11_corrupt_cached_gz_is_replaced(server: FaultServer, tmp_path: Path) -> None:
    target = tmp_path / "train-labels-idx1-ubyte.gz"
    target.write_bytes(SERVED[target.name][:20])  # a half file from an earlier tool
    fetch(tmp_path, server.mirror("good"))
    assert target.read_bytes() == SERVED[target.name]
    assert verify_file(target, FILES[1]) is None


def test_redirect_within_http_is_followed(server: FaultServer, tmp_path: Path) -> None:
    fetch(tmp_path, server.mirror("redirect"))
    assert server.hits["redirect"] == 4 and server.hits["good"] == 4


# --- B: each fault falls through to the next mirror ----------------------------------------------


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("404", r"HTTP 404 Not Found"),
        ("short", r"connection closed after \d[\d,]* of \d[\d,]* bytes"),
        ("wrong", r"checksum mismatch for train-images-idx3-ubyte\.gz \(expected [0-9a-f]{16}…"),
        ("html", r"got an HTML page instead of the file"),
        ("loop", r"HTTP 302 .*infinite loop"),
        ("endless", r"server sent more than [\d,]+ bytes — aborted"),
        ("huge", r"server announces 10,000,000,000 bytes, more than expected"),
    ],
)
def test_fault_then_next_mirror(server: FaultServer, tmp_path: Path, fault: str, reason: str):
    paths = fetch(tmp_path, server.mirror(fault), server.mirror("good"))
    assert leftovers(tmp_path) == sorted(SERVED)  # no .part left by the failed attempt
    assert all(p.read_bytes() == SERVED[p.name] for p in paths)
    # After one success the good mirror goes first: the faulty one was tried only once
    # (urllib follows a redirect loop 4 times before it gives up).
    assert server.hits[fault] == (5 if fault == "loop" else 1)
    fails(tmp_path / "alone", server.mirror(fault), match=reason)


@pytest.mark.parametrize("fault", ["slow", "slowheaders"])
def test_b3_stalled_server_times_out(server: FaultServer, tmp_path: Path, fault: str) -> None:
    start = time.monotonic()
    fetch(tmp_path, server.mirror(fault), server.mirror("good"), timeout=0.5)
    assert time.monotonic() - start < STALL_LIMIT  # gave up on the stall, did not wait it out
    fails(
        tmp_path / "x", server.mirror(fault), timeout=0.5, match=r"no data for 0\.5 s \(timed out"
    )


def test_b1_b2_all_mirrors_fail(server: FaultServer, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/mnist/"
    text = fails(tmp_path, server.mirror("404"), closed, match=r"could not download train-images")
    assert f"{server.mirror('404')} (HTTP 404 Not Found)" in text
    assert f"{closed} (cannot connect (" in text
    assert "copy the four files (train-images-idx3-ubyte.gz, " in text


def test_b12_tls_failure_is_reported_not_bypassed(server: FaultServer, tmp_path: Path) -> None:
    fails(tmp_path, server.mirror("good", scheme="https"), match=r"TLS error .*checks stay on")


def test_unsupported_scheme_is_refused(tmp_path: Path) -> None:
    fails(tmp_path, "file:///etc/", match=r"file:///etc/ \(unsupported URL scheme")


# --- redirects may not drop TLS ------------------------------------------------------------------


def test_b6_https_to_http_redirect_refused() -> None:
    handler = download._NoDowngradeRedirect()
    request = urllib.request.Request("https://mirror.example/mnist/x.gz")
    for target in ("http://evil.example/x.gz", "ftp://mirror.example/x.gz"):
        with pytest.raises(urllib.error.HTTPError, match=r"redirect from https to \w+ refused"):
            handler.redirect_request(request, io.BytesIO(), 302, "Found", {}, target)
    upgraded = handler.redirect_request(request, None, 301, "Moved", {}, "https://b.example/x")
    assert upgraded is not None and upgraded.full_url == "https://b.example/x"
    plain = urllib.request.Request("http://mirror.example/x.gz")
    assert handler.redirect_request(plain, None, 302, "Found", {}, "https://mirror.example/x.gz")


# --- files on disk -------------------------------------------------------------------------------


def test_b9_stale_part_files_are_removed_at_start(server: FaultServer, tmp_path: Path) -> None:
    stale = [
        tmp_path / "train-images-idx3-ubyte.gz.k1ll3d.part",
        tmp_path / "t10k-labels-idx1-ubyte.gz.x.part",
    ]
    for path in stale:
        path.write_bytes(b"half")
    (tmp_path / "notes.part").write_bytes(b"not ours")
    fails_dir = tmp_path
    with pytest.raises(DownloadError):
        fetch(fails_dir, server.mirror("404"))
    assert not any(p.exists() for p in stale)
    assert (tmp_path / "notes.part").exists()  # only our own names are cleaned


def test_b8_interrupt_deletes_the_part_and_reraises(server: FaultServer, tmp_path: Path) -> None:
    def interrupt(name: str, done: int, total: int | None) -> None:
        if done > 0 and name == "train-labels-idx1-ubyte.gz":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch(tmp_path, server.mirror("good"), progress=interrupt)
    assert leftovers(tmp_path) == ["train-images-idx3-ubyte.gz"]  # verified before the interrupt


def test_b10_disk_full_stops_with_a_clear_message(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fdopen = os.fdopen

    class FullDisk(io.RawIOBase):
        def __init__(self, handle: int) -> None:
            self.file = real_fdopen(handle, "wb")

        def write(self, data) -> int:  # type: ignore[override]
            raise OSError(28, "No space left on device")

        def close(self) -> None:
            self.file.close()
            super().close()

    monkeypatch.setattr(download.os, "fdopen", lambda handle, mode: FullDisk(handle))
    with pytest.raises(DownloadError, match=r"cannot write .*\.part: No space left on device"):
        fetch(tmp_path, server.mirror("good"), server.mirror("redirect"))
    assert leftovers(tmp_path) == []
    assert server.hits["redirect"] == 0  # a local failure does not try other mirrors


def test_target_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.write_text("keep")
    with pytest.raises(DownloadError, match=r"data is a file, not a directory"):
        fetch(target, "http://127.0.0.1:9/")
    assert target.read_text() == "keep"


# --- verify_file ---------------------------------------------------------------------------------


def test_verify_file_reasons(tmp_path: Path) -> None:
    expected = FILES[1]
    good = tmp_path / "ok.gz"
    good.write_bytes(SERVED[expected.gz_name])
    assert verify_file(good, expected) is None
    raw = tmp_path / "raw"
    raw.write_bytes(RAW[expected.stem])
    assert verify_file(raw, expected) is None
    cases = {
        b"": r"holds 0 bytes",
        b"<html>": r"HTML page",
        SERVED[expected.gz_name][:-5]: r"incomplete",
        SERVED[expected.gz_name] + b"junk": r"corrupt gzip",
        gzip.compress(RAW[expected.stem] + b"\0"): r"decompresses to more than the 20 bytes",
    }
    for content, reason in cases.items():
        raw.write_bytes(content)
        assert __import__("re").search(reason, verify_file(raw, expected) or ""), reason


# --- progress bar --------------------------------------------------------------------------------


def test_stderr_progress_plain_and_tty() -> None:
    plain = io.StringIO()
    show = stderr_progress(plain)
    for done in (0, 50, 100):
        show("a.gz", done, 100)
    show("b.gz", 10, None)
    assert plain.getvalue() == "downloading a.gz\ndownloading b.gz\n"

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    show = stderr_progress(tty, width=10)
    show("a.gz", 0, 2_000_000)
    show("a.gz", 2_000_000, 2_000_000)
    assert tty.getvalue().endswith("\ra.gz [##########] 100% 2.0/2.0 MB\n")


# --- the real MNIST ------------------------------------------------------------------------------


@pytest.mark.mnist
def test_real_mnist_folder_verifies_and_needs_no_network() -> None:
    folder = os.environ.get("CNN_TUI_DATA")
    if not folder:
        if os.environ.get("CI"):
            pytest.fail("CNN_TUI_DATA must point at the MNIST folder in CI")
        pytest.skip("CNN_TUI_DATA is not set")
    for expected in MNIST_FILES:
        assert verify_file(Path(folder) / expected.gz_name, expected) is None
    # Everything verified: no mirror is contacted (an empty mirror list would fail otherwise).
    paths = download_mnist(Path(folder), mirrors=())
    assert [p.name for p in paths] == [f.gz_name for f in MNIST_FILES]


def test_a_failed_rename_is_a_clear_error(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(download.os, "replace", refuse)
    with pytest.raises(DownloadError, match=r"cannot save .*train-images-idx3-ubyte\.gz: Read-o"):
        fetch(tmp_path, server.mirror("good"))
    assert leftovers(tmp_path) == []
