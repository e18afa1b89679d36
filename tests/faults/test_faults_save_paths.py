"""Faults D10, D13, D14: where a run writes — a full disk, an unusable snapshot folder or metrics
file, a folder in use by another run. Training goes on or stops with one line; nothing saved
before is lost.
"""

from __future__ import annotations

import os
import re
import resource

import pytest

from tests.faults.helpers import (
    TRACEBACK,
    assert_clear,
    cli,
    headless,
    make_data,
    run_main,
)


def test_d10_disk_full_during_snapshot(tmp_path, tiny, snapshot):
    """RLIMIT_FSIZE below one snapshot: 'not saved', training finishes, nothing partial, the
    snapshot already in the folder is untouched."""
    folder = tmp_path / "snaps"
    folder.mkdir()
    keep = folder / snapshot.name
    keep.write_bytes(snapshot.read_bytes())
    before = keep.read_bytes()

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    result = cli(*headless(tiny, "--snapshot-dir", str(folder)), preexec_fn=small_files)
    err = result.stderr.decode()
    assert result.returncode == 0 and TRACEBACK not in err, err
    assert "snapshot failed" in err and "file too large" in err
    [run] = folder.glob("*_run")  # the run folder: its record and metrics, nothing partial
    left = sorted(p.name for p in folder.iterdir() if p.name != ".lock")
    assert left == sorted([run.name, keep.name])
    assert sorted(p.name for p in run.iterdir()) == ["metrics.jsonl", "run.json"]
    assert keep.read_bytes() == before


def test_d10_disk_full_on_metrics_file(tmp_path, tiny):
    """The metrics file hits the size limit mid-run: one clear line, no traceback, and the run
    does not die with exit 1 (a metrics problem must not lose the training)."""

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (3_000, 3_000))

    data = make_data(tmp_path / "d", train=640)
    metrics = tmp_path / "m.jsonl"
    result = cli(
        *headless(data, "--no-snapshots", "--batch-size", "8", "--metrics", str(metrics)),
        preexec_fn=small_files,
    )
    err = result.stderr.decode()
    assert TRACEBACK not in err, err
    assert result.returncode != 1, err
    assert re.search(r"metrics", err), err


def test_d10_metrics_to_dev_full(tiny):
    result = cli(*headless(tiny, "--no-snapshots", "--metrics", "/dev/full"))
    err = result.stderr.decode()
    assert TRACEBACK not in err, err
    assert result.returncode in (0, 2), err


@pytest.mark.parametrize("where", ["directory", "missing_parent"])
def test_d_metrics_path_unusable(tmp_path, tiny, capsys, where):
    path = tmp_path if where == "directory" else tmp_path / "no" / "m.jsonl"
    code, err = run_main(headless(tiny, "--no-snapshots", "--metrics", str(path)), capsys)
    assert_clear(code, err, 2, r"cannot write metrics file")


def test_d13_snapshot_dir_unusable(tmp_path, tiny, capsys):
    (tmp_path / "f").write_bytes(b"x")
    code, err = run_main(headless(tiny, "--snapshot-dir", str(tmp_path / "f")), capsys)
    assert_clear(code, err, 4, r"cannot use snapshot folder")


def test_d13_snapshot_dir_not_writable(tiny):
    """/sys/kernel is a folder nobody (not even root) can create files in."""
    if not os.path.isdir("/sys/kernel"):
        pytest.skip("no /sys/kernel here")
    result = cli(*headless(tiny, "--snapshot-dir", "/sys/kernel"))
    err = result.stderr.decode()
    assert result.returncode == 0 and TRACEBACK not in err, err
    assert "snapshot failed" in err


def test_d14_two_runs_cannot_share_a_snapshot_folder(tiny, tmp_path, capsys):
    """The second run is refused (exit 4) naming the first one's PID; the lock goes with the run,
    so a later run in the same folder starts."""
    from cnn_tui.core.snapshot.folder_lock import FolderLock

    runs = tmp_path / "runs"
    runs.mkdir()
    first = FolderLock(runs)
    assert first.acquire() is None
    code, err = run_main(headless(tiny, "--snapshot-dir", str(runs)), capsys)
    assert_clear(code, err, 4, rf"in use by another cnn-tui run \(PID {os.getpid()}\)")
    assert not list(runs.glob("*/*.npz"))
    first.release()
    for _ in range(2):  # each run releases the folder when it ends
        code, err = run_main(headless(tiny, "--snapshot-dir", str(runs)), capsys)
        assert code == 0, err
    assert len(list(runs.glob("*/*.npz"))) == 2
