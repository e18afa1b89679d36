"""Run folders as a user meets them: a headless run's folder (run.json, metrics.jsonl, its
snapshots), ``--resume`` going on in the same folder, ``--resume … --run-name NEW`` branching
into a new one while the parent stays byte for byte, and loose snapshots of earlier versions
still resuming (into a run folder of their own)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from cnn_tui.core.runs.record import read_run
from cnn_tui.tui.cli.main import main
from tests.test_cli import read_metrics, tiny_mnist
from tests.test_cli_keep_and_test_slice import TINY, headless


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def only_run(snaps: Path) -> Path:
    [run] = [p for p in snaps.iterdir() if p.is_dir()]
    return run


def test_a_headless_run_writes_its_folder(tmp_path: Path, capsys) -> None:
    data, snaps, extra = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps", tmp_path / "m.jsonl"
    flags = [*TINY, "--epochs", "2", "--run-name", "tiny", "--metrics", str(extra)]
    assert main(headless(data, snaps, *flags)) == 0
    run = only_run(snaps)
    assert run.name.endswith("_tiny") and len(run.name) == len("20261207-130512_tiny")
    names = sorted(p.name for p in run.iterdir())
    assert names[-2:] == ["metrics.jsonl", "run.json"] and len(names) == 4  # + 2 snapshots
    record = read_run(run)
    assert (record.name, record.folder, record.state, record.engine) == (
        "tiny",
        run.name,
        "finished",
        "numpy",
    )
    assert (record.epochs_done, record.steps, record.dataset) == (2, 20, "mnist")
    assert record.architecture == "conv2 → dense8 → 10"
    assert record.hyperparameters.batch_size == 10 and record.hyperparameters.epochs == 2
    evals = [r for r in read_metrics(extra) if r["event"] == "eval"]
    assert record.best_accuracy == max(r["accuracy"] for r in evals)
    # --metrics FILE is an extra copy of the run folder's metrics.jsonl
    assert (run / "metrics.jsonl").read_text() == extra.read_text()
    out = capsys.readouterr().out
    assert f"last snapshot: {run}" in out  # the closing lines point into the run folder


def test_resume_goes_on_in_the_same_folder_and_appends(tmp_path: Path) -> None:
    data, snaps = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps"
    assert main(headless(data, snaps, *TINY, "--epochs", "1")) == 0
    run = only_run(snaps)
    [first] = run.glob("*.npz")
    before = (run / "metrics.jsonl").read_text()
    assert main(headless(data, snaps, *TINY, "--resume", str(first), "--epochs", "2")) == 0
    assert only_run(snaps) == run  # no second folder
    after = (run / "metrics.jsonl").read_text()
    assert after.startswith(before)
    events = [json.loads(line)["event"] for line in after.splitlines()]
    assert events.count("start") == 2 and events[-1] == "end"
    record = read_run(run)
    assert (record.state, record.steps, record.epochs_done) == ("finished", 20, 2)
    [change] = record.changes  # --epochs 2 on resume: recorded where it took effect
    assert (change.step, change.what, change.value) == (10, "epochs", 2)
    assert len(list(run.glob("*.npz"))) == 2


def test_resume_with_a_new_run_name_branches_and_leaves_the_parent_alone(tmp_path: Path) -> None:
    data, snaps = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps"
    assert main(headless(data, snaps, *TINY, "--epochs", "2", "--keep", "all")) == 0
    parent = only_run(snaps)
    snapshot = sorted(parent.glob("*.npz"))[0]  # after epoch 1, step 10
    untouched = digest(parent)
    flags = ["--resume", str(snapshot), "--run-name", "fork", "--lr", "0.05", "--epochs", "3"]
    assert main(headless(data, snaps, *TINY, *flags)) == 0
    assert digest(parent) == untouched  # byte for byte
    [branch] = [p for p in snaps.iterdir() if p.is_dir() and p != parent]
    record = read_run(branch)
    assert (record.name, record.parent_run, record.parent_step) == ("fork", parent.name, 10)
    assert record.hyperparameters.lr == 0.05 and record.state == "finished"
    assert [p.name.split("_")[1] for p in branch.glob("*.npz")] == ["fork"] * 2
    starts = [r for r in read_metrics(branch / "metrics.jsonl") if r["event"] == "start"]
    assert len(starts) == 1 and starts[0]["step"] == 10
    # the branch goes on in its own folder; the parent still resumes in its own
    [last] = sorted(branch.glob("*.npz"))[-1:]
    assert main(headless(data, snaps, *TINY, "--resume", str(last), "--epochs", "4")) == 0
    assert read_run(branch).steps == 40 and digest(parent) == untouched


def test_a_loose_snapshot_of_an_earlier_version_resumes_into_a_run_folder(tmp_path: Path) -> None:
    data, snaps = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps"
    assert main(headless(data, tmp_path / "old", *TINY, "--epochs", "1", "--run-name", "v0")) == 0
    [made] = (tmp_path / "old").glob("*/*.npz")
    snaps.mkdir()
    loose = snaps / made.name  # as today's version wrote it: flat in --snapshot-dir
    shutil.copyfile(made, loose)
    flags = ["--resume", str(loose), "--epochs", "3", "--keep", "1"]
    assert main(headless(data, snaps, *TINY, *flags)) == 0
    run = only_run(snaps)
    record = read_run(run)
    assert (record.name, record.parent_run, record.steps) == ("v0", None, 30)
    assert loose.exists()  # --keep never deletes the snapshot a run resumed from
    assert len(list(run.glob("*.npz"))) == 1


def test_a_snapshot_from_another_folder_goes_on_in_a_new_one_here(tmp_path: Path) -> None:
    data, snaps, other = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps", tmp_path / "other"
    assert main(headless(data, other, *TINY, "--epochs", "1")) == 0
    elsewhere = only_run(other)
    untouched = digest(elsewhere)
    [snapshot] = elsewhere.glob("*.npz")
    assert main(headless(data, snaps, *TINY, "--resume", str(snapshot), "--epochs", "2")) == 0
    record = read_run(only_run(snaps))
    assert (record.parent_run, record.parent_step) == (elsewhere.name, 10)
    assert digest(elsewhere) == untouched


def test_a_broken_run_json_beside_the_snapshot_is_refused_in_one_line(tmp_path: Path, capsys):
    data, snaps = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps"
    assert main(headless(data, snaps, *TINY, "--epochs", "1")) == 0
    run = only_run(snaps)
    (run / "run.json").write_text("{ not json")
    [snapshot] = run.glob("*.npz")
    capsys.readouterr()
    assert main(headless(data, snaps, *TINY, "--resume", str(snapshot), "--epochs", "2")) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "run.json is not valid JSON" in err and "--run-name" in err


def test_steps_reached_is_finished_and_no_snapshots_keeps_no_folder(tmp_path: Path) -> None:
    data, snaps = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps"
    assert main(headless(data, snaps, *TINY, "--epochs", "2", "--steps", "5")) == 0
    record = read_run(only_run(snaps))
    assert (record.state, record.note, record.steps) == ("finished", "--steps reached", 5)
    assert main(headless(data, tmp_path / "none", *TINY, "--epochs", "1", "--no-snapshots")) == 0
    assert not (tmp_path / "none").exists()
