"""The `cnn-tui` command line as a user meets it: flags, exit codes, headless runs, metrics."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cnn_tui.tui.cli.main import main
from tests.core.idx_files import STEMS, images_idx, labels_idx, write


def tiny_mnist(folder: Path, train: int = 96, test: int = 20) -> Path:
    """A four-file MNIST-shaped set (gzip) in ``folder``."""
    files = {
        STEMS[0]: images_idx(train, seed=1),
        STEMS[1]: labels_idx(train),
        STEMS[2]: images_idx(test, seed=2),
        STEMS[3]: labels_idx(test),
    }
    for stem, data in files.items():
        write(folder / f"{stem}.gz", data, gz=True)
    return folder


def read_metrics(path: Path) -> list[dict]:
    """The records of a ``--metrics`` file, in order."""
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_headless_run_writes_every_step_an_eval_and_an_end(tmp_path, capsys) -> None:
    data = tiny_mnist(tmp_path / "mnist")
    metrics = tmp_path / "m.jsonl"
    flags = ["--epochs", "2", "--batch-size", "10", "--filters", "2", "--hidden", "8"]
    code = main(
        ["train", "--headless", "--data", str(data), *flags, "--metrics", str(metrics)]
        + ["--snapshot-dir", str(tmp_path / "snaps")]
    )
    assert code == 0
    records = read_metrics(metrics)
    batches = [r for r in records if r["event"] == "batch"]
    assert [r["step"] for r in batches] == list(range(1, 21))  # ceil(96/10) = 10 per epoch
    assert {"epoch", "step", "loss", "accuracy", "lr", "batch_size", "images_per_s"} <= set(
        batches[0]
    )
    evals = [r for r in records if r["event"] == "eval"]
    assert [r["step"] for r in evals] == [10, 20]
    assert len(evals[0]["per_class_accuracy"]) == 10 and len(evals[0]["confusion"]) == 10
    assert records[-1] == {**records[-1], "event": "end", "reason": "finished", "step": 20}
    out = capsys.readouterr().out
    assert "finished at epoch 2, step 20" in out and "test accuracy" in out
    assert len(list((tmp_path / "snaps").glob("*/*.npz"))) == 2  # one per epoch end


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--lr", "abc"], "learning rate 'abc' is not a number"),
        (["--lr", "nan"], "finite"),
        (["--lr", "1e400"], "finite"),
        (["--lr", "0"], "outside"),
        (["--lr", "-1"], "outside"),
        (["--batch-size", "0"], "outside"),
        (["--batch-size", "1.5"], "not a whole number"),
        (["--momentum", "1"], "outside"),
        (["--epochs", "0"], "outside"),
        (["--engine", "tensorflow"], "invalid choice"),
        (["--filters", "abc"], "not a whole number"),
    ],
)
def test_bad_flags_exit_2_with_one_line(flags, fragment, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--headless", *flags])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err


def test_missing_data_exits_3_naming_the_folder(tmp_path, capsys) -> None:
    code = main(["train", "--headless", "--data", str(tmp_path / "nowhere")])
    assert code == 3
    err = capsys.readouterr().err.strip()
    assert "nowhere" in err and len(err.splitlines()) == 1


def test_batch_larger_than_the_data_is_refused(tmp_path, capsys) -> None:
    data = tiny_mnist(tmp_path / "mnist")
    code = main(
        ["train", "--headless", "--data", str(data), "--batch-size", "500", "--no-snapshots"]
    )
    assert code == 2
    assert "larger than the 96 training images" in capsys.readouterr().err


def test_metrics_needs_headless(tmp_path) -> None:
    data = tiny_mnist(tmp_path / "mnist")
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--data", str(data), "--metrics", str(tmp_path / "m.jsonl")])
    assert exit_info.value.code == 2


def test_dashboard_without_a_terminal_says_so(tmp_path) -> None:
    data = tiny_mnist(tmp_path / "mnist")
    result = subprocess.run(
        [sys.executable, "-m", "cnn_tui.tui.cli", "--data", str(data)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 6
    assert "interactive terminal" in result.stderr and "--headless" in result.stderr


def test_help_lists_the_contract_flags(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = capsys.readouterr().out
    contract = (
        "--data --engine --epochs --batch-size --lr --momentum --filters --hidden --seed --limit "
        "--test-limit --resume --snapshot-dir --headless --metrics"
    )
    for flag in contract.split():
        assert flag in out


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_stops_at_a_batch_saves_and_exits(tmp_path, sig, code) -> None:
    data = tiny_mnist(tmp_path / "mnist", train=3000, test=50)
    snaps = tmp_path / "snaps"
    process = subprocess.Popen(
        [sys.executable, "-m", "cnn_tui.tui.cli", "train", "--headless", "--data", str(data)]
        + ["--engine", "python", "--filters", "2", "--hidden", "8", "--epochs", "50"]
        + ["--snapshot-dir", str(snaps), "--metrics", str(tmp_path / "m.jsonl")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    metrics = tmp_path / "m.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until training is under way
        if metrics.exists() and '"batch"' in metrics.read_text():
            break
        time.sleep(0.1)
    process.send_signal(sig)
    out, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    assert "stopped at epoch 1" in out and "Traceback" not in err
    saved = list(snaps.glob("*/*.npz"))
    assert len(saved) == 1
    assert read_metrics(metrics)[-1]["reason"] == "stopped"


@pytest.mark.mnist
def test_headless_on_real_mnist_learns(tmp_path, capsys, mnist_dir) -> None:
    metrics = tmp_path / "m.jsonl"
    flags = ["--epochs", "1", "--limit", "12000", "--test-limit", "2000", "--no-snapshots"]
    code = main(["train", "--headless", "--data", mnist_dir, *flags, "--metrics", str(metrics)])
    assert code == 0
    evaluation = [r for r in read_metrics(metrics) if r["event"] == "eval"][-1]
    assert evaluation["accuracy"] > 0.8  # 375 steps of the report's network: 84 %
    assert "test accuracy" in capsys.readouterr().out


def test_resume_continues_where_the_snapshot_left_off(tmp_path, capsys) -> None:
    data = tiny_mnist(tmp_path / "mnist")
    snaps = tmp_path / "snaps"
    common = ["train", "--headless", "--data", str(data), "--batch-size", "10"]
    common += ["--snapshot-dir", str(snaps)]
    assert (
        main([*common, "--epochs", "1", "--filters", "2", "--hidden", "8", "--run-name", "tiny"])
        == 0
    )
    [first] = snaps.glob("*/*.npz")
    assert "_tiny_" in first.name
    metrics = tmp_path / "m.jsonl"
    assert main([*common, "--resume", str(first), "--epochs", "2", "--metrics", str(metrics)]) == 0
    steps = [r["step"] for r in read_metrics(metrics) if r["event"] == "batch"]
    assert steps == list(range(11, 21))  # epoch 2 only
    assert len(list(snaps.glob("*/*_tiny_*.npz"))) == 2  # the run kept its name


def test_resume_refuses_what_cannot_continue(tmp_path, capsys) -> None:
    data = tiny_mnist(tmp_path / "mnist")
    snaps = tmp_path / "snaps"
    common = ["train", "--headless", "--data", str(data), "--batch-size", "10"]
    tiny_run = ["--epochs", "1", "--filters", "2", "--hidden", "8"]
    assert main([*common, *tiny_run, "--snapshot-dir", str(snaps)]) == 0
    [snapshot] = snaps.glob("*/*.npz")
    capsys.readouterr()
    resume = [*common, "--resume", str(snapshot), "--no-snapshots"]
    # another architecture than the snapshot's: exit 4
    assert main([*resume, "--epochs", "2", "--filters", "4"]) == 4
    assert "the flags ask for conv4" in capsys.readouterr().err
    # all its epochs are done and no --epochs: exit 2 with the way out
    with pytest.raises(SystemExit) as exit_info:
        main(resume)
    assert exit_info.value.code == 2
    assert "pass --epochs N with N > 1" in capsys.readouterr().err
    # --epochs no larger than what is done would train nothing: refused the same way
    with pytest.raises(SystemExit) as exit_info:
        main([*resume, "--epochs", "1"])
    assert exit_info.value.code == 2
    # a different slice of the data would change the batches: refused
    assert main([*resume, "--epochs", "2", "--limit", "50"]) == 4
    assert "same --limit" in capsys.readouterr().err
    # garbage under a snapshot's name: exit 4, one line
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"\x80\x04not a snapshot")
    assert main([*common, "--resume", str(bad), "--epochs", "2", "--no-snapshots"]) == 4
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
