"""Provides snapshots: save a ``RunState`` to one file atomically, and load one back, validated.

A snapshot is a NumPy ``.npz`` (a zip of ``.npy`` members) plus a ``meta.json`` member: format
and app version, engine, precision, architecture, hyperparameters, epochs, seed, progress (epoch,
position in the epoch's shuffled order, step — the data order is a pure function of (seed,
epoch), so that is the whole RNG state), data sizes, evaluations, the change log and the dtype,
shape and SHA-256 of every array. The arrays are the weights and momentum buffers in the layout of
``params.param_shapes`` and the per-step metric history (see ``snapshot_arrays``,
``snapshot_schema``). Either engine loads what the other saved: the state is plain Python floats.

No pickle anywhere, and nothing trusted before it is checked: size cap before reading, zip magic,
member names, every ``.npy`` header against the expected shape before NumPy reads it
(``np.load(allow_pickle=False)``, never a fallback), schema, ranges, hashes, finiteness.

Saving serializes to memory, writes a temp file in the same folder (``.tmp-<pid>-<hex>.npz.part``),
fsyncs it, renames it to its final name and fsyncs the folder: a crash, kill -9 or full disk
leaves either the complete new file or nothing under a final name. Every failure is a
``SnapshotError`` whose text is one line: file, problem, fix.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import secrets
import stat
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from cnn_tui.core.contract.config import Architecture
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.snapshot.arrays import (
    META_MEMBER,
    build_state,
    check_members,
    describe_arrays,
    npz_bytes,
    read_arrays,
    state_arrays,
)
from cnn_tui.core.snapshot.schema import (
    FORMAT_VERSION,
    SchemaError,
    decode_meta,
    encode_meta,
    parse_meta,
    state_problem,
)

__all__ = [
    "FORMAT_VERSION",
    "MAX_SNAPSHOT_BYTES",
    "SnapshotError",
    "SnapshotName",
    "clean_run_name",
    "clean_stale_temp",
    "latest_snapshot",
    "load_snapshot",
    "parse_snapshot_name",
    "save_snapshot",
    "snapshot_name",
]

MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024
"""The default network's snapshot is ~1.5–3 MB; a bigger file is refused before it is read."""

SUFFIX = ".npz"
TEMP_PREFIX = ".tmp-"
TEMP_SUFFIX = ".npz.part"
"""Temp files are hidden and end in ``.npz.part``: never mistaken for a snapshot."""
STALE_TEMP_SECONDS = 600

_NAME_RE = re.compile(
    r"^(?P<time>\d{8}-\d{6})_(?P<run>[A-Za-z0-9][A-Za-z0-9.-]*)"
    r"_e(?P<epoch>\d{2,})_s(?P<step>\d{6,})(?:_(?P<n>\d+))?\.npz$"
)
_TEMP_RE = re.compile(r"^\.tmp-(?P<pid>\d+)-[0-9a-f]+\.npz\.part$")

CORRUPT_FIX = "pick an older snapshot or start a new run"
SAVE_FIX = "earlier snapshots are untouched"


class SnapshotError(Exception):
    """A snapshot could not be saved or loaded. ``str()`` is one line: "file: problem; fix".

    ``SnapshotError(path, problem, fix)``; ``SnapshotError(message)`` (one argument) is a ready
    line with no file (``path`` is then None).
    """

    def __init__(self, path: Path | str, problem: str = "", fix: str = "") -> None:
        self.path = Path(path) if problem else None
        self.problem = problem or str(path)
        self.fix = fix
        text = self.problem
        if self.path is not None:
            shown = str(path) if str(path).isprintable() else repr(str(path))
            text = f"{shown}: {problem}"
        text += f"; {fix}" if fix else ""
        super().__init__(" ".join(text.split()))  # never more than one line

    def __reduce__(self) -> tuple[Any, ...]:  # survives pickling across a process link
        if self.path is None:
            return (SnapshotError, (self.problem, "", self.fix))
        return (SnapshotError, (self.path, self.problem, self.fix))


# ── names ─────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class SnapshotName:
    """What a snapshot's file name says."""

    time: str  # UTC, YYYYmmdd-HHMMSS
    run: str
    epoch: int
    step: int


def clean_run_name(run_name: str) -> str:
    """``run_name`` reduced to letters, digits, '.' and '-' (at most 40), never empty."""
    cleaned = re.sub(r"[^A-Za-z0-9.-]+", "-", run_name).strip(".-")[:40].strip(".-")
    return cleaned or "run"


def snapshot_name(run_name: str, epoch: int, step: int, when: datetime | None = None) -> str:
    """A file name that sorts by time (UTC) and says the run, epoch and step, e.g.
    ``20261129-153012_run-name_e02_s003750.npz``."""
    moment = (when or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return f"{moment:%Y%m%d-%H%M%S}_{clean_run_name(run_name)}_e{epoch:02d}_s{step:06d}{SUFFIX}"


def parse_snapshot_name(name: str) -> SnapshotName | None:
    """The parts of a snapshot file name, or None when ``name`` is not one."""
    match = _NAME_RE.match(name)
    if match is None:
        return None
    return SnapshotName(match["time"], match["run"], int(match["epoch"]), int(match["step"]))


def latest_snapshot(folder: Path, run_name: str | None = None) -> Path | None:
    """The newest snapshot in ``folder`` by name (optionally of one run), or None."""
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.is_file()]
    except OSError:
        return None
    wanted = None if run_name is None else clean_run_name(run_name)
    found = [
        n for n in names if (parsed := parse_snapshot_name(n)) and wanted in (None, parsed.run)
    ]
    return Path(folder) / max(found) if found else None


def clean_stale_temp(folder: Path) -> int:
    """Remove temp files left by interrupted saves (their process is gone, or they are older
    than ten minutes); call at start. Returns how many were removed; a missing folder is 0."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _TEMP_RE.match(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        try:
            age = time.time() - entry.stat(follow_symlinks=False).st_mtime
            if age < STALE_TEMP_SECONDS and _pid_alive(int(match["pid"])):
                continue  # another live process is writing it right now
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own leftover: we are not saving while we clean
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0
    return True


# ── save ──────────────────────────────────────────────────────────────────────────────────────


def save_snapshot(state: RunState, folder: Path, *, run_name: str) -> Path:
    """Write ``state`` as a new snapshot file in ``folder`` (created if missing).

    Returns the new file's path. Raises SnapshotError — leaving every earlier file intact and no
    temp file behind — when the state must not be saved (NaN weights, inconsistent history) or
    the disk refuses (full, read-only, permission denied).
    """
    folder = Path(folder)
    run = clean_run_name(run_name)
    try:
        arrays, param_dtype = state_arrays(state)
        problem = state_problem(state, arrays)
        if problem:
            raise SchemaError(problem)
        meta = encode_meta(state, describe_arrays(arrays), run_name=run, param_dtype=param_dtype)
        payload = npz_bytes(meta, arrays)
        decode_meta(parse_meta(_meta_text(payload)))  # what loading would refuse, refuse now
    except SchemaError as error:
        raise SnapshotError(folder, f"snapshot not saved: {error}", SAVE_FIX) from None
    except ValueError:  # json.dumps(allow_nan=False) met a NaN metric
        raise SnapshotError(folder, "snapshot not saved: a metric is NaN or infinite") from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SnapshotError(folder, f"snapshot not saved: {_os_problem(error)}", SAVE_FIX) from None
    if not folder.is_dir():
        raise SnapshotError(folder, "snapshot not saved: not a folder", "choose another folder")
    final = _free_name(folder, snapshot_name(run, state.epoch, state.step))
    _atomic_write(folder, final, payload)
    return final


def _meta_text(payload: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return archive.read(META_MEMBER).decode("utf-8")


def _free_name(folder: Path, name: str) -> Path:
    """``name`` in ``folder``, or ``…_2.npz``, ``…_3.npz`` (which sort after it) if taken."""
    candidate, n = folder / name, 2
    while candidate.exists():
        candidate = folder / f"{name.removesuffix(SUFFIX)}_{n}{SUFFIX}"
        n += 1
    return candidate


def _write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is out: a short write is continued, an error raised."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _atomic_write(folder: Path, final: Path, payload: bytes) -> None:
    """temp file in ``folder`` → write → fsync → rename to ``final`` → fsync the folder."""
    temp = folder / f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}{TEMP_SUFFIX}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(temp, flags, 0o644)
    except OSError as error:
        raise SnapshotError(folder, f"snapshot not saved: {_os_problem(error)}", SAVE_FIX) from None
    try:
        try:
            _write_all(fd, payload)
            os.fsync(fd)  # the bytes are on disk before the name points at them
        finally:
            os.close(fd)
        os.replace(temp, final)
    except OSError as error:
        _unlink_quietly(temp)
        raise SnapshotError(folder, f"snapshot not saved: {_os_problem(error)}", SAVE_FIX) from None
    except BaseException:
        _unlink_quietly(temp)  # KeyboardInterrupt mid-write: leave no temp behind
        raise
    _fsync_folder(folder)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable. Best effort: the complete file is already under its name."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a folder (EINVAL)
    finally:
        os.close(fd)


_OS_PROBLEMS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large (file-size limit reached)",
    errno.EROFS: "the folder is on a read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "is a folder",
}


def _os_problem(error: OSError) -> str:
    return _OS_PROBLEMS.get(error.errno or 0, error.strerror or type(error).__name__)


# ── load ──────────────────────────────────────────────────────────────────────────────────────


def load_snapshot(path: Path, *, expect: Architecture | None = None) -> RunState:
    """Read a snapshot, validating everything; refuse anything unexpected with SnapshotError.

    Args:
        path: the ``.npz`` file.
        expect: the architecture the command line asks for; a different one is refused.

    Returns:
        The run state, plain Python values, ready for either engine.
    """
    path = Path(path)
    raw = _read_capped(path)
    _sniff(path, raw)
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            infos = check_members(npz.zip)
            config, parsed = decode_meta(parse_meta(npz.zip.read(META_MEMBER).decode("utf-8")))
            if expect is not None and expect != config.arch:
                raise SnapshotError(
                    path,
                    f"snapshot is {config.arch.describe()}; the flags ask for {expect.describe()}",
                    "resume without the architecture flags, or start a new run",
                )
            arrays = read_arrays(npz, infos, config.arch, parsed)
        state = build_state(config, parsed, arrays)
        problem = state_problem(state, arrays)
        if problem:
            raise SchemaError(problem)
    except SchemaError as error:
        raise SnapshotError(path, f"invalid snapshot: {error}", CORRUPT_FIX) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as error:
        detail = " ".join(str(error).split())[:100] or type(error).__name__
        problem = f"snapshot is corrupt or truncated ({detail})"
        raise SnapshotError(path, problem, CORRUPT_FIX) from None
    return state


def _read_capped(path: Path) -> bytes:
    """The file's bytes, once it is known to be a regular file of a plausible size."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise SnapshotError(path, "snapshot not found", "check the path") from None
    except OSError as error:
        raise SnapshotError(path, f"cannot read snapshot: {_os_problem(error)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise SnapshotError(path, "is a folder, not a snapshot", "pass one .npz file from it")
    if not stat.S_ISREG(info.st_mode):
        raise SnapshotError(path, "is not a regular file", "pass a snapshot .npz file")
    if info.st_size == 0:
        raise SnapshotError(path, "snapshot is empty (0 bytes)", CORRUPT_FIX)
    if info.st_size > MAX_SNAPSHOT_BYTES:
        size = f"{info.st_size / 2**20:,.0f} MB"
        limit = f"{MAX_SNAPSHOT_BYTES // 2**20} MB"
        raise SnapshotError(path, f"file is {size}, over the {limit} limit", "not a snapshot")
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_SNAPSHOT_BYTES + 1)
    except OSError as error:
        raise SnapshotError(path, f"cannot read snapshot: {_os_problem(error)}") from None
    if len(raw) > MAX_SNAPSHOT_BYTES:
        raise SnapshotError(path, "file grew past the size limit while being read")
    return raw


def _sniff(path: Path, raw: bytes) -> None:
    """Refuse anything that does not start like a zip, naming what it looks like instead."""
    if raw.startswith(b"PK\x03\x04"):
        return
    if raw[:1] == b"\x80" and raw[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        kind = "a Python pickle (pickles can run code, so it was not opened)"
    elif raw.startswith(b"\x93NUMPY"):
        kind = "a single NumPy array (.npy)"
    elif raw.startswith(b"\x89PNG"):
        kind = "a PNG image"
    elif raw.startswith(b"PK"):
        kind = "an empty or damaged zip archive"
    elif raw.lstrip()[:1] in (b"{", b"["):
        kind = "JSON text"
    else:
        kind = "not a zip/npz archive"
    raise SnapshotError(path, f"not a cnn-tui snapshot: {kind}", "pass a .npz saved by cnn-tui")
