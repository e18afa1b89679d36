"""Provides ``shown_state``: a run's state as a listing shows it — a crash tells itself apart.

A run that ends in any ordinary way (finished, diverged, Ctrl+C, q, SIGTERM, an error) writes its
last state to run.json. Killed outright (``kill -9``, power loss) it cannot: run.json still says
"running". The record names the process that trains it, so a "running" record whose process is
gone is shown as ``interrupted?`` — resumable from its last snapshot. (A process number can be
reused; that is why the state keeps its question mark.) Standard library only.
"""

from __future__ import annotations

import os

from cnn_tui.core.runs.record import RunRecord

STALE = "interrupted?"


def pid_alive(pid: int) -> bool:
    """True when a process ``pid`` exists on this machine (0 or negative: never)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by someone else
    except (OverflowError, ValueError):
        return False
    return True


def shown_state(record: RunRecord) -> str:
    """``record.state``, or ``interrupted?`` for a "running" run whose process is gone."""
    if record.state == "running" and not pid_alive(record.pid):
        return STALE
    return record.state
