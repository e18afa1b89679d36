"""Saves that must fail (faults D10, D12, D13, E6, G1): refused states, full or read-only disks,
Ctrl+C mid-write, a failed rename — each leaves the earlier snapshots intact and no temp file;
and the order of the durable steps."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from cnn_tui.core.contract.events import Change
from cnn_tui.core.snapshot import save as save_module
from cnn_tui.core.snapshot.errors import SnapshotError
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.core.snapshot.names import latest_snapshot
from cnn_tui.core.snapshot.save import save_snapshot
from tests.core.snapshot_files import assert_same_state, folder_digest, make_state


def test_nan_weights_are_never_saved(tmp_path: Path) -> None:
    """G1/D8: a diverged state is refused; the good snapshot stays."""
    good = save_snapshot(make_state(), tmp_path, run_name="r")
    before = folder_digest(tmp_path)
    for group in ("params", "velocity"):
        for bad in (float("nan"), float("inf")):
            state = make_state()
            values = getattr(state, group)
            values["dense2.bias"][3] = bad
            with pytest.raises(SnapshotError, match=rf"not saved: {group}.dense2.bias holds NaN"):
                save_snapshot(state, tmp_path, run_name="r")
    assert folder_digest(tmp_path) == before and latest_snapshot(tmp_path) == good


@pytest.mark.parametrize(
    ("spoil", "pattern"),
    [
        (lambda s: s.history.losses.pop(), r"history holds 4/5/5/5"),
        (lambda s: s.history.losses.__setitem__(0, float("nan")), r"losses must be finite"),
        (
            lambda s: s.history.evaluations.append(
                replace(s.history.evaluations[0], loss=float("inf"))
            ),
            r"NaN or infinite",
        ),
        (lambda s: s.history.changes.append(Change(99, "lr", 1.0, 2.0)), r"change at step 99"),
        (lambda s: s.params.pop("conv1.bias"), r"params names"),
        (lambda s: s.params["conv1.bias"].append(0.0), r"params conv1.bias has 3 values, not 2"),
        (lambda s: s.history.epochs.__setitem__(0, 1.5), r"epochs must be whole numbers"),
    ],
)
def test_inconsistent_states_are_refused_before_writing(tmp_path: Path, spoil, pattern) -> None:
    state = make_state()
    spoil(state)
    with pytest.raises(SnapshotError, match=pattern):
        save_snapshot(state, tmp_path, run_name="r")
    assert list(tmp_path.iterdir()) == []


def half_then_fail(code: int):
    def write_all(fd: int, data: bytes) -> None:
        os.write(fd, data[: len(data) // 2])  # a real partial file on disk, then the error
        raise OSError(code, os.strerror(code))

    return write_all


@pytest.mark.parametrize(
    ("code", "pattern"),
    [
        (errno.ENOSPC, "no space left"),
        (errno.EDQUOT, "disk quota exceeded"),
        (errno.EFBIG, "file too large"),
        (errno.EIO, "Input/output error"),
    ],
)
def test_failed_write_keeps_previous_snapshot_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, pattern: str
) -> None:
    """D10: disk full mid-write → one-line error, the earlier file intact, no temp left."""
    previous = save_snapshot(make_state(), tmp_path, run_name="r")
    before = folder_digest(tmp_path)
    monkeypatch.setattr(save_module, "_write_all", half_then_fail(code))
    with pytest.raises(SnapshotError, match=f"snapshot not saved: {pattern}") as info:
        save_snapshot(make_state(steps=6), tmp_path, run_name="r")
    assert str(tmp_path) in str(info.value) and "\n" not in str(info.value)
    assert folder_digest(tmp_path) == before
    assert_same_state(load_snapshot(previous), make_state())


@pytest.mark.parametrize(
    ("code", "pattern"),
    [(errno.EROFS, "read-only file system"), (errno.EACCES, "permission denied")],
)
def test_read_only_folder_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, pattern: str
) -> None:
    """D13: the temp file cannot be created (root ignores chmod, so the error is injected)."""
    previous = save_snapshot(make_state(), tmp_path, run_name="r")
    real_open = os.open

    def refusing_open(path, flags, *args):
        if ".tmp-" in str(path):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(save_module.os, "open", refusing_open)
    with pytest.raises(SnapshotError, match=pattern):
        save_snapshot(make_state(steps=6), tmp_path, run_name="r")
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == [previous.name]


def test_interrupt_mid_write_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """E6: Ctrl+C (KeyboardInterrupt) during the write: it propagates, nothing half-written."""
    previous = save_snapshot(make_state(), tmp_path, run_name="r")

    def interrupted(fd: int, data: bytes) -> None:
        os.write(fd, data[:1000])
        raise KeyboardInterrupt

    monkeypatch.setattr(save_module, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_snapshot(make_state(steps=6), tmp_path, run_name="r")
    assert [p.name for p in tmp_path.iterdir()] == [previous.name]


def test_failed_rename_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refusing_replace(src, dst):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(save_module.os, "replace", refusing_replace)
    with pytest.raises(SnapshotError, match="not saved"):
        save_snapshot(make_state(), tmp_path, run_name="r")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_folder_that_is_a_file_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "snapshots"
    blocker.write_text("not a folder")
    with pytest.raises(SnapshotError, match="snapshot not saved"):
        save_snapshot(make_state(), blocker, run_name="r")
    assert blocker.read_text() == "not a folder"


def test_real_file_size_limit_efbig(tmp_path: Path) -> None:
    """D10 for real: RLIMIT_FSIZE in a child makes write() fail with EFBIG mid-file."""
    script = f"""
import resource, signal, sys
from pathlib import Path
sys.path.insert(0, {str(Path(__file__).parents[2])!r})
from tests.core.snapshot_files import make_state
from cnn_tui.core.snapshot.errors import SnapshotError
from cnn_tui.core.snapshot.save import save_snapshot
folder = Path({str(tmp_path)!r})
first = save_snapshot(make_state(), folder, run_name="r")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills us instead of EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (first.stat().st_size // 2,) * 2)
try:
    save_snapshot(make_state(steps=6), folder, run_name="r")
except SnapshotError as error:
    print("REFUSED", error)
else:
    print("SAVED")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("REFUSED") and "file too large" in done.stdout
    [only] = list(tmp_path.iterdir())
    assert_same_state(load_snapshot(only), make_state())


def test_fsync_file_then_rename_then_fsync_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """D12: the order of durable steps (power loss cannot be simulated portably)."""
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        is_dir = os.path.isdir(os.readlink(f"/proc/self/fd/{fd}"))
        calls.append("fsync(folder)" if is_dir else "fsync(file)")
        real_fsync(fd)

    def rename(src, dst) -> None:
        calls.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(save_module.os, "fsync", fsync)
    monkeypatch.setattr(save_module.os, "replace", rename)
    save_snapshot(make_state(), tmp_path, run_name="r")
    monkeypatch.undo()
    assert calls == ["fsync(file)", "replace", "fsync(folder)"]
