"""What a run prints when it ends (issue 13, item 3): the last snapshot and the command that goes
on from it — and that command really does go on."""

from __future__ import annotations

import shlex

from cnn_tui.tui.cli.closing import closing_lines
from cnn_tui.tui.cli.main import main
from tests.test_cli import tiny_mnist


def test_no_snapshot_prints_nothing() -> None:
    assert closing_lines(None, finished=False, epochs=5, headless=False) == []


def test_a_stopped_dashboard_run_resumes_with_the_same_epochs() -> None:
    lines = closing_lines("snapshots/a b.npz", finished=False, epochs=5, headless=False)
    assert lines[0] == "last snapshot: snapshots/a b.npz"
    verb, command = lines[1].split(": ", 1)
    assert verb == "resume with"
    assert shlex.split(command) == ["cnn-tui", "--resume", "snapshots/a b.npz"]


def test_a_finished_run_is_offered_one_more_epoch() -> None:
    [_, line] = closing_lines("s.npz", finished=True, epochs=3, headless=True)
    assert shlex.split(line.split(": ", 1)[1]) == [
        "cnn-tui",
        "train",
        "--headless",
        "--resume",
        "s.npz",
        "--epochs",
        "4",
    ]


def test_the_printed_command_resumes_the_run(tmp_path, capsys) -> None:
    data = tiny_mnist(tmp_path / "data")
    flags = ["--data", str(data), "--snapshot-dir", str(tmp_path / "s"), "--test-limit", "20"]
    assert main(["train", "--headless", "--epochs", "1", *flags]) == 0
    out = capsys.readouterr().out
    [command] = [line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("train on")]
    argv = shlex.split(command)
    assert argv[:3] == ["cnn-tui", "train", "--headless"]
    assert main([*argv[1:], *flags]) == 0
    assert "finished at epoch 2" in capsys.readouterr().out
