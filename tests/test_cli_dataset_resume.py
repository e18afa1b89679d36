"""A run's data set goes with its snapshot: a Fashion-MNIST snapshot records its set and names
(an MNIST one is written as before), ``--resume`` keeps the set and refuses another, and data
known to be another set's is refused in one line."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zipfile
from pathlib import Path
from types import SimpleNamespace

from cnn_tui.core.data.mnist_files import MnistFile
from cnn_tui.core.data.sets import DATASETS, FASHION_MNIST
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.tui.cli.main import main
from cnn_tui.tui.inspector.names import app_class_names
from tests.core.idx_files import STEMS
from tests.test_cli import tiny_mnist

SMALL = ["--epochs", "1", "--batch-size", "48", "--filters", "2", "--hidden", "8"]


def train(folder: Path, snaps: Path, *flags: str) -> int:
    return main(
        ["train", "--headless", "--data", str(folder), *SMALL, "--snapshot-dir", str(snaps), *flags]
    )


def meta_config(snapshot: Path) -> dict:
    with zipfile.ZipFile(snapshot) as npz:
        name = next(n for n in npz.namelist() if n.endswith(".json"))
        return json.loads(npz.read(name))["config"]


def test_the_snapshot_records_the_set_and_resume_keeps_it(tmp_path: Path, capsys) -> None:
    data = tiny_mnist(tmp_path / "f")
    assert train(data, tmp_path / "s", "--dataset", "fashion-mnist") == 0
    (snapshot,) = (tmp_path / "s").glob("*/*.npz")
    config = meta_config(snapshot)
    assert config["dataset"] == "fashion-mnist"
    assert config["class_names"] == list(FASHION_MNIST.class_names)
    state = load_snapshot(snapshot)
    assert state.config.class_names == FASHION_MNIST.class_names
    assert app_class_names(SimpleNamespace(state=state)) == FASHION_MNIST.class_names  # type: ignore[arg-type]
    capsys.readouterr()
    code = train(
        data, tmp_path / "s2", "--resume", str(snapshot), "--dataset", "mnist", "--epochs", "2"
    )
    assert code != 0
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [err] and "trained on --dataset fashion-mnist" in err
    metrics = tmp_path / "m.jsonl"
    code = train(
        data, tmp_path / "s3", "--resume", str(snapshot), "--epochs", "2", "--metrics", str(metrics)
    )
    assert code == 0
    start = next(json.loads(line) for line in metrics.read_text().splitlines() if '"start"' in line)
    assert start["dataset"] == "fashion-mnist"


def test_an_mnist_snapshot_is_written_as_before(tmp_path: Path) -> None:
    assert train(tiny_mnist(tmp_path / "m"), tmp_path / "s") == 0
    (snapshot,) = (tmp_path / "s").glob("*/*.npz")
    assert set(meta_config(snapshot)) == {
        "engine",
        "precision",
        "epochs",
        "seed",
        "architecture",
        "hyperparameters",
    }


def test_data_known_to_be_another_set_is_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    data = tiny_mnist(tmp_path / "f")
    sums = [hashlib.md5((data / f"{s}.gz").read_bytes()).hexdigest() for s in STEMS]
    files = tuple(
        MnistFile(f.stem, f.size, "", m) for f, m in zip(FASHION_MNIST.files, sums, strict=True)
    )
    monkeypatch.setitem(DATASETS, "fashion-mnist", dataclasses.replace(FASHION_MNIST, files=files))
    code = train(data, tmp_path / "s", "--dataset", "kmnist")
    assert code == 3
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [err]
    assert "holds Fashion-MNIST, not KMNIST — pass --dataset fashion-mnist" in err
    assert train(data, tmp_path / "s", "--dataset", "fashion-mnist", "--no-snapshots") == 0
