"""Snapshots: exact round trips (both engines, both precisions), file names that sort and cannot
escape their folder, stale temp files, and the one-line, picklable ``SnapshotError``."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cnn_tui.core.contract.config import Architecture
from cnn_tui.core.contract.run_state import History
from cnn_tui.core.snapshot.errors import SnapshotError
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.core.snapshot.names import (
    clean_stale_temp,
    latest_snapshot,
    parse_snapshot_name,
    snapshot_name,
)
from cnn_tui.core.snapshot.save import save_snapshot
from cnn_tui.core.snapshot.schema import FORMAT_VERSION
from tests.core.snapshot_files import assert_same_state, make_state

# ── round trips ───────────────────────────────────────────────────────────────────────────────


def test_round_trip_is_exact_and_float64_when_values_are_python_floats(tmp_path: Path) -> None:
    state = make_state()
    path = save_snapshot(state, tmp_path, run_name="t")
    assert_same_state(load_snapshot(path), state)
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("meta.json"))
    assert meta["param_dtype"] == "<f8"  # init_params' gauss draws are not float32 numbers
    assert meta["format_version"] == FORMAT_VERSION
    assert meta["evaluations"][0]["per_class_accuracy"][9] is None  # NaN → null, JSON-safe


def test_float32_run_is_stored_as_float32_and_still_exact(tmp_path: Path) -> None:
    state = make_state(float32_values=True)
    path = save_snapshot(state, tmp_path, run_name="t")
    with zipfile.ZipFile(path) as archive:
        assert json.loads(archive.read("meta.json"))["param_dtype"] == "<f4"
    assert_same_state(load_snapshot(path), state)
    float64_run = replace(state, config=replace(state.config, precision="float64"))
    path64 = save_snapshot(float64_run, tmp_path / "b", run_name="t")
    assert path64.stat().st_size > path.stat().st_size  # float64 kept when the run is float64


def test_two_conv_layers_round_trip(tmp_path: Path) -> None:
    state = make_state(Architecture(filters=3, filters2=4, hidden=8))
    assert_same_state(load_snapshot(save_snapshot(state, tmp_path, run_name="t")), state)


def test_fresh_run_with_no_history_round_trips(tmp_path: Path) -> None:
    state = replace(make_state(steps=0), history=History(), position=0)
    assert_same_state(load_snapshot(save_snapshot(state, tmp_path, run_name="t")), state)


@pytest.mark.parametrize("engine", ["numpy", "python"])
def test_round_trip_through_each_engine_resumes_bit_for_bit(tmp_path: Path, engine: str) -> None:
    """An engine's weights and momentum, saved and loaded into a fresh engine of the same kind,
    give the very same next step."""
    from cnn_tui.core.engines import make_engine
    from tests.synthetic import blobs

    data = blobs(32, seed=4)
    state = replace(make_state(steps=0), history=History(), position=0)
    config = replace(state.config, engine=engine)
    first = make_engine(config)
    for start in (0, 8):
        first.train_batch(data, range(start, start + 8), config.hyper)
    saved = replace(state, config=config, params=first.get_params(), velocity=first.get_velocity())
    loaded = load_snapshot(save_snapshot(saved, tmp_path, run_name=engine))
    second = make_engine(loaded.config, loaded.params)
    second.set_velocity(loaded.velocity)
    assert second.get_params() == first.get_params()
    next_a = first.train_batch(data, range(16, 24), config.hyper)
    next_b = second.train_batch(data, range(16, 24), config.hyper)
    assert next_a == next_b
    assert first.get_params() == second.get_params()


# ── names, folders, temp files ────────────────────────────────────────────────────────────────


def test_names_sort_by_time_and_say_run_epoch_step() -> None:
    when = datetime(2026, 11, 29, 15, 30, 12, tzinfo=timezone.utc)
    name = snapshot_name("run-name", 2, 3750, when)
    assert name == "20261129-153012_run-name_e02_s003750.npz"
    parsed = parse_snapshot_name(name)
    assert parsed is not None and (parsed.run, parsed.epoch, parsed.step) == ("run-name", 2, 3750)
    later = snapshot_name("a", 1, 5, when.replace(second=13))
    assert sorted([later, name]) == [name, later]
    assert parse_snapshot_name(".tmp-12-ab.npz.part") is None


@pytest.mark.parametrize(
    "hostile", ["../../etc/x", "/abs/path", "a_b c", "", "..", "é" * 50], ids=range(6)
)
def test_run_names_cannot_escape_the_folder(tmp_path: Path, hostile: str) -> None:
    path = save_snapshot(make_state(), tmp_path, run_name=hostile)
    assert path.parent == tmp_path
    assert parse_snapshot_name(path.name) is not None


def test_same_second_same_step_gets_a_later_sorting_name(tmp_path: Path) -> None:
    state = make_state()
    first = save_snapshot(state, tmp_path, run_name="r")
    second = save_snapshot(state, tmp_path, run_name="r")
    assert first != second and first.exists() and second.exists()
    if first.name[:15] == second.name[:15]:  # same second: the suffix must sort after
        assert second.name.endswith("_2.npz")
    assert latest_snapshot(tmp_path) == second
    assert latest_snapshot(tmp_path, run_name="other") is None
    assert latest_snapshot(tmp_path / "missing") is None


def test_save_creates_the_folder_and_leaves_no_temp(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "snapshots"
    path = save_snapshot(make_state(), folder, run_name="r")
    assert [p.name for p in folder.iterdir()] == [path.name]


def test_clean_stale_temp_removes_dead_writers_only(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    alive_pid = os.getppid()  # our parent is alive while we run
    names = {
        "dead": f".tmp-{dead_pid}-ab12.npz.part",
        "alive": f".tmp-{alive_pid}-cd34.npz.part",
        "alive_old": f".tmp-{alive_pid}-ef56.npz.part",
        "own": f".tmp-{os.getpid()}-0a0b.npz.part",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"partial")
    old = time.time() - 3600
    os.utime(tmp_path / names["alive_old"], (old, old))
    keep = save_snapshot(make_state(), tmp_path, run_name="r")
    (tmp_path / "notes.txt").write_text("mine")
    assert clean_stale_temp(tmp_path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [names["alive"], keep.name, "notes.txt"]
    )
    assert clean_stale_temp(tmp_path / "missing") == 0


def test_error_is_one_line_and_survives_pickling(tmp_path: Path) -> None:
    error = SnapshotError(tmp_path / "a\nb.npz", "problem\nhere", "fix it")
    assert "\n" not in str(error) and str(error).endswith("problem here; fix it")
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) and again.path == error.path
    bare = SnapshotError("the snapshot is conv8; the flags ask for conv16")
    assert str(bare) == "the snapshot is conv8; the flags ask for conv16" and bare.path is None
    assert str(pickle.loads(pickle.dumps(bare))) == str(bare)
