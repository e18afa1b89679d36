"""The timeline over a real trainer (in a thread) on a tiny MNIST-shaped set: a branch from the
dashboard gets its own run folder whose run.json names the parent and the step, the parent's
files stay byte for byte; a run still training is stopped and saved first; a fresh run with
another architecture is a run like any other."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.runs.plan import plan_run
from cnn_tui.core.runs.record import read_run
from cnn_tui.core.training.link import ThreadLink, TrainerSpec
from cnn_tui.core.training.relaunch import Relaunch
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.timeline import TimelineScreen
from cnn_tui.tui.timeline.form import CheckedForm
from tests.test_cli import tiny_mnist
from tests.tui.timeline_fixture import settle, wait_for

SIZE = (120, 36)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def real_app(
    tmp_path: Path, *, epochs: int = 2, paused: bool = False, keep: int = 3
) -> DashboardApp:
    """A dashboard over a real trainer in a thread, recording its run folder in tmp/snaps."""
    data, snaps = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps"
    plan = plan_run(snaps, "tiny")
    config = RunConfig(
        Architecture(filters=2, hidden=8), Hyperparameters(batch_size=10), epochs=epochs
    )
    spec = TrainerSpec(
        config=config,
        data_dir=str(data),
        snapshot_dir=plan.folder,
        run_name=plan.name,
        run=plan,
        start_paused=paused,
        keep=keep,
        sample_interval=None,
    )
    app = DashboardApp(ThreadLink(spec), quit_timeout=10.0)
    app.run_control = Relaunch(spec, ThreadLink)
    return app


def folders(tmp_path: Path) -> list[Path]:
    return sorted(p for p in (tmp_path / "snaps").iterdir() if p.is_dir())


async def test_a_real_branch_records_its_parent_and_leaves_it_untouched(tmp_path: Path) -> None:
    app = real_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.run_state == "finished", rounds=400)
        await settle(pilot, 0.3)
        [parent] = folders(tmp_path)
        before = digest(parent)
        await pilot.press("t")
        await settle(pilot)
        timeline = app.screen
        assert isinstance(timeline, TimelineScreen)
        assert [e.step for e in timeline.entries] == [10, 20]  # one per epoch (96 images, 10)
        await pilot.press("up", "enter")  # the epoch-1 snapshot
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CheckedForm)
        form.field_input("lr").value = "0.03"
        form.field_input("epochs").value = "3"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.state.lineage is not None, rounds=200)
        await wait_for(pilot, lambda: app.state.run_state == "finished", rounds=400)
        await settle(pilot, 0.3)
        assert app.state.step == 30 and app.state.lr == 0.03
        await pilot.press("t")  # the branch's timeline: the parent's up to step 10, then its own
        await settle(pilot)
        timeline = app.screen
        assert isinstance(timeline, TimelineScreen)
        assert [(e.run, e.step) for e in timeline.entries] == [
            ("tiny", 10),
            ("tiny-b1", 20),
            ("tiny-b1", 30),
        ]
    [branch] = [p for p in folders(tmp_path) if p != parent]
    record = read_run(branch)
    assert (record.name, record.parent_run, record.parent_step) == ("tiny-b1", parent.name, 10)
    assert record.hyperparameters.lr == 0.03 and record.state == "finished"
    assert digest(parent) == before  # byte for byte
    assert len(list(branch.glob("*.npz"))) >= 1


async def test_branching_a_running_run_stops_and_saves_it_first(tmp_path: Path) -> None:
    # --keep 1: the save at the stop would prune the snapshot the branch starts from, unless kept
    app = real_app(tmp_path, epochs=1000, paused=True, keep=1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.run_state == "paused", rounds=200)
        await pilot.press("n")  # one step, then a snapshot to branch from
        await wait_for(pilot, lambda: app.state.step == 1, rounds=200)
        await pilot.press("s")
        await wait_for(pilot, lambda: bool(app.state.last_snapshot), rounds=200)
        source = Path(app.state.last_snapshot)
        await pilot.press("t", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.state.lineage is not None, rounds=200)
        await wait_for(pilot, lambda: app.state.step > 1, rounds=400)
    parent = next(p for p in folders(tmp_path) if p.name.endswith("_tiny"))
    record = read_run(parent)
    assert record.state == "interrupted" and record.steps == 1
    assert source.exists() and len(list(parent.glob("*.npz"))) == 2  # + the stop's own save
    branch = read_run(next(p for p in folders(tmp_path) if p != parent))
    assert (branch.parent_run, branch.parent_step) == (parent.name, 1)


async def test_a_fresh_run_with_another_architecture_is_a_run_like_any_other(
    tmp_path: Path,
) -> None:
    app = real_app(tmp_path, epochs=1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.run_state == "finished", rounds=400)
        await pilot.press("t", "a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CheckedForm)
        form.field_input("filters").value = "3"
        form.field_input("hidden").value = "6"
        form.field_input("name").value = "wide"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.state.architecture.startswith("conv3"), rounds=200)
        await wait_for(pilot, lambda: app.state.run_state == "finished", rounds=400)
    wide = next(p for p in folders(tmp_path) if p.name.endswith("_wide"))
    record = read_run(wide)
    assert record.architecture == "conv3 → dense6 → 10" and record.parent_run is None
    assert record.state == "finished" and record.steps == 10
