"""``branch_spec``: the dashboard's way to branch — a spec for a new run folder that names its
parent and step, trained by the same ``run_trainer``, with the parent's folder left byte for
byte; a branch without a run folder or with the parent's own name is refused in one line."""

from __future__ import annotations

import hashlib
import queue
from dataclasses import replace
from pathlib import Path

import pytest

from cnn_tui.core.runs.branch import BranchError, branch_spec, next_branch_name
from cnn_tui.core.runs.plan import plan_run
from cnn_tui.core.runs.record import read_run
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.core.training.link import TrainerSpec, run_trainer
from tests.core.trainer_runs import config
from tests.test_cli import tiny_mnist


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def parent_run(tmp_path: Path) -> tuple[TrainerSpec, Path]:
    mnist, snaps = tiny_mnist(tmp_path / "mnist", train=40), tmp_path / "snaps"
    plan = plan_run(snaps, "run")
    spec = TrainerSpec(
        config=config(batch_size=10),
        data_dir=str(mnist),
        run=plan,
        snapshot_dir=plan.folder,
        batch_interval=0,
        sample_interval=None,
    )
    run_trainer(spec, commands=queue.Queue(), emit=lambda e: None)
    return spec, plan.path


def test_a_branch_gets_its_own_folder_and_the_parent_stays_as_it_was(tmp_path: Path) -> None:
    spec, parent = parent_run(tmp_path)
    [snapshot] = parent.glob("*.npz")
    state = load_snapshot(snapshot)
    untouched = digest(parent)
    name = next_branch_name(tmp_path / "snaps", "run")
    assert name == "run-b2"
    more = replace(state.config, epochs=2, hyper=replace(state.config.hyper, lr=0.02))
    branch = branch_spec(spec, snapshot, replace(state, config=more), name)
    assert branch.run is not None and branch.snapshot_dir == branch.run.folder
    assert (branch.run.parent_run, branch.run.parent_step) == (parent.name, state.step)
    assert branch.resumed_from == str(snapshot) and branch.run_name == "run-b2"
    run_trainer(branch, commands=queue.Queue(), emit=lambda e: None)
    record = read_run(branch.run.path)
    assert (record.name, record.parent_run, record.state) == ("run-b2", parent.name, "finished")
    assert record.hyperparameters.lr == 0.02 and record.steps == 2 * state.step
    assert digest(parent) == untouched
    assert next_branch_name(tmp_path / "snaps", "run") == "run-b3"


def test_a_branch_needs_a_run_folder_and_a_new_name(tmp_path: Path) -> None:
    spec, parent = parent_run(tmp_path)
    [snapshot] = parent.glob("*.npz")
    state = load_snapshot(snapshot)
    with pytest.raises(BranchError, match="other than its parent's"):
        branch_spec(spec, snapshot, state, "run")
    no_folder = TrainerSpec(config=spec.config, data_dir=spec.data_dir)
    with pytest.raises(BranchError, match="no run folder"):
        branch_spec(no_folder, snapshot, state, "other")
