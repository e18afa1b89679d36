"""Provides run folders: a new one's name, finding one by name or path, and listing them.

Every run (a fresh start, a branch, or the continuation of a snapshot written before run folders
existed) has its own folder in the snapshot folder::

    <snapshot-dir>/20261207-130512_run/     the run folder: when it started (UTC) and its name
        run.json                             the run record (core/runs/record.py)
        metrics.jsonl                        every event as a JSON line, always written
        20261207-130600_run_e01_s001875.npz  its snapshots (core/snapshot/names.py)

The folder name sorts by time like a snapshot's name (``…_2`` when two runs of one name start in
the same second). ``--resume`` of a snapshot in a run folder continues that run in its folder.
Standard library only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cnn_tui.core.runs.liveness import shown_state
from cnn_tui.core.runs.record import RUN_FILE, RunRecord, RunRecordError, read_run
from cnn_tui.core.snapshot.names import clean_run_name, parse_snapshot_name

METRICS_FILE = "metrics.jsonl"

_FOLDER_RE = re.compile(r"^\d{8}-\d{6}_[A-Za-z0-9][A-Za-z0-9.-]*(?:_\d+)?$")


class RunLookupError(LookupError):
    """No such run (or folder), or a name that fits more than one; the message is one line."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "no such run"


@dataclass(frozen=True, slots=True)
class ListedRun:
    """One run folder of a listing: where it is, its record, and the state to show
    (``interrupted?`` for a "running" record whose process is gone)."""

    path: Path
    record: RunRecord
    state: str


@dataclass(frozen=True, slots=True)
class RunListing:
    """A snapshot folder's runs, newest first; the folders that could not be read (one line
    each); and how many snapshots lie loose in it (written before run folders existed)."""

    runs: tuple[ListedRun, ...]
    problems: tuple[str, ...]
    flat_snapshots: int


def now_iso() -> str:
    """This moment in UTC, ISO 8601 to the second (``2026-12-07T13:05:12Z``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_folder_name(snapshot_dir: Path, run_name: str, when: datetime | None = None) -> str:
    """A folder name not yet taken in ``snapshot_dir``: ``YYYYmmdd-HHMMSS_<name>`` (UTC)."""
    moment = (when or datetime.now(timezone.utc)).astimezone(timezone.utc)
    base = f"{moment:%Y%m%d-%H%M%S}_{clean_run_name(run_name)}"
    name, n = base, 2
    while (snapshot_dir / name).exists():
        name = f"{base}_{n}"
        n += 1
    return name


def create_run_folder(folder: Path) -> Path:
    """Make ``folder`` (and its parents) if missing; ``OSError`` says why not."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def is_run_folder(path: Path) -> bool:
    """True when ``path`` is a folder with a run.json (readable or not)."""
    return (path / RUN_FILE).is_file()


def list_runs(snapshot_dir: Path) -> RunListing:
    """Every run folder in ``snapshot_dir``, newest first. A folder with a broken run.json (or a
    run folder's name and none) is a problem line, never an exception; a missing
    ``snapshot_dir`` is a ``RunLookupError``."""
    try:
        entries = sorted(os.scandir(snapshot_dir), key=lambda e: e.name)
    except FileNotFoundError:
        raise RunLookupError(f"no snapshot folder {snapshot_dir}") from None
    except NotADirectoryError:
        raise RunLookupError(f"{snapshot_dir} is not a folder") from None
    except OSError as error:
        raise RunLookupError(f"cannot read {snapshot_dir}: {error.strerror or error}") from None
    runs: list[ListedRun] = []
    problems: list[str] = []
    flat = 0
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if not is_dir:
            flat += parse_snapshot_name(entry.name) is not None
            continue
        path = Path(entry.path)
        if not is_run_folder(path) and not _FOLDER_RE.match(entry.name):
            continue  # some other folder: not ours to judge
        try:
            record = read_run(path)
        except RunRecordError as error:
            problems.append(str(error))
            continue
        runs.append(ListedRun(path, record, shown_state(record)))
    runs.sort(key=lambda r: (r.record.started, r.path.name), reverse=True)
    return RunListing(tuple(runs), tuple(problems), flat)


def find_run(snapshot_dir: Path, name_or_path: str) -> Path:
    """The run folder meant by ``name_or_path``: a folder's path, a folder's name in
    ``snapshot_dir``, or a run's name (its newest run). ``RunLookupError`` (one line) when
    there is none, or when the newest two of that name started in the same second."""
    for candidate in (Path(name_or_path), snapshot_dir / name_or_path):
        if name_or_path and candidate.is_dir():
            if not is_run_folder(candidate):
                raise RunLookupError(f"{candidate} is not a run folder (no {RUN_FILE})")
            return candidate
    listing = list_runs(snapshot_dir)
    wanted = {name_or_path, clean_run_name(name_or_path)}
    named = [r for r in listing.runs if r.record.name in wanted]
    if not named:
        raise RunLookupError(
            f"no run named {name_or_path!r} in {snapshot_dir} (`cnn-tui runs` lists them)"
        )
    newest = [r for r in named if r.record.started == named[0].record.started]
    if len(newest) > 1:
        folders = ", ".join(r.path.name for r in newest)
        raise RunLookupError(
            f"run name {name_or_path!r} is ambiguous in {snapshot_dir} ({folders}): "
            "give the folder's name"
        )
    return named[0].path
