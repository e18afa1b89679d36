"""The timeline's core: ``peek_snapshot`` reads a snapshot's position, test result and settings
from its metadata alone (and refuses a broken file in one line); ``Relaunch`` lists a run's
snapshots, refuses names that are taken or unclean, and refuses a branch it cannot make before
any trainer is touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnn_tui.core.contract.timeline import BranchRun, FreshRun
from cnn_tui.core.snapshot.errors import SnapshotError
from cnn_tui.core.snapshot.peek import peek_snapshot
from cnn_tui.core.snapshot.save import save_snapshot
from cnn_tui.core.training.link import ThreadLink, TrainerSpec
from cnn_tui.core.training.relaunch import Relaunch, RelaunchError
from tests.core.snapshot_files import make_state


def saved(folder: Path, run: str = "run", steps: int = 5) -> Path:
    return save_snapshot(make_state(steps=steps), folder, run_name=run)


def relaunch(folder: Path | None, run: str = "run") -> Relaunch:
    state = make_state()
    spec = TrainerSpec(
        config=state.config,
        data_dir="unused",
        run_name=run,
        snapshot_dir=str(folder) if folder else None,
    )
    return Relaunch(spec, ThreadLink)


def test_peek_reads_the_metadata_without_the_weights(tmp_path: Path) -> None:
    entry = peek_snapshot(saved(tmp_path))
    assert (entry.epoch, entry.step, entry.accuracy, entry.loss) == (1, 5, 0.8, 0.7)
    assert (entry.lr, entry.batch_size, entry.momentum, entry.epochs) == (0.05, 8, 0.9, 3)
    assert entry.architecture == "conv2 → dense16 → 10" and entry.epochs_done == 0
    untested = make_state(steps=4)
    untested.history.evaluations.clear()
    path = save_snapshot(untested, tmp_path, run_name="run")
    assert (peek_snapshot(path).accuracy, peek_snapshot(path).loss) == (None, None)


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_peek_refuses_a_broken_file_in_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "20261207-130000_run_e01_s000005.npz"
    path.write_bytes(content)
    with pytest.raises(SnapshotError) as caught:
        peek_snapshot(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_the_runs_snapshots_are_listed_oldest_step_first_broken_ones_too(tmp_path: Path) -> None:
    late, early = saved(tmp_path, steps=5), saved(tmp_path, steps=3)
    saved(tmp_path, run="other")
    broken = tmp_path / "20261207-130000_run_e01_s000004.npz"
    broken.write_bytes(b"junk")
    entries = relaunch(tmp_path).snapshots()
    assert [Path(e.path) for e in entries] == [early, broken, late]
    assert entries[1].problem and "corrupt" in entries[1].problem and not entries[0].problem


def test_names_taken_unclean_or_empty_are_refused(tmp_path: Path) -> None:
    saved(tmp_path, run="other")
    control = relaunch(tmp_path)
    assert control.name_problem("run-b1") is None
    assert "already" in (control.name_problem("other") or "")
    assert "already" in (control.name_problem("run") or "")  # the run's own
    assert "letters" in (control.name_problem("a/b") or "")
    assert "needs a name" in (control.name_problem("  ") or "")
    assert control.suggest_name("b") == "run-b1"


def test_a_branch_it_cannot_make_is_refused_before_anything_starts(tmp_path: Path) -> None:
    snapshot = saved(tmp_path)
    control = relaunch(tmp_path)
    ok = BranchRun(str(snapshot), "run-b1", 0.01, 8, 0.0, 0.0, 3)
    bad = tmp_path / "20261207-130000_run_e01_s000004.npz"
    bad.write_bytes(b"junk")
    for request, reason in (
        (BranchRun(str(bad), "run-b1", 0.01, 8, 0.0, 0.0, 3), "not a cnn-tui snapshot"),
        (BranchRun(str(snapshot), "run", 0.01, 8, 0.0, 0.0, 3), "already"),
        (BranchRun(str(snapshot), "run-b1", 0.01, 0, 0.0, 0.0, 3), "batch size"),
    ):
        with pytest.raises(RelaunchError, match=reason):
            control.branch(request)
    launch = control.branch(ok)  # a link, not started
    assert not launch.link.alive and launch.lineage is not None
    assert (launch.lineage.parent, launch.lineage.step) == ("run", 5)
    assert launch.control.run_name == "run-b1"
    with pytest.raises(RelaunchError, match="no snapshots"):
        relaunch(None).fresh(FreshRun("wide", 4, 0, 8))
    with pytest.raises(RelaunchError, match="filters"):
        control.fresh(FreshRun("wide", 65, 0, 8))


def test_a_snapshot_a_stop_asks_to_keep_survives_pruning(tmp_path: Path) -> None:
    from cnn_tui.core.training.snapshot_saving import SnapshotSaving

    saving, said = SnapshotSaving(tmp_path, "run", keep=1), []
    saving.save(make_state(steps=3), said.append, resumed_from=None)
    (first,) = tmp_path.glob("*.npz")
    saving.kept.add(first)  # what Stop(keep=(first,)) does
    saving.save(make_state(steps=4), said.append, resumed_from=None)
    saving.save(make_state(steps=5), said.append, resumed_from=None)
    names = sorted(p.name for p in tmp_path.glob("*.npz"))
    assert first.name in names and len(names) == 2  # kept, and the newest (keep=1)
