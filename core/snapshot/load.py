"""Provides ``load_snapshot``: one snapshot file read back as a ``RunState``, everything checked.

No pickle anywhere, and nothing trusted before it is checked: size cap before reading, zip magic,
member names, every ``.npy`` header against the expected shape before NumPy reads it
(``np.load(allow_pickle=False)``, never a fallback), schema, ranges, hashes, finiteness. Every
refusal is a ``SnapshotError`` whose text is one line: file, problem, fix.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import numpy as np

from cnn_tui.core.contract.config import Architecture
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.snapshot.arrays import META_MEMBER, build_state, check_members, read_arrays
from cnn_tui.core.snapshot.errors import CORRUPT_FIX, SnapshotError, os_problem
from cnn_tui.core.snapshot.meta_decode import decode_meta, parse_meta
from cnn_tui.core.snapshot.schema import SchemaError, state_problem

MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024
"""The default network's snapshot is ~1.5–3 MB; a bigger file is refused before it is read."""


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
        raise SnapshotError(path, f"cannot read snapshot: {os_problem(error)}") from None
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
        raise SnapshotError(path, f"cannot read snapshot: {os_problem(error)}") from None
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
