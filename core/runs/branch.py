"""Provides ``branch_spec``: a new run that branches from a snapshot — for the dashboard.

The command line branches with ``--resume SNAPSHOT --run-name NEW`` (``core/runs/plan.py``);
the dashboard (e.g. its timeline) starts a new trainer from the ``TrainerSpec`` this returns::

    state = load_snapshot(path)                      # the snapshot to branch from
    spec = branch_spec(link.spec, path, state, next_branch_name(snapshot_dir, "run"))
    link = ProcessLink(spec)                         # a new run folder: parent_run, parent_step

The new run has its own folder (its run.json names the parent run's folder and the snapshot's
step); the parent's folder and files are never written to. Standard library only.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from cnn_tui.core.runs.folder import list_runs
from cnn_tui.core.runs.plan import plan_run
from cnn_tui.core.snapshot.names import clean_run_name

if TYPE_CHECKING:
    from cnn_tui.core.contract.run_state import RunState
    from cnn_tui.core.training.link import TrainerSpec


class BranchError(ValueError):
    """The branch cannot be made as asked; the message is one line."""


def branch_spec(spec: TrainerSpec, snapshot: Path, state: RunState, run_name: str) -> TrainerSpec:
    """``spec`` made to train a branch named ``run_name`` from ``snapshot`` (loaded: ``state``,
    whose config, with any changes, is the branch's). The snapshot folder is ``spec.run``'s;
    a run without one (``--no-snapshots``) cannot branch, nor can a branch keep the name of the
    snapshot's run (that would continue it): ``BranchError``. A broken run.json beside the
    snapshot is a ``RunRecordError``."""
    if spec.run is None:
        raise BranchError("this run keeps no run folder (--no-snapshots): nothing to branch into")
    plan = plan_run(Path(spec.run.snapshot_dir), run_name, resume=snapshot, resume_step=state.step)
    if plan.continuing:
        raise BranchError(f"a branch needs a name other than its parent's ({plan.name!r})")
    return replace(
        spec,
        config=state.config,
        state=state,
        resumed_from=str(snapshot),
        run=plan,
        snapshot_dir=plan.folder,
        run_name=plan.name,
    )


def next_branch_name(snapshot_dir: Path, parent_name: str) -> str:
    """A name no run in ``snapshot_dir`` has yet: ``<parent>-b2``, ``<parent>-b3``, …"""
    try:
        taken = {r.record.name for r in list_runs(snapshot_dir).runs}
    except LookupError:
        taken = set()
    base, n = clean_run_name(parent_name)[:36], 2
    while f"{base}-b{n}" in taken:
        n += 1
    return f"{base}-b{n}"
