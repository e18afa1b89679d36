"""Provides ``save_snapshot``: a ``RunState`` written to one new file, atomically.

The state is checked and serialized in memory first (whatever loading would refuse is refused
here), then: a temp file in the same folder (``.tmp-<pid>-<hex>.npz.part``) → write → fsync →
rename to its final name → fsync the folder. A crash, kill -9 or full disk leaves either the
complete new file or nothing under a final name, and every earlier snapshot untouched.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import zipfile
from pathlib import Path

from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.snapshot.arrays import META_MEMBER, describe_arrays, npz_bytes, state_arrays
from cnn_tui.core.snapshot.errors import SAVE_FIX, SnapshotError, os_problem
from cnn_tui.core.snapshot.meta_decode import decode_meta, parse_meta
from cnn_tui.core.snapshot.meta_encode import encode_meta
from cnn_tui.core.snapshot.names import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    clean_run_name,
    free_name,
    snapshot_name,
)
from cnn_tui.core.snapshot.schema import SchemaError, state_problem


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
        raise SnapshotError(folder, f"snapshot not saved: {os_problem(error)}", SAVE_FIX) from None
    if not folder.is_dir():
        raise SnapshotError(folder, "snapshot not saved: not a folder", "choose another folder")
    # The name says the epoch of the last step taken: a state saved at an epoch's end is the
    # start of the next one (epoch + 1, position 0), yet its steps are the finished epoch's.
    at_boundary = state.position == 0 and state.step > 0
    final = free_name(folder, snapshot_name(run, state.epoch - at_boundary, state.step))
    _atomic_write(folder, final, payload)
    return final


def _meta_text(payload: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return archive.read(META_MEMBER).decode("utf-8")


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
        raise SnapshotError(folder, f"snapshot not saved: {os_problem(error)}", SAVE_FIX) from None
    try:
        try:
            _write_all(fd, payload)
            os.fsync(fd)  # the bytes are on disk before the name points at them
        finally:
            os.close(fd)
        os.replace(temp, final)
    except OSError as error:
        _unlink_quietly(temp)
        raise SnapshotError(folder, f"snapshot not saved: {os_problem(error)}", SAVE_FIX) from None
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
