"""``--dataset`` and ``classes.txt`` on the command line: the run carries the set and its class
names, a bad ``classes.txt`` or a missing set ends in one line and the data exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnn_tui.core.data.sets import FASHION_MNIST
from cnn_tui.tui.cli.main import main
from tests.test_cli import tiny_mnist

SMALL = ["--epochs", "1", "--batch-size", "48", "--filters", "2", "--hidden", "8", "--no-snapshots"]


def start_record(folder: Path, tmp_path: Path, *flags: str) -> dict:
    metrics = tmp_path / "m.jsonl"
    code = main(
        ["train", "--headless", "--data", str(folder), *SMALL, "--metrics", str(metrics), *flags]
    )
    assert code == 0
    records = [json.loads(line) for line in metrics.read_text().splitlines()]
    return next(r for r in records if r["event"] == "start")


def test_a_fashion_run_carries_its_class_names(tmp_path: Path) -> None:
    start = start_record(tiny_mnist(tmp_path / "f"), tmp_path, "--dataset", "fashion-mnist")
    assert start["dataset"] == "fashion-mnist"
    assert start["class_names"] == list(FASHION_MNIST.class_names)


def test_an_mnist_run_records_what_it_always_did(tmp_path: Path) -> None:
    start = start_record(tiny_mnist(tmp_path / "m"), tmp_path)
    assert "dataset" not in start and "class_names" not in start


def test_classes_txt_names_any_folder(tmp_path: Path) -> None:
    folder = tiny_mnist(tmp_path / "own")
    names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    (folder / "classes.txt").write_text("\n".join(names) + "\n")
    start = start_record(folder, tmp_path)
    assert start["class_names"] == names


def test_a_bad_classes_txt_is_refused_in_one_line(tmp_path: Path, capsys) -> None:
    folder = tiny_mnist(tmp_path / "bad")
    (folder / "classes.txt").write_text("cat\ndog\n")
    code = main(["train", "--headless", "--data", str(folder), *SMALL])
    assert code == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "classes.txt has 2 lines, needs 10" in err


def test_a_missing_set_says_how_to_download_it(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    code = main(["train", "--headless", "--dataset", "kmnist", *SMALL])
    assert code == 3
    err = capsys.readouterr().err
    assert "KMNIST not found" in err and "cnn-tui download --dataset kmnist" in err
    assert "data/kmnist (no such folder)" in err


@pytest.mark.parametrize("command", [["download"], ["inspect", "x.npz"], ["train"]])
def test_every_data_command_takes_the_flag(command: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([*command, "--dataset", "cifar"])
    assert stopped.value.code == 2
    assert "invalid choice: 'cifar'" in capsys.readouterr().err
