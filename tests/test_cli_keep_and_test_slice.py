"""Two train flags as a user meets them: ``--keep`` (how many snapshots a run keeps) and
``--resume`` with another ``--test-limit`` (accepted: evaluated on the new slice, said so)."""

from __future__ import annotations

import queue
from pathlib import Path

import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import Evaluated, Finished, SnapshotSaved
from cnn_tui.core.training.link import TrainerSpec, run_trainer
from cnn_tui.tui.cli.main import main
from tests.test_cli import read_metrics, tiny_mnist

TINY = ["--batch-size", "10", "--filters", "2", "--hidden", "8"]


def headless(data: Path, snaps: Path, *flags: str) -> list[str]:
    return ["train", "--headless", "--data", str(data), "--snapshot-dir", str(snaps), *flags]


def kept_by_policy(records: list[dict], newest: int) -> set[Path]:
    """From a metrics file: the ``newest`` snapshots written and the best by test accuracy."""
    accuracy = {r["step"]: r["accuracy"] for r in records if r["event"] == "eval"}
    written = [r for r in records if r["event"] == "snapshot"]
    scored = [
        (accuracy[r["step"]], i, r["path"]) for i, r in enumerate(written) if r["step"] in accuracy
    ]
    return {Path(r["path"]) for r in written[-newest:]} | {Path(max(scored)[2])}


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0", "--keep all"),  # ambiguous (all? none?): refused with both ways out
        ("-1", "outside"),
        ("x", "not a whole number"),
        ("1.5", "not a whole number"),
        ("", "not a whole number"),
    ],
)
def test_a_bad_keep_is_one_line_and_exit_2(tmp_path: Path, capsys, value: str, says: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(headless(tmp_path, tmp_path / "s", f"--keep={value}"))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert "--keep" in last and says in last and "Traceback" not in err


def test_keep_prunes_a_headless_run_to_the_newest_and_the_best(tmp_path: Path) -> None:
    data, snaps, metrics = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps", tmp_path / "m.jsonl"
    flags = [*TINY, "--epochs", "5", "--keep", "2", "--metrics", str(metrics)]
    assert main(headless(data, snaps, *flags)) == 0
    records = read_metrics(metrics)
    assert sum(r["event"] == "snapshot" for r in records) == 5
    assert set(snaps.glob("*/*.npz")) == kept_by_policy(records, 2)


def test_by_default_a_run_keeps_three_and_the_best(tmp_path: Path) -> None:
    data, snaps, metrics = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps", tmp_path / "m.jsonl"
    assert main(headless(data, snaps, *TINY, "--epochs", "6", "--metrics", str(metrics))) == 0
    assert set(snaps.glob("*/*.npz")) == kept_by_policy(read_metrics(metrics), 3)


def test_keep_all_keeps_every_snapshot(tmp_path: Path) -> None:
    data, snaps = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps"
    assert main(headless(data, snaps, *TINY, "--epochs", "5", "--keep", "all")) == 0
    assert len(list(snaps.glob("*/*.npz"))) == 5


def test_the_dashboard_gets_the_keep_it_was_given(tmp_path: Path, monkeypatch) -> None:
    """``cnn-tui train`` hands --keep to the dashboard's launcher as it does to headless."""
    from cnn_tui.tui.cli import launch

    given: dict = {}
    monkeypatch.setattr(launch, "run_dashboard", lambda *a, **kw: given.update(kw) or 0)
    data = tiny_mnist(tmp_path / "mnist")
    assert (
        main(["train", "--data", str(data), "--snapshot-dir", str(tmp_path / "s"), "--keep", "5"])
        == 0
    )
    assert given["keep"] == 5
    assert main(["train", "--data", str(data), "--no-snapshots", "--keep", "all"]) == 0
    assert given["keep"] is None


def test_the_dashboards_trainer_prunes_too(tmp_path: Path) -> None:
    """The trainer behind the dashboard (``run_trainer``, in its own process) keeps ``keep``."""
    data, snaps = tiny_mnist(tmp_path / "mnist", train=40), tmp_path / "snaps"
    config = RunConfig(
        arch=Architecture(filters=2, hidden=8), hyper=Hyperparameters(batch_size=10), epochs=4
    )
    spec = TrainerSpec(
        config=config,
        data_dir=str(data),
        snapshot_dir=str(snaps),
        keep=1,
        batch_interval=0,
        sample_interval=None,
    )
    events: list = []
    run_trainer(spec, commands=queue.Queue(), emit=events.append)
    assert isinstance(events[-1], Finished) and events[-1].reason == "finished"
    written = [e for e in events if isinstance(e, SnapshotSaved)]
    accuracy = {e.step: e.accuracy for e in events if isinstance(e, Evaluated)}
    best = max((accuracy[e.step], i, e.path) for i, e in enumerate(written))[2]
    assert len(written) == 4
    assert set(snaps.glob("*.npz")) == {Path(written[-1].path), Path(best)}


def test_resume_accepts_another_test_limit_and_says_it_re_evaluates(tmp_path: Path, capsys) -> None:
    data, snaps, metrics = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps", tmp_path / "m.jsonl"
    assert main(headless(data, snaps, *TINY, "--epochs", "1", "--test-limit", "10")) == 0
    [snapshot] = snaps.glob("*/*.npz")
    capsys.readouterr()
    resume = ["--resume", str(snapshot), "--epochs", "2", "--metrics", str(metrics)]
    assert main(headless(data, snaps, *resume, "--test-limit", "20")) == 0
    err = capsys.readouterr().err
    assert "test set changed" in err and "10" in err and "20" in err, err
    records = read_metrics(metrics)
    first_eval = next(r for r in records if r["event"] == "eval")
    first_batch = next(i for i, r in enumerate(records) if r["event"] == "batch")
    assert records.index(first_eval) < first_batch  # evaluated at once, before training on
    assert (first_eval["size"], first_eval["step"]) == (20, 10)
    assert any(r["event"] == "notice" for r in records)


def test_resume_still_refuses_another_training_slice(tmp_path: Path, capsys) -> None:
    data, snaps = tiny_mnist(tmp_path / "mnist"), tmp_path / "snaps"
    assert main(headless(data, snaps, *TINY, "--epochs", "1")) == 0
    [snapshot] = snaps.glob("*/*.npz")
    capsys.readouterr()
    resume = ["--resume", str(snapshot), "--epochs", "2", "--test-limit", "10"]
    assert main(headless(data, snaps, *resume, "--limit", "50")) == 4
    err = capsys.readouterr().err
    assert "same --limit" in err and len(err.strip().splitlines()) == 1
