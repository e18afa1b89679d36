"""Provides ``DataError`` and how its one-line messages show paths and the usual fix.

Every data check in ``core/data`` (IDX reading, the folder search, loading) raises ``DataError``
with one line naming the file, the problem and a fix; the command line prints it and exits 3.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path


class DataError(Exception):
    """MNIST data cannot be used; the message is one line naming the file, the problem and a fix."""

    exit_code = 3


def show_path(path: str | os.PathLike[str] | os.PathLike[bytes] | bytes) -> str:
    """``path`` as printable text: undecodable bytes as ``\\xff``, control characters escaped.

    Non-ASCII letters stay as they are; the terminal writer escapes them if it must.
    """
    text = os.fsencode(path).decode("utf-8", errors="backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def fetch_hint(folder: Path | None = None, dataset: str = "mnist") -> str:
    """The fix for missing files: the download command (``--data`` quoted for a shell), with
    ``--dataset`` for a set other than MNIST."""
    where = f"--data {shlex.quote(show_path(folder))}" if folder is not None else "--data DIR"
    if dataset != "mnist":
        return f"run `cnn-tui download --dataset {dataset} {where}` or copy its four files there"
    return f"run `cnn-tui download {where}` or copy the four MNIST files there (see data/README.md)"
