"""The download against a local fault server: good fetches, and each fault of docs/faults.md
section B falling through to the next mirror (B1–B7, B11, B12), with one line when all fail."""

from __future__ import annotations

import io
import socket
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from cnn_tui.core.data import fetch as fetch_module
from cnn_tui.core.data.download import verify_file
from cnn_tui.core.data.load import load_mnist
from tests.core.download_server import (
    FILES,
    RAW,
    SERVED,
    STALL_LIMIT,
    FaultServer,
    fails,
    fetch,
    leftovers,
)

# --- success -------------------------------------------------------------------------------------


def test_good_download_is_verified_and_loadable(fault_server: FaultServer, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int | None]] = []
    folder = tmp_path / "new" / "mnist"  # created on the way
    paths = fetch(folder, fault_server.mirror("good"), progress=lambda *a: seen.append(a))
    assert [p.name for p in paths] == list(SERVED)
    assert leftovers(folder) == sorted(SERVED)
    for path in paths:
        assert path.read_bytes() == SERVED[path.name]
    train, test = load_mnist(folder)
    assert (len(train), len(test)) == (12, 5)
    last = {name: (done, total) for name, done, total in seen}
    assert last == {name: (len(body), len(body)) for name, body in SERVED.items()}


def test_verified_files_are_not_fetched_again(fault_server: FaultServer, tmp_path: Path) -> None:
    fetch(tmp_path, fault_server.mirror("good"))
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    fault_server.hits.clear()
    fetch(tmp_path, fault_server.mirror("good"))
    assert fault_server.hits == Counter()
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before


def test_a_raw_verified_copy_counts_and_only_missing_files_come(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    stem = FILES[0].stem
    (tmp_path / stem).write_bytes(RAW[stem])  # the user unpacked this one
    paths = fetch(tmp_path, fault_server.mirror("good"))
    assert paths[0] == tmp_path / stem
    assert fault_server.hits["good"] == 3


def test_b11_corrupt_cached_gz_is_replaced(fault_server: FaultServer, tmp_path: Path) -> None:
    target = tmp_path / "train-labels-idx1-ubyte.gz"
    target.write_bytes(SERVED[target.name][:20])  # a half file from an earlier tool
    fetch(tmp_path, fault_server.mirror("good"))
    assert target.read_bytes() == SERVED[target.name]
    assert verify_file(target, FILES[1]) is None


def test_redirect_within_http_is_followed(fault_server: FaultServer, tmp_path: Path) -> None:
    fetch(tmp_path, fault_server.mirror("redirect"))
    assert fault_server.hits["redirect"] == 4 and fault_server.hits["good"] == 4


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
def test_fault_then_next_mirror(fault_server: FaultServer, tmp_path: Path, fault: str, reason: str):
    paths = fetch(tmp_path, fault_server.mirror(fault), fault_server.mirror("good"))
    assert leftovers(tmp_path) == sorted(SERVED)  # no .part left by the failed attempt
    assert all(p.read_bytes() == SERVED[p.name] for p in paths)
    # After one success the good mirror goes first: the faulty one was tried only once
    # (urllib follows a redirect loop 4 times before it gives up).
    assert fault_server.hits[fault] == (5 if fault == "loop" else 1)
    fails(tmp_path / "alone", fault_server.mirror(fault), match=reason)


@pytest.mark.parametrize("fault", ["slow", "slowheaders"])
def test_b3_stalled_server_times_out(fault_server: FaultServer, tmp_path: Path, fault: str) -> None:
    start = time.monotonic()
    fetch(tmp_path, fault_server.mirror(fault), fault_server.mirror("good"), timeout=0.5)
    assert time.monotonic() - start < STALL_LIMIT  # gave up on the stall, did not wait it out
    fails(
        tmp_path / "x",
        fault_server.mirror(fault),
        timeout=0.5,
        match=r"no data for 0\.5 s \(timed out",
    )


def test_b1_b2_all_mirrors_fail(fault_server: FaultServer, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/mnist/"
    text = fails(
        tmp_path, fault_server.mirror("404"), closed, match=r"could not download train-images"
    )
    assert f"{fault_server.mirror('404')} (HTTP 404 Not Found)" in text
    assert f"{closed} (cannot connect (" in text
    assert "copy the four files (train-images-idx3-ubyte.gz, " in text


def test_b12_tls_failure_is_reported_not_bypassed(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    fails(
        tmp_path, fault_server.mirror("good", scheme="https"), match=r"TLS error .*checks stay on"
    )


def test_unsupported_scheme_is_refused(tmp_path: Path) -> None:
    fails(tmp_path, "file:///etc/", match=r"file:///etc/ \(unsupported URL scheme")


# --- redirects may not drop TLS ------------------------------------------------------------------


def test_b6_https_to_http_redirect_refused() -> None:
    handler = fetch_module.NoDowngradeRedirect()
    request = urllib.request.Request("https://mirror.example/mnist/x.gz")
    for target in ("http://evil.example/x.gz", "ftp://mirror.example/x.gz"):
        with pytest.raises(urllib.error.HTTPError, match=r"redirect from https to \w+ refused"):
            handler.redirect_request(request, io.BytesIO(), 302, "Found", {}, target)
    upgraded = handler.redirect_request(request, None, 301, "Moved", {}, "https://b.example/x")
    assert upgraded is not None and upgraded.full_url == "https://b.example/x"
    plain = urllib.request.Request("http://mirror.example/x.gz")
    assert handler.redirect_request(plain, None, 302, "Found", {}, "https://mirror.example/x.gz")
