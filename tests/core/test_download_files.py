"""The download's files on disk: stale ``.part`` files, Ctrl+C, a full disk, a failed rename
(B8–B10), ``verify_file``'s reasons, the progress bar, and the real MNIST folder."""

from __future__ import annotations

import gzip
import io
import os
import re
from pathlib import Path

import pytest

from cnn_tui.core.data import download
from cnn_tui.core.data.download import DownloadError, download_mnist, verify_file
from cnn_tui.core.data.mnist_files import MNIST_FILES
from cnn_tui.core.data.progress_bar import stderr_progress
from tests.core.download_server import FILES, RAW, SERVED, FaultServer, fetch, leftovers

# --- files on disk -------------------------------------------------------------------------------


def test_b9_stale_part_files_are_removed_at_start(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    stale = [
        tmp_path / "train-images-idx3-ubyte.gz.k1ll3d.part",
        tmp_path / "t10k-labels-idx1-ubyte.gz.x.part",
    ]
    for path in stale:
        path.write_bytes(b"half")
    (tmp_path / "notes.part").write_bytes(b"not ours")
    fails_dir = tmp_path
    with pytest.raises(DownloadError):
        fetch(fails_dir, fault_server.mirror("404"))
    assert not any(p.exists() for p in stale)
    assert (tmp_path / "notes.part").exists()  # only our own names are cleaned


def test_b8_interrupt_deletes_the_part_and_reraises(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    def interrupt(name: str, done: int, total: int | None) -> None:
        if done > 0 and name == "train-labels-idx1-ubyte.gz":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch(tmp_path, fault_server.mirror("good"), progress=interrupt)
    assert leftovers(tmp_path) == ["train-images-idx3-ubyte.gz"]  # verified before the interrupt


def test_b10_disk_full_stops_with_a_clear_message(
    fault_server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
        fetch(tmp_path, fault_server.mirror("good"), fault_server.mirror("redirect"))
    assert leftovers(tmp_path) == []
    assert fault_server.hits["redirect"] == 0  # a local failure does not try other mirrors


def test_a_failed_rename_is_a_clear_error(
    fault_server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(download.os, "replace", refuse)
    with pytest.raises(DownloadError, match=r"cannot save .*train-images-idx3-ubyte\.gz: Read-o"):
        fetch(tmp_path, fault_server.mirror("good"))
    assert leftovers(tmp_path) == []


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
        assert re.search(reason, verify_file(raw, expected) or ""), reason


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
