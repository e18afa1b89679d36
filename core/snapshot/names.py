"""Provides snapshot file names: making and parsing them, the newest in a folder, stale temps.

A name sorts by time (UTC) and says the run, epoch and step:
``20261129-153012_run-name_e02_s003750.npz`` (``…_2.npz`` when that name is taken). Temp files
of a save in progress are hidden and end in ``.npz.part`` (``.tmp-<pid>-<hex>.npz.part``), so
they are never mistaken for a snapshot. No NumPy here.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

SUFFIX = ".npz"
TEMP_PREFIX = ".tmp-"
TEMP_SUFFIX = ".npz.part"
STALE_TEMP_SECONDS = 600

_NAME_RE = re.compile(
    r"^(?P<time>\d{8}-\d{6})_(?P<run>[A-Za-z0-9][A-Za-z0-9.-]*)"
    r"_e(?P<epoch>\d{2,})_s(?P<step>\d{6,})(?:_(?P<n>\d+))?\.npz$"
)
_TEMP_RE = re.compile(r"^\.tmp-(?P<pid>\d+)-[0-9a-f]+\.npz\.part$")


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


def free_name(folder: Path, name: str) -> Path:
    """``name`` in ``folder``, or ``…_2.npz``, ``…_3.npz`` (which sort after it) if taken."""
    candidate, n = folder / name, 2
    while candidate.exists():
        candidate = folder / f"{name.removesuffix(SUFFIX)}_{n}{SUFFIX}"
        n += 1
    return candidate


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
