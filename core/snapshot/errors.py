"""Provides ``SnapshotError`` (one line: "file: problem; fix") and the wording of OS errors in it.

No NumPy here: the command line imports this to report an error without loading the format.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

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


def os_problem(error: OSError) -> str:
    """The plain words for ``error`` ("no space left on the device"), else its own text."""
    return _OS_PROBLEMS.get(error.errno or 0, error.strerror or type(error).__name__)
