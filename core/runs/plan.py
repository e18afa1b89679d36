"""Provides ``plan_run``: which run folder a training run writes to, and what it descends from.

* a fresh run: a new folder;
* ``--resume SNAPSHOT`` of a snapshot in a run folder of this snapshot folder: the same run goes
  on in its own folder (its metrics appended, its run.json updated);
* ``--resume SNAPSHOT --run-name NEW`` (another name than the snapshot's run): a **branch** — a
  new folder whose record names the parent run's folder and the step it branched at; the
  parent's folder is never written to;
* ``--resume`` of a snapshot from another snapshot folder: a new folder in this one, descending
  from the run it came from (that folder is left as it is);
* ``--resume`` of a loose snapshot (written before run folders existed): a new folder for the
  continued run.

A plan is plain data (it crosses to the trainer's process in ``TrainerSpec.run``); the folder
itself is made when the run starts. Standard library only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cnn_tui.core.runs.folder import is_run_folder, run_folder_name
from cnn_tui.core.runs.record import read_run
from cnn_tui.core.snapshot.names import clean_run_name, parse_snapshot_name


@dataclass(frozen=True, slots=True)
class RunPlan:
    """Where a run is recorded: ``folder`` (made at the start if missing) in ``snapshot_dir``."""

    snapshot_dir: str
    folder: str  # the run folder's path
    name: str  # the run's name (as in its snapshots' names)
    started: str  # ISO 8601 UTC; a continued run keeps its first start
    parent_run: str | None = None  # the folder name of the run this one branched from
    parent_step: int | None = None  # the step of the parent it branched at
    continuing: bool = False  # the folder already records this run: append, update

    @property
    def path(self) -> Path:
        return Path(self.folder)


def plan_run(
    snapshot_dir: Path,
    run_name: str | None,
    *,
    resume: Path | None = None,
    resume_step: int = 0,
    when: datetime | None = None,
) -> RunPlan:
    """The plan for a run named ``run_name`` (None: "run", or the resumed run's name) in
    ``snapshot_dir``, resuming from the snapshot file ``resume`` (whose step is
    ``resume_step``). A broken run.json beside ``resume`` is a ``RunRecordError``."""
    if resume is not None and is_run_folder(resume.parent):
        source = resume.parent
        record = read_run(source)
        name = clean_run_name(run_name) if run_name else record.name
        if name == record.name and _same_folder(source.parent, snapshot_dir):
            return RunPlan(
                str(snapshot_dir),
                str(source),
                record.name,
                record.started,
                record.parent_run,
                record.parent_step,
                continuing=True,
            )
        return _new(snapshot_dir, name, when, parent=(source.name, resume_step))
    parsed = parse_snapshot_name(resume.name) if resume is not None else None
    return _new(snapshot_dir, run_name or (parsed.run if parsed else "run"), when)


def _new(
    snapshot_dir: Path,
    run_name: str,
    when: datetime | None,
    parent: tuple[str, int] | None = None,
) -> RunPlan:
    moment = (when or datetime.now(timezone.utc)).astimezone(timezone.utc)
    folder = snapshot_dir / run_folder_name(snapshot_dir, run_name, moment)
    return RunPlan(
        str(snapshot_dir),
        str(folder),
        clean_run_name(run_name),
        moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        parent[0] if parent else None,
        parent[1] if parent else None,
    )


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)
