"""Provides ``FolderLock``: one training run per snapshot folder at a time.

Two runs saving into one folder would interleave their snapshots and each clean the other's
temp files. The first run holds an advisory lock (``fcntl.flock``) on ``<folder>/.lock``, which
names its PID; a second run is refused with that PID. The kernel drops the lock when the holder
exits, however it exits, so a crash never leaves a stale lock behind; the empty ``.lock`` file
stays (removing it could let two runs lock two different files). Where ``fcntl`` does not exist
(Windows), or the folder is read-only, runs are not locked.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".lock"


class FolderLock:
    """``acquire`` → None (held) or the reason it is not; ``release`` when the run is over."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> str | None:
        if fcntl is None:
            return None
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            # a read-only folder (D13): no lock, and the run goes on — its saves will fail there
            # with their own notices, and a second run would meet the same wall
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by another run
            holder = _read_pid(fd)
            os.close(fd)
            who = f"PID {holder}" if holder else "another process"
            return (
                f"snapshot folder {self.path.parent} is in use by another cnn-tui run ({who}); "
                "pass --snapshot-dir DIR or --no-snapshots"
            )
        with contextlib.suppress(OSError):  # the PID is for the message only
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return None

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the flock
            self._fd = None


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
