"""Provides ``write_crash_log``: where the traceback of a bug in training goes, so that the user
sees one line naming the file instead of the trace (exit 1)."""

from __future__ import annotations

import os
import tempfile
import traceback
from pathlib import Path

CRASH_LOG = "cnn-tui.log"
CRASH_LOG_LIMIT = 1_000_000
"""Bytes: past this, the run folder's log is moved to cnn-tui.log.1 and a new one begun."""


def write_crash_log(folder: Path | None) -> str:
    """Append the traceback being handled to ``folder``/cnn-tui.log (the run's snapshot folder),
    or to a new file of its own in the temp folder when there is none or it cannot be written.

    Returns where it went, for the one-line message.
    """
    text = traceback.format_exc()
    if folder is not None:
        log = folder / CRASH_LOG
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if log.exists() and log.stat().st_size > CRASH_LOG_LIMIT:
                log.replace(log.with_name(CRASH_LOG + ".1"))
            with open(log, "a", encoding="utf-8", errors="backslashreplace") as file:
                file.write(text)
            return str(log)
        except OSError:
            pass  # a read-only or full run folder: a file of its own instead
    try:
        handle, name = tempfile.mkstemp(prefix="cnn-tui-", suffix=".log")
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as file:
            file.write(text)
    except OSError:
        return "no log: nowhere to write one"
    return name
