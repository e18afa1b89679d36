"""``--steps N`` (issue 13, item 10): a run stops once it has taken N optimizer steps in all —
evaluated and saved, so a script gets its test result and a snapshot it can resume."""

from __future__ import annotations

import pytest

from cnn_tui.tui.cli.main import main
from tests.test_cli import read_metrics, tiny_mnist


def run(tmp_path, *flags: str) -> list[dict]:
    metrics = tmp_path / "m.jsonl"
    metrics.unlink(missing_ok=True)
    data = tiny_mnist(tmp_path / "mnist")
    common = ["train", "--headless", "--data", str(data), "--batch-size", "10"]
    common += ["--snapshot-dir", str(tmp_path / "s"), "--metrics", str(metrics)]
    assert main([*common, *flags]) == 0
    return read_metrics(metrics)


def test_steps_stops_mid_epoch_with_an_evaluation_and_a_snapshot(tmp_path, capsys) -> None:
    lines = run(tmp_path, "--epochs", "3", "--steps", "7")
    assert [r["step"] for r in lines if r["event"] == "batch"] == list(range(1, 8))
    assert [r["step"] for r in lines if r["event"] == "eval"] == [7]
    [end] = [r for r in lines if r["event"] == "end"]
    assert (end["step"], end["reason"]) == (7, "stopped")
    [snapshot] = (tmp_path / "s").glob("*/*.npz")
    assert "_s000007" in snapshot.name
    assert "resume with: cnn-tui train --headless --resume" in capsys.readouterr().out


def test_steps_counts_all_the_run_steps_across_a_resume(tmp_path, capsys) -> None:
    run(tmp_path, "--epochs", "3", "--steps", "7")
    [snapshot] = (tmp_path / "s").glob("*/*.npz")
    lines = run(tmp_path, "--epochs", "3", "--steps", "15", "--resume", str(snapshot))
    assert [r["step"] for r in lines if r["event"] == "batch"] == list(range(8, 16))


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("0", "outside"), ("-3", "outside"), ("1.5", "not a whole number"), ("abc", "whole number")],
)
def test_a_bad_steps_value_is_refused_in_one_line(value, fragment, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--headless", "--steps", value])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "--steps: steps" in err and fragment in err and "Traceback" not in err
