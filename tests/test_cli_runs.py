"""``cnn-tui runs``: the table newest first (name, start, engine, network, epochs, best test
accuracy, state, parent), ``--json`` for scripts, a friendly line for an empty folder, one line
and exit 4 for a missing one, and a broken run.json skipped with one line."""

from __future__ import annotations

import json
from pathlib import Path

from cnn_tui.tui.cli.main import main
from cnn_tui.tui.formatting import short_architecture
from tests.test_cli import tiny_mnist
from tests.test_cli_keep_and_test_slice import TINY, headless

JSON_KEYS = {
    "name",
    "folder",
    "path",
    "started",
    "updated",
    "engine",
    "architecture",
    "dataset",
    "hyperparameters",
    "changes",
    "epochs_done",
    "epochs",
    "steps",
    "best_accuracy",
    "best_step",
    "state",
    "recorded_state",
    "note",
    "parent_run",
    "parent_step",
}


def two_runs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A run of two epochs, then a branch of it from its first snapshot."""
    data, snaps = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps"
    assert main(headless(data, snaps, *TINY, "--epochs", "2", "--run-name", "base")) == 0
    [parent] = snaps.glob("*_base")
    first = sorted(parent.glob("*.npz"))[0]
    flags = ["--resume", str(first), "--run-name", "fork", "--epochs", "3"]
    assert main(headless(data, snaps, *TINY, *flags)) == 0
    [branch] = snaps.glob("*_fork")
    return snaps, parent, branch


def test_the_table_lists_the_newest_first_with_its_parent(tmp_path: Path, capsys) -> None:
    snaps, parent, _ = two_runs(tmp_path)
    capsys.readouterr()
    assert main(["runs", "--snapshot-dir", str(snaps)]) == 0
    header, fork, base = capsys.readouterr().out.splitlines()
    assert header.split()[:3] == ["name", "started", "(UTC)"] and "parent" in header
    assert fork.split()[0] == "fork" and f"{parent.name} @10" in fork
    assert base.split()[0] == "base" and base.rstrip().endswith("–")
    for row, epochs in ((fork, "3/3"), (base, "2/2")):
        assert "numpy" in row and "c2 d8" in row and epochs in row and "finished" in row
        assert "%" in row


def test_json_lists_stable_objects_for_scripts(tmp_path: Path, capsys) -> None:
    snaps, parent, branch = two_runs(tmp_path)
    capsys.readouterr()
    assert main(["runs", "--snapshot-dir", str(snaps), "--json"]) == 0
    fork, base = json.loads(capsys.readouterr().out)
    assert set(fork) == set(base) == JSON_KEYS
    assert (fork["name"], fork["folder"], fork["path"]) == ("fork", branch.name, str(branch))
    assert (fork["parent_run"], fork["parent_step"]) == (parent.name, 10)
    assert (base["state"], base["epochs_done"], base["steps"]) == ("finished", 2, 20)
    assert base["architecture"] == "conv2 → dense8 → 10" and base["parent_run"] is None
    assert base["hyperparameters"]["batch_size"] == 10 and fork["epochs"] == 3


def test_an_empty_folder_says_so_and_a_missing_one_exits_4(tmp_path: Path, capsys) -> None:
    assert main(["runs", "--snapshot-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "no runs in" in out and "cnn-tui train" in out
    assert main(["runs", "--snapshot-dir", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["runs", "--snapshot-dir", str(tmp_path / "missing")]) == 4
    captured = capsys.readouterr()
    assert captured.err == f"cnn-tui: no snapshot folder {tmp_path / 'missing'}\n"
    assert captured.out == ""


def test_a_broken_run_json_is_skipped_in_one_line(tmp_path: Path, capsys) -> None:
    snaps, parent, branch = two_runs(tmp_path)
    (parent / "run.json").write_text('{"format": 1}')
    (snaps / "20261129-153012_run_e02_s003750.npz").write_bytes(b"")  # loose, as before
    capsys.readouterr()
    assert main(["runs", "--snapshot-dir", str(snaps)]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "skipped" in captured.err
    assert f"{parent / 'run.json'} is not a run record" in captured.err
    lines = captured.out.splitlines()
    assert lines[1].split()[0] == "fork" and len(lines) == 3
    assert "1 snapshot of an earlier version" in lines[2]


def test_the_short_network_names() -> None:
    assert short_architecture("conv8 → dense128 → 10") == "c8 d128"
    assert short_architecture("conv32 → conv64 → dense128 → 10") == "c32+64 d128"
    assert short_architecture("something else") == "something else"
