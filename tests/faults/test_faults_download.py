"""Faults B1–B11: ``cnn-tui download`` with no network (offline: the proxy is closed, or accepts
and never answers), interrupted, or into a bad folder; and a corrupt cached file at train time.
"""

from __future__ import annotations

import gzip
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.helpers import (
    CLI,
    TEST_IMAGES,
    assert_clear,
    base_env,
    cli,
    headless,
    images_raw,
    make_data,
    run_main,
    sigint_default,
)


@pytest.fixture
def silent_proxy() -> Iterator[str]:
    """A TCP server on 127.0.0.1 that accepts connections and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def proxied(url: str) -> dict[str, str]:
    return base_env(https_proxy=url, HTTPS_PROXY=url, no_proxy="", NO_PROXY="")


def test_b1_no_network_one_line_exit_5(tmp_path):
    start = time.perf_counter()
    result = cli("download", "--data", str(tmp_path / "d"), env=proxied(closed_port()))
    err = result.stderr.decode()
    assert time.perf_counter() - start < 10
    assert_clear(result.returncode, err, 5, r"could not download .*tried .*ossci.*storage")
    assert not list((tmp_path / "d").glob("*"))  # no partial files


def test_b3_stalled_server_times_out(tmp_path, silent_proxy):
    start = time.perf_counter()
    result = cli("download", "--data", str(tmp_path), "--timeout", "0.5", env=proxied(silent_proxy))
    assert time.perf_counter() - start < 10
    assert_clear(result.returncode, result.stderr.decode(), 5, r"timed out")
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.slow
def test_b3_default_timeout_gives_up_within_a_minute(tmp_path, silent_proxy):
    """With the default 30 s and two mirrors, a stalled network costs 30 s in all (15 s each)."""
    start = time.perf_counter()
    result = cli("download", "--data", str(tmp_path), env=proxied(silent_proxy), timeout=120)
    elapsed = time.perf_counter() - start
    pattern = r"no data for 15 s \(timed out\).*no data for 15 s \(timed out\)"
    assert_clear(result.returncode, result.stderr.decode(), 5, pattern)
    assert elapsed < 45, elapsed  # one deadline: two 30 s timeouts in a row took 60 s


def _start_download(folder: Path, proxy: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [str(CLI), "download", "--data", str(folder)],
        env=proxied(proxy),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=sigint_default,
    )
    deadline = time.monotonic() + 10
    while not list(folder.glob("*.part")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(folder.glob("*.part")), "download never started"
    return proc


def test_b8_ctrl_c_during_download(tmp_path, silent_proxy):
    proc = _start_download(tmp_path, silent_proxy)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert_clear(proc.returncode, err.decode(), 130, r"interrupted")
    assert not list(tmp_path.glob("*.part"))


def test_b8_sigterm_during_download_leaves_no_part(tmp_path, silent_proxy):
    proc = _start_download(tmp_path, silent_proxy)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)
    assert proc.returncode in (143, -signal.SIGTERM)
    assert not list(tmp_path.glob("*.part")), list(tmp_path.iterdir())


@pytest.mark.slow
def test_b9_stale_part_removed_at_next_start(tmp_path, silent_proxy):
    proc = _start_download(tmp_path, silent_proxy)
    proc.kill()
    proc.communicate(timeout=10)
    assert list(tmp_path.glob("*.part"))  # kill -9 leaves only the .part
    cli("download", "--data", str(tmp_path), env=proxied(closed_port()))
    assert not list(tmp_path.glob("*.part"))


def test_b_download_into_a_file(tmp_path):
    (tmp_path / "f").write_bytes(b"keep")
    result = cli("download", "--data", str(tmp_path / "f"), env=proxied(closed_port()))
    assert_clear(result.returncode, result.stderr.decode(), 5, r"is a file, not a directory")
    assert (tmp_path / "f").read_bytes() == b"keep"


def test_b11_corrupt_cached_gz_refused_by_train(tmp_path, capsys):
    packed = gzip.compress(images_raw(32, 2))
    data = make_data(tmp_path, **{TEST_IMAGES + "_gz": packed[:100]})
    code, err = run_main(headless(data), capsys)
    assert_clear(code, err, 3, r"incomplete.*download it again")
