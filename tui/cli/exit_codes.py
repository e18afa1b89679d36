"""Provides ``ExitCode``, the one table of the exit codes ``cnn-tui`` ends with, and ``fail``.

Each member is the code (an ``int``, so it can be returned from ``main`` and passed to
``sys.exit``), its name, and its meaning in the words of the README's "Exit codes" table —
``tests/test_cli_exit_codes.py`` checks that the two stay the same.
"""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import IO


class ExitCode(IntEnum):
    """How a ``cnn-tui`` run ended; ``meaning`` is the README's wording."""

    meaning: str

    def __new__(cls, code: int, meaning: str) -> ExitCode:
        member = int.__new__(cls, code)
        member._value_ = code
        member.meaning = meaning
        return member

    OK = 0, "done"
    FAILED = (
        1,
        "training failed (a diverged headless run, or an internal error: the one-line message "
        "names the log)",
    )
    USAGE = 2, "bad flag or value"
    DATA = 3, "data missing or invalid"
    SNAPSHOT = (
        4,
        "snapshot missing, invalid or not matching the flags; snapshot folder in use by another "
        "run",
    )
    NETWORK = 5, "download failed"
    ENVIRONMENT = 6, "the dashboard needs an interactive terminal (use `--headless`)"
    ATTACH = 7, "`cnn-tui attach`: no run serving there, unreachable, or refused"
    INTERRUPTED = 130, "interrupted (Ctrl+C): stopped at a batch boundary, snapshot saved"
    TERMINATED = 143, "terminated (SIGTERM/SIGHUP): same"


def fail(message: str, code: ExitCode, stream: IO[str] | None = None) -> ExitCode:
    """The one line a problem the user can fix ends with (``cnn-tui: message``, on stderr unless
    ``stream`` says otherwise); returns ``code``."""
    (stream or sys.stderr).write(f"cnn-tui: {message}\n")
    return code
