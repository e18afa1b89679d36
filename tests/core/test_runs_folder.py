"""Run folders: unique names, finding a run by path, folder name or run name, and a listing
that puts the newest first and reports what it cannot read instead of failing."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cnn_tui.core.runs.folder import RunLookupError, find_run, list_runs, run_folder_name
from cnn_tui.core.runs.liveness import STALE, shown_state
from cnn_tui.core.runs.record import write_run
from tests.core.test_runs_record import RECORD

WHEN = datetime(2026, 12, 7, 13, 5, 12, tzinfo=timezone.utc)


def make_run(snapshot_dir: Path, folder: str, **changes: object) -> Path:
    path = snapshot_dir / folder
    path.mkdir(parents=True)
    write_run(path, replace(RECORD, folder=folder, **changes))  # type: ignore[arg-type]
    return path


def test_a_folder_name_sorts_by_time_and_is_never_taken_twice(tmp_path: Path) -> None:
    assert run_folder_name(tmp_path, "my run!", WHEN) == "20261207-130512_my-run"
    (tmp_path / "20261207-130512_my-run").mkdir()
    assert run_folder_name(tmp_path, "my run!", WHEN) == "20261207-130512_my-run_2"


def test_the_listing_is_newest_first_and_reports_bad_folders(tmp_path: Path) -> None:
    make_run(tmp_path, "20261207-100000_a", name="a", started="2026-12-07T10:00:00Z")
    make_run(tmp_path, "20261207-120000_b", name="b", started="2026-12-07T12:00:00Z")
    (tmp_path / "20261207-110000_broken").mkdir()
    (tmp_path / "20261207-110000_broken" / "run.json").write_text("{")
    (tmp_path / "20261207-113000_empty").mkdir()  # a run folder's name, no record
    (tmp_path / "notes").mkdir()  # some other folder: not judged
    (tmp_path / "20261129-153012_run_e02_s003750.npz").write_bytes(b"")  # a loose snapshot
    listing = list_runs(tmp_path)
    assert [r.record.name for r in listing.runs] == ["b", "a"]
    assert len(listing.problems) == 2 and all("\n" not in p for p in listing.problems)
    assert "not valid JSON" in listing.problems[0] and "no run.json" in listing.problems[1]
    assert listing.flat_snapshots == 1


def test_a_missing_snapshot_folder_is_a_lookup_error(tmp_path: Path) -> None:
    with pytest.raises(RunLookupError, match="no snapshot folder"):
        list_runs(tmp_path / "nowhere")


def test_a_run_is_found_by_path_folder_name_or_its_newest_by_name(tmp_path: Path) -> None:
    old = make_run(tmp_path, "20261207-100000_a", name="a", started="2026-12-07T10:00:00Z")
    new = make_run(tmp_path, "20261207-120000_a", name="a", started="2026-12-07T12:00:00Z")
    assert find_run(tmp_path, str(old)) == old
    assert find_run(tmp_path, old.name) == old
    assert find_run(tmp_path, "a") == new
    with pytest.raises(RunLookupError, match="no run named 'zzz'.*cnn-tui runs"):
        find_run(tmp_path, "zzz")
    (tmp_path / "plain").mkdir()
    with pytest.raises(RunLookupError, match="not a run folder"):
        find_run(tmp_path, "plain")


def test_two_newest_runs_of_one_name_in_the_same_second_are_ambiguous(tmp_path: Path) -> None:
    make_run(tmp_path, "20261207-120000_a", name="a", started="2026-12-07T12:00:00Z")
    make_run(tmp_path, "20261207-120000_a_2", name="a", started="2026-12-07T12:00:00Z")
    with pytest.raises(RunLookupError, match="ambiguous.*give the folder's name"):
        find_run(tmp_path, "a")


def test_a_running_record_whose_process_is_gone_shows_as_interrupted(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = replace(RECORD, state="running", pid=int(gone.stdout))
    assert shown_state(dead) == STALE == "interrupted?"
    assert shown_state(replace(dead, pid=os.getpid())) == "running"
    assert shown_state(replace(dead, state="finished")) == "finished"
    make_run(tmp_path, "20261207-120000_a", state="running", pid=int(gone.stdout))
    assert list_runs(tmp_path).runs[0].state == STALE
