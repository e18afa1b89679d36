"""Snapshots: round trips, atomic saves and failed saves (faults D10, D12, D13), file names, stale
temp files, and every hostile file (D1–D9, D15, D16) refused with one clear line."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import pickle
import random
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import Change, EvalRecord
from cnn_tui.core.contract.run_state import History, RunState
from cnn_tui.core.engines.params import init_params, param_shapes
from cnn_tui.core.snapshot import store as snapshot
from cnn_tui.core.snapshot.store import (
    SnapshotError,
    clean_stale_temp,
    latest_snapshot,
    load_snapshot,
    parse_snapshot_name,
    save_snapshot,
    snapshot_name,
)

SMALL = Architecture(filters=2, hidden=16)
EVIL_MARKER = "PWNED"


def make_state(
    arch: Architecture = SMALL,
    *,
    steps: int = 5,
    precision: str = "float32",
    float32_values: bool = False,
    seed: int = 1,
) -> RunState:
    """A plausible mid-run state: seeded weights, momentum buffers, ``steps`` of history."""
    config = RunConfig(
        arch=arch,
        hyper=Hyperparameters(lr=0.05, momentum=0.9, batch_size=8),
        epochs=3,
        seed=seed,
        precision=precision,
    )
    params = init_params(arch, seed)
    rng = random.Random(seed)
    velocity = {k: [rng.uniform(-1e-3, 1e-3) for _ in v] for k, v in params.items()}
    if float32_values:  # what the float32 NumPy engine hands over
        params = {k: np.float32(v).astype(float).tolist() for k, v in params.items()}
        velocity = {k: np.float32(v).astype(float).tolist() for k, v in velocity.items()}
    history = History(
        losses=[2.3 - 0.1 * i for i in range(steps)],
        accuracies=[min(1.0, 0.1 * i) for i in range(steps)],
        lrs=[0.05] * steps,
        epochs=[1] * steps,
        evaluations=[
            EvalRecord(
                epoch=1,
                step=steps,
                loss=0.7,
                accuracy=0.8,
                per_class_accuracy=(0.5,) * 9 + (float("nan"),),  # class 9 had no images
                confusion=tuple(tuple(int(r == c) * 3 for c in range(10)) for r in range(10)),
            )
        ],
        changes=[Change(2, "lr", 0.01, 0.05), Change(3, "paused"), Change(3, "resumed")],
    )
    return RunState(config, 1, steps * 8, steps, params, velocity, history, 100, 20)


def assert_same_state(a: RunState, b: RunState) -> None:
    assert a.config == b.config
    assert (a.epoch, a.position, a.step) == (b.epoch, b.position, b.step)
    assert (a.train_size, a.test_size) == (b.train_size, b.test_size)
    assert a.params == b.params  # bit for bit: Python float equality
    assert a.velocity == b.velocity
    ha, hb = a.history, b.history
    assert (ha.losses, ha.accuracies, ha.lrs, ha.epochs) == (
        hb.losses,
        hb.accuracies,
        hb.lrs,
        hb.epochs,
    )
    assert ha.changes == hb.changes
    assert len(ha.evaluations) == len(hb.evaluations)
    for ea, eb in zip(ha.evaluations, hb.evaluations, strict=True):
        assert repr(ea) == repr(eb)  # repr: NaN (a class with no images) compares equal


def folder_digest(folder: Path) -> dict[str, str]:
    """Name → SHA-256 of every regular file (never open a FIFO; a huge sparse file by size)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        if p.stat().st_size < 2**30
        else f"{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def refused(path: Path, pattern: str, **kwargs: Any) -> str:
    """Load ``path``; assert a one-line SnapshotError matching ``pattern`` and nothing changed."""
    before = folder_digest(path.parent) if path.parent.is_dir() else None
    with pytest.raises(SnapshotError, match=pattern) as info:
        load_snapshot(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message and len(message) < 400
    if before is not None:
        assert folder_digest(path.parent) == before  # nothing overwritten, nothing added
    return message


# ── round trips ───────────────────────────────────────────────────────────────────────────────


def test_round_trip_is_exact_and_float64_when_values_are_python_floats(tmp_path: Path) -> None:
    state = make_state()
    path = save_snapshot(state, tmp_path, run_name="t")
    assert_same_state(load_snapshot(path), state)
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("meta.json"))
    assert meta["param_dtype"] == "<f8"  # init_params' gauss draws are not float32 numbers
    assert meta["format_version"] == snapshot.FORMAT_VERSION
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


# ── saves that must fail, leaving earlier snapshots intact ────────────────────────────────────


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
    monkeypatch.setattr(snapshot, "_write_all", half_then_fail(code))
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

    monkeypatch.setattr(snapshot.os, "open", refusing_open)
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

    monkeypatch.setattr(snapshot, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_snapshot(make_state(steps=6), tmp_path, run_name="r")
    assert [p.name for p in tmp_path.iterdir()] == [previous.name]


def test_failed_rename_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refusing_replace(src, dst):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(snapshot.os, "replace", refusing_replace)
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
from tests.core.test_snapshot import make_state
from cnn_tui.core.snapshot.store import SnapshotError, save_snapshot
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

    monkeypatch.setattr(snapshot.os, "fsync", fsync)
    monkeypatch.setattr(snapshot.os, "replace", rename)
    save_snapshot(make_state(), tmp_path, run_name="r")
    monkeypatch.undo()
    assert calls == ["fsync(file)", "replace", "fsync(folder)"]


# ── hostile and broken files: each refused with one line, nothing executed or overwritten ────


def members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def repack(
    source: Path,
    target: Path,
    *,
    meta: Any = None,
    arrays: dict[str, np.ndarray] | None = None,
    rehash: bool = True,
) -> Path:
    """A copy of ``source`` with meta.json edited and arrays replaced, hashes made consistent
    (so the check under test is the one that fires, not the SHA-256)."""
    members = members_of(source)
    data = json.loads(members["meta.json"])
    for key, array in (arrays or {}).items():
        members[f"{key}.npy"] = npy(array)
        if rehash:
            data["arrays"][key] = {
                "dtype": array.dtype.str,
                "shape": list(array.shape),
                "sha256": hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest(),
            }
    if meta is not None:
        meta(data)
    members["meta.json"] = json.dumps(data).encode()
    return write_zip(target, list(members.items()))


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return save_snapshot(make_state(), tmp_path / "good", run_name="good")


class Evil:
    """Unpickling this creates the marker file: it must never happen."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_d1_missing_file_and_directory(tmp_path: Path) -> None:
    refused(tmp_path / "nope.npz", r"nope.npz: snapshot not found")
    refused(tmp_path, r"is a folder, not a snapshot")


def test_d1_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)
    refused(fifo, r"not a regular file")


def test_d4_pickle_file_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / EVIL_MARKER
    for protocol in (2, 4, 5):
        path = tmp_path / f"model{protocol}.npz"
        path.write_bytes(pickle.dumps(Evil(marker), protocol=protocol))
        refused(path, r"not a cnn-tui snapshot: a Python pickle \(pickles can run code")
    path = tmp_path / "proto0.npz"
    path.write_bytes(pickle.dumps(Evil(marker), protocol=0))
    refused(path, r"not a cnn-tui snapshot")
    assert not marker.exists()


def test_d4_pickled_object_array_inside_the_npz_is_never_executed(
    tmp_path: Path, good: Path
) -> None:
    marker = tmp_path / EVIL_MARKER
    evil = np.empty((), dtype=object)
    evil[()] = Evil(marker)
    members = members_of(good)
    members["params.dense2.bias.npy"] = npy(evil)
    hostile = write_zip(tmp_path / "evil.npz", list(members.items()))
    refused(hostile, r"params.dense2.bias holds Python objects")
    assert not marker.exists()


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"", r"empty \(0 bytes\)"),
        (bytes(random.Random(5).randrange(256) for _ in range(5000)), r"not a zip/npz archive"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, r"a PNG image"),
        (b'{"format": "cnn-tui snapshot"}', r"JSON text"),
        (npy(np.zeros(3)), r"a single NumPy array"),
        (b"PK\x05\x06" + b"\0" * 18, r"an empty or damaged zip archive"),
    ],
    ids=["zero-bytes", "random", "png", "json", "npy", "empty-zip"],
)
def test_d3_not_a_snapshot(tmp_path: Path, content: bytes, pattern: str) -> None:
    path = tmp_path / "x.npz"
    path.write_bytes(content)
    refused(path, pattern)


def test_d3_a_foreign_npz_without_meta_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "foreign.npz"
    np.savez(path, weights=np.zeros(4))
    refused(path, r"unexpected member 'weights.npy'|no meta.json")
    keras_like = write_zip(
        tmp_path / "model.npz", [("config.json", b"{}"), ("model.weights.h5", b"x")]
    )
    refused(keras_like, r"unexpected member")


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_d2_truncated_file(tmp_path: Path, good: Path, keep: float) -> None:
    data = good.read_bytes()
    cut = tmp_path / "cut.npz"
    cut.write_bytes(data[: int(len(data) * keep)])
    refused(cut, r"corrupt or truncated")


def test_d2_flipped_byte_in_weights_fails_the_checks(tmp_path: Path, good: Path) -> None:
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside the dense1 weights
    flipped = tmp_path / "flipped.npz"
    flipped.write_bytes(bytes(data))
    refused(flipped, r"corrupt or truncated \(Bad CRC-32|SHA-256")


def test_d2_edited_weights_fail_the_sha256(tmp_path: Path, good: Path) -> None:
    weights = np.zeros(param_shapes(SMALL)["dense2.weight"])
    edited = repack(
        good, tmp_path / "edited.npz", arrays={"params.dense2.weight": weights}, rehash=False
    )
    refused(edited, r"params.dense2.weight fails its SHA-256 check")


def test_d5_other_architecture_is_named(good: Path) -> None:
    message = refused(
        good,
        r"snapshot is conv2 → dense16 → 10; the flags ask for conv16 → dense16 → 10",
        expect=Architecture(filters=16, hidden=16),
    )
    assert "start a new run" in message
    assert load_snapshot(good, expect=SMALL).config.arch == SMALL


def test_d6_newer_format_names_both_versions(tmp_path: Path, good: Path) -> None:
    def newer(meta: dict) -> None:
        meta["format_version"] = 7
        meta["app_version"] = "9.0.0"

    path = repack(good, tmp_path / "newer.npz", meta=newer)
    refused(path, r"written by a newer cnn-tui \('9.0.0', format 7\); this one reads ≤ 1")
    older = repack(good, tmp_path / "older.npz", meta=lambda m: m.update(format_version=0))
    refused(older, r"format 0 is unknown")


@pytest.mark.parametrize(
    ("key", "array", "pattern"),
    [
        (
            "params.conv1.weight",
            np.zeros((3, 1, 3, 3)),
            r"shape \(3, 1, 3, 3\), expected \(2, 1, 3, 3\)",
        ),
        ("params.conv1.weight", np.zeros((2, 1, 3, 3), np.float16), r"dtype <f2, expected <f8"),
        ("params.conv1.weight", np.zeros((2, 1, 3, 3), ">f8"), r"dtype >f8, expected <f8"),
        ("velocity.dense1.bias", np.zeros(15), r"shape \(15,\), expected \(16,\)"),
        ("history.losses", np.zeros(4), r"shape \(4,\), expected \(5,\)"),
        ("history.epochs", np.ones(5), r"dtype <f8, expected <i8"),
    ],
)
def test_wrong_shape_or_dtype_is_refused(tmp_path: Path, good: Path, key, array, pattern) -> None:
    refused(repack(good, tmp_path / "bad.npz", arrays={key: array}), pattern)


def test_fortran_order_is_refused(tmp_path: Path, good: Path) -> None:
    weights = np.asfortranarray(np.zeros((16, SMALL.flat_size)))
    refused(repack(good, tmp_path / "f.npz", arrays={"params.dense1.weight": weights}), "Fortran")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_d8_nan_weights_in_a_file_are_refused(tmp_path: Path, good: Path, bad: float) -> None:
    weights = np.zeros(param_shapes(SMALL)["dense2.weight"])
    weights[1, 2] = bad
    path = repack(good, tmp_path / "nan.npz", arrays={"params.dense2.weight": weights})
    refused(path, r"params.dense2.weight holds NaN or infinite values")


def set_in(path: tuple[str, ...], value: Any):
    def edit(meta: dict) -> None:
        target = meta
        for key in path[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[path[-1]] = value

    return edit


@pytest.mark.parametrize(
    ("path", "value", "pattern"),
    [
        (
            ("config", "hyperparameters", "lr"),
            1e9,
            r"setting refused: learning rate 1e\+09 is outside",
        ),
        (("config", "hyperparameters", "lr"), -0.1, r"learning rate -0.1 is outside"),
        (("config", "hyperparameters", "lr"), "0.1", r"learning rate must be a number"),
        (("config", "hyperparameters", "batch_size"), 0, r"batch size 0 is outside"),
        (("config", "hyperparameters", "momentum"), 1.0, r"momentum 1 is outside"),
        (("config", "architecture", "filters"), True, r"filters must be a whole number"),
        (("config", "engine"), "torch", r"engine 'torch' is not one of"),
        (("config", "seed"), -1, r"seed -1 is outside"),
        (("progress", "step"), "5", r"progress.step must be a whole number"),
        (("progress", "epoch"), 99, r"progress.epoch must be a whole number in 1–4"),
        (("progress", "position"), 101, r"position 101 is outside 0–100"),
        (("data", "train_size"), 0, r"data.train_size must be a whole number in 1–"),
        (("config", "extra"), 1, r"config has an unexpected field 'extra'"),
        (("evaluations", "0", "accuracy"), 1.5, r"evaluations\[0\].accuracy must be a finite"),
        (("evaluations", "0", "confusion"), [[1] * 10] * 9, r"10 class accuracies and 10 rows"),
        (("evaluations", "0", "per_class_accuracy"), [0.5] * 11, r"at most 10 entries"),
        (("changes", "0", "kind"), "../../x", r"changes\[0\].kind must be a short lowercase"),
        (("changes", "0", "new"), "fast", r"changes\[0\].new must be a finite number"),
        (("changes", "0", "step"), 6, r"change at step 6 lies after step 5"),
        (("param_dtype",), "<f2", r"param_dtype must be one of"),
        (("format",), "keras", r"does not describe a cnn-tui snapshot"),
    ],
)
def test_d9_bad_meta_values_are_refused(tmp_path: Path, good: Path, path, value, pattern) -> None:
    refused(repack(good, tmp_path / "bad.npz", meta=set_in(path, value)), pattern)


def test_d9_nan_literal_and_duplicate_keys_in_json(tmp_path: Path, good: Path) -> None:
    members = members_of(good)
    text = members["meta.json"].decode()
    members["meta.json"] = text.replace('"loss": 0.7', '"loss": NaN').encode()
    refused(write_zip(tmp_path / "nan.npz", list(members.items())), r"holds NaN, which JSON does")
    members["meta.json"] = text.replace('"seed": 1', '"seed": 1, "seed": 2').encode()
    refused(write_zip(tmp_path / "dup.npz", list(members.items())), r"repeats a key")
    members["meta.json"] = text.replace('"lr": 0.05', '"lr": 1e400').encode()  # parses as inf
    refused(write_zip(tmp_path / "inf.npz", list(members.items())), r"learning rate must be a fin")
    members["meta.json"] = b"[" * 100_000
    refused(write_zip(tmp_path / "deep.npz", list(members.items())), r"not valid JSON")


def test_d9_history_lengths_must_agree(tmp_path: Path, good: Path) -> None:
    def shorter(meta: dict) -> None:
        meta["progress"]["step"] = 4

    shorter_all = {
        "history.losses": np.zeros(4),
        "history.accuracies": np.zeros(4),
        "history.lrs": np.full(4, 0.05),
        "history.epochs": np.zeros(4, "<i8"),  # epoch 0 does not exist
    }
    path = repack(good, tmp_path / "h.npz", meta=shorter, arrays={"history.losses": np.zeros(4)})
    refused(path, r"history.accuracies has shape \(5,\), expected \(4,\)")
    path = repack(good, tmp_path / "h2.npz", meta=shorter, arrays=shorter_all)
    refused(path, r"history epochs must rise from 1")  # all-zero epochs


def test_d16_path_tricks_and_extra_members_are_refused(tmp_path: Path, good: Path) -> None:
    members = list(members_of(good).items())
    for name in ("../evil.npy", "/etc/passwd", "params/../../x.npy", "extra.thing.npy"):
        path = write_zip(tmp_path / "tricky.npz", [*members, (name, b"x")])
        refused(path, r"unexpected (member|array)")
    assert not (tmp_path.parent / "evil.npy").exists()
    dropped = write_zip(tmp_path / "dropped.npz", [m for m in members if "dense2.bias" not in m[0]])
    refused(dropped, r"missing array 'params.dense2.bias'")
    with pytest.warns(UserWarning, match="Duplicate name"):
        dup = write_zip(tmp_path / "dup.npz", [*members, members[3]])
    refused(dup, r"appears twice")


def test_d15_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "huge.npz"
    with open(huge, "wb") as file:
        file.truncate(10 * 2**30)  # sparse: 10 GB that occupy no disk
    started = time.perf_counter()
    refused(huge, r"file is 10,240 MB, over the 256 MB limit")
    assert time.perf_counter() - started < 1.0


def test_d15_header_claiming_a_huge_array_allocates_nothing(tmp_path: Path, good: Path) -> None:
    """A .npy header may claim any shape: it is compared with the layout before any read."""
    members = members_of(good)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)}
    )
    members["params.dense1.weight.npy"] = header.getvalue()
    refused(
        write_zip(tmp_path / "bomb.npz", list(members.items())),
        r"shape \(1000000, 1000000\), expected",
    )


MEMORY_PROBE = """
import resource, sys, time
from pathlib import Path
from cnn_tui.core.snapshot.store import SnapshotError, load_snapshot
for name in sys.argv[1:]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        load_snapshot(Path(name))
    except SnapshotError as error:
        seconds = time.perf_counter() - started
        grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(Path(name).name, grew, f"{seconds:.3f}", error, sep="\\t")
    else:
        print(name, "LOADED")
"""


def make_bombs(folder: Path, good: Path) -> list[Path]:
    """A zip bomb (a member declaring 300 MiB of zeros, ~1 MB on disk), a header bomb (a .npy
    header claiming 10^6 × 10^6 float64 = 8 TB) and a 10 GB sparse file."""
    bomb = folder / "zipbomb.npz"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members_of(good).items():
            archive.writestr(name, data)
        with archive.open("history.extra.npy", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(bytes(1 << 20))
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)}
    )
    members = members_of(good)
    members["params.dense1.weight.npy"] = header.getvalue()
    header_bomb = write_zip(folder / "headerbomb.npz", list(members.items()))
    sparse = folder / "sparse.npz"
    with open(sparse, "wb") as file:
        file.truncate(10 * 2**30)
    return [bomb, header_bomb, sparse]


@pytest.mark.slow
def test_d15_bombs_are_refused_with_bounded_memory(tmp_path: Path, good: Path) -> None:
    """Peak RSS growth while refusing each bomb, in a fresh process that only loads them (the
    high-water mark would rise with any large allocation)."""
    bombs = make_bombs(tmp_path, good)
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, *map(str, bombs)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert [row[0] for row in rows] == [bomb.name for bomb in bombs]
    expected = ["members unpack to more than 256 MB", "expected (16, 338)", "over the 256 MB"]
    for (name, grew_kib, seconds, message), fragment in zip(rows, expected, strict=True):
        assert fragment in message, message
        assert int(grew_kib) < 50 * 1024, f"{name}: peak RSS grew {int(grew_kib) // 1024} MB"
        assert float(seconds) < 1.0, f"{name}: {seconds} s"
    print("\n" + "\n".join(f"{r[0]}: +{int(r[1]) / 1024:.1f} MB peak RSS, {r[2]} s" for r in rows))


def test_error_is_one_line_and_survives_pickling(tmp_path: Path) -> None:
    error = SnapshotError(tmp_path / "a\nb.npz", "problem\nhere", "fix it")
    assert "\n" not in str(error) and str(error).endswith("problem here; fix it")
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) and again.path == error.path
    bare = SnapshotError("the snapshot is conv8; the flags ask for conv16")
    assert str(bare) == "the snapshot is conv8; the flags ask for conv16" and bare.path is None
    assert str(pickle.loads(pickle.dumps(bare))) == str(bare)
