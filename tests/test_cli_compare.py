"""``cnn-tui compare`` on the command line: three real headless runs compared with ``--text``,
and every refusal one line with a non-zero exit code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cnn_tui.core.runs.folder import METRICS_FILE, find_run
from cnn_tui.tui.cli.exit_codes import ExitCode
from cnn_tui.tui.cli.main import main
from tests.test_cli import tiny_mnist
from tests.tui.compare_runs import make_runs

SMALL = ["--epochs", "2", "--batch-size", "16", "--filters", "2", "--hidden", "8"]


def test_three_real_runs_compared_as_text(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    data, snaps = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps"
    for name, extra in (
        ("slow", ["--lr", "0.01"]),
        ("quick", ["--lr", "0.05"]),
        ("heavy", ["--lr", "0.01", "--momentum", "0.9"]),
    ):
        code = main(
            [
                "train",
                "--headless",
                "--data",
                str(data),
                *SMALL,
                *extra,
                "--run-name",
                name,
                "--snapshot-dir",
                str(snaps),
            ]
        )
        assert code == 0
    capsys.readouterr()
    quick = find_run(snaps, "quick")  # a folder path works as well as a name
    assert (
        main(["compare", "slow", str(quick), "heavy", "--snapshot-dir", str(snaps), "--text"]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    header = out[0].split()
    assert header[:4] == ["run", "steps", "test", "acc"]
    assert "lr" in header and "momentum" in header and "seed" not in header
    rows = {line.split()[2]: line for line in out[1:4]}
    assert set(rows) == {"slow", "quick", "heavy"}
    assert rows["quick"].split()[:4] == ["B", "■", "quick", "12"]  # 2 epochs of 96 / 16
    assert " 0.05 " in rows["quick"] and " 0.9 " in rows["heavy"]
    assert any(line.startswith("all: engine numpy") and "epochs 2" in line for line in out)
    assert "per-class test accuracy % (latest evaluation):" in out


def test_the_text_form_names_changes_and_torn_lines(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    make_runs(tmp_path, torn=True)
    assert main(["compare", "base", "fast", "wide", "--snapshot-dir", str(tmp_path), "--text"]) == 0
    out = capsys.readouterr().out
    assert "lr 0.1 @150" in out and "conv16 → dense128 → 10" in out
    assert "C wide: 1 torn line in its metrics (a crash?) ignored" in out


def refused(capsys, *argv: str) -> tuple[int, str]:  # noqa: ANN001
    code = main(["compare", *argv])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cnn-tui: ")  # one line, no traceback
    return code, err


def test_one_run_is_refused(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    make_runs(tmp_path)
    code, err = refused(capsys, "base", "--snapshot-dir", str(tmp_path))
    assert code == ExitCode.USAGE and "at least two runs" in err


def test_an_unknown_run_is_refused(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    make_runs(tmp_path)
    code, err = refused(capsys, "base", "nope", "--snapshot-dir", str(tmp_path), "--text")
    assert code == ExitCode.SNAPSHOT and "no run named 'nope'" in err


def test_the_same_run_twice_is_refused(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    make_runs(tmp_path)
    code, err = refused(capsys, "base", "20261207-130000_base", "--snapshot-dir", str(tmp_path))
    assert code == ExitCode.USAGE and "are the same run" in err


def test_more_than_six_runs_are_refused(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    code, err = refused(capsys, *"abcdefg", "--snapshot-dir", str(tmp_path))
    assert code == ExitCode.USAGE and "at most 6 runs, not 7" in err


@pytest.mark.parametrize("broken", ["garbage", "missing"])
def test_a_broken_metrics_file_is_refused_naming_it(tmp_path: Path, capsys, broken: str) -> None:  # noqa: ANN001
    base, *_ = make_runs(tmp_path)
    metrics = base / METRICS_FILE
    if broken == "missing":
        metrics.unlink()
    else:
        lines = metrics.read_text().splitlines(keepends=True)
        metrics.write_text("".join(lines[:5] + ["{oops\n"] + lines[5:]))
    code, err = refused(capsys, "base", "fast", "--snapshot-dir", str(tmp_path), "--text")
    assert code == ExitCode.SNAPSHOT and str(metrics) in err
    assert ("line 6" in err) if broken == "garbage" else ("no metrics file" in err)


def test_without_a_terminal_the_screen_refuses_and_names_text(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    make_runs(tmp_path)
    shutil.rmtree(tmp_path / "20261207-130200_wide")
    code, err = refused(capsys, "base", "fast", "--snapshot-dir", str(tmp_path))
    assert code == ExitCode.ENVIRONMENT and "--text" in err  # pytest's stdin is no terminal
