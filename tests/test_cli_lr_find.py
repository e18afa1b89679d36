"""`cnn-tui lr-find` as a user meets it: the suggestion on stdout, the curve as JSON Lines, a
range out of bounds refused in one line, a run that diverges at once said so with exit 1."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.core.snapshot.save import save_snapshot
from cnn_tui.tui.cli.main import main
from tests.test_cli import read_metrics, tiny_mnist

SMALL = ["--filters", "2", "--hidden", "8", "--batch-size", "8"]
SUGGESTED = re.compile(r"suggested lr \S+ \(steepest descent of the smoothed loss\)")


def test_the_suggestion_is_the_last_line_and_the_curve_is_in_the_metrics_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where a snapshot folder would appear
    data = tiny_mnist(tmp_path / "mnist")
    metrics = tmp_path / "curve.jsonl"
    flags = ["--start", "1e-4", "--end", "10", "--batches", "60", "--metrics", str(metrics)]
    assert main(["lr-find", "--data", str(data), *SMALL, *flags]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "lr-find: 60 batches, lr 0.0001 → 10 on a copy of the weights of step 0"
    records = read_metrics(metrics)
    assert records[0] == {
        "event": "lr_find_start",
        "step": 0,
        "start": 1e-4,
        "end": 10.0,
        "batches": 60,
    }
    points = [r for r in records if r["event"] == "lr_find"]
    assert [p["batch"] for p in points] == list(range(len(points))) and len(points) > 10
    end = records[-1]
    assert end["event"] == "lr_find_end" and end["points"] == len(points)
    assert out[-1] == end["message"]
    if end["outcome"] == "suggested":
        assert SUGGESTED.fullmatch(out[-1])
        assert end["suggested"] in [p["lr"] for p in points]
    else:  # the random pixels of the tiny set may give no clear descent: said so, exit 0
        assert out[-1].startswith("no clear descent of the smoothed loss")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curve.jsonl", "mnist"]  # no snapshot


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--start", "0"], "sweep start"),
        (["--end", "100"], "sweep end"),
        (["--batches", "5"], "sweep batches"),
        (["--start", "0.1", "--end", "0.01"], "sweep start 0.1 must be below its end 0.01"),
        (["--steps", "10"], "--steps does not apply to lr-find"),
        (["--serve"], "--serve does not apply to lr-find"),
    ],
)
def test_a_range_out_of_bounds_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], named: str
) -> None:
    data = tiny_mnist(tmp_path / "mnist")
    with pytest.raises(SystemExit) as exit_info:
        main(["lr-find", "--data", str(data), *flags])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err


def test_a_run_that_diverges_at_once_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tiny_mnist(tmp_path / "mnist")
    snaps = tmp_path / "snaps"
    train = ["train", "--headless", "--data", str(data), *SMALL, "--steps", "2"]
    assert main([*train, "--snapshot-dir", str(snaps)]) == 0
    [saved] = list(snaps.glob("*/*.npz"))
    state = load_snapshot(saved)
    params = state.params  # float32 conv weights of 3e38: the first conv output overflows
    params["conv1.weight"] = [3e38] * len(params["conv1.weight"])
    broken = save_snapshot(replace(state, params=params), tmp_path / "broken", run_name="run")
    before = broken.read_bytes()
    capsys.readouterr()
    code = main(["lr-find", "--data", str(data), "--resume", str(broken), "--batches", "20"])
    assert code == 1
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith("cnn-tui: the loss exploded at once (after 0 of 20 sweep batches")
    assert line.endswith("the run is as it was")
    assert broken.read_bytes() == before  # the snapshot is untouched
    assert list((tmp_path / "broken").iterdir()) == [broken]  # and nothing was written beside it


@pytest.mark.mnist
def test_lr_find_on_mnist_suggests_a_rate(
    mnist_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["lr-find", "--data", mnist_dir, "--limit", "4000", "--batches", "150"])
    assert code == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert SUGGESTED.fullmatch(last)
    suggested = float(last.split()[2])
    assert 1e-3 < suggested < 1.0  # the default network learns well between these
