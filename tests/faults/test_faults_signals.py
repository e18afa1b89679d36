"""Faults E3–E8: signals during a headless run (stop at a batch, save, exit 130 / 143), Ctrl+C
during start-up, and a bug inside training (exit 1, the trace in a log).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.helpers import (
    CLI,
    STEMS,
    TRACEBACK,
    assert_clear,
    assert_resumable,
    finish,
    headless,
    run_main,
    sigint_default,
)


def _start_training(data: Path, snaps: Path, metrics: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [str(CLI), *headless(data, "--epochs", "3", "--snapshot-dir", str(snaps))]
        + ["--metrics", str(metrics)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=sigint_default,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()  # the "training …" line: the trainer is running
    assert line.startswith("training"), line
    time.sleep(0.3)
    return proc


@pytest.mark.parametrize(
    "sig, code",
    [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 143)],
    ids=["e3_sigint", "e4_sigterm", "e5_sighup"],
)
def test_e3_e4_e5_signal_stops_saves_exits(tmp_path, long_data, sig, code):
    proc = _start_training(long_data, tmp_path / "s", tmp_path / "m.jsonl")
    proc.send_signal(sig)
    rc, err = finish(proc)
    assert TRACEBACK not in err
    assert rc == code, (rc, err)
    snaps = sorted((tmp_path / "s").glob("*/*.npz"))
    assert snaps, "no snapshot saved on the way out"
    [run] = [p for p in (tmp_path / "s").iterdir() if p.name != ".lock"]  # the run folder
    kept = {"run.json", "metrics.jsonl"}  # the run record and its metrics; no temp files
    assert not [p for p in run.iterdir() if p.suffix != ".npz" and p.name not in kept]
    assert json.loads((run / "run.json").read_text())["state"] == "interrupted"
    last = json.loads((tmp_path / "m.jsonl").read_text().splitlines()[-1])
    assert last["event"] == "end" and last["reason"] == "stopped"
    assert_resumable(snaps[-1])


HOLD_AT = """
import os, sys, time
event, target = sys.argv[1], sys.argv[2]
held = []

def hold(name, args):
    # The first time start-up reaches ``target``, say so and wait there for the test's Ctrl+C.
    if name == event and not held and isinstance(args[0], (str, bytes, os.PathLike)):
        if os.fsdecode(args[0]).endswith(target):
            held.append(target)
            sys.stderr.write(f"held at {target}\\n")
            sys.stderr.flush()
            time.sleep(30)

sys.addaudithook(hold)
from cnn_tui.tui.cli.main import main
sys.argv = ["cnn-tui", *sys.argv[3:]]
sys.exit(main())
"""
"""Runs ``cnn-tui`` with an audit hook that holds start-up at one step (an ``import`` of a module
or an ``open`` of a file) until a signal arrives, so that the signal lands exactly there."""


@pytest.mark.parametrize(
    "event, target",
    [
        ("import", "cnn_tui.core.training.trainer"),
        ("open", STEMS[0]),
        ("import", "cnn_tui.core.engines.numpy"),
    ],
    ids=["importing", "reading_the_data", "building_the_network"],
)
def test_e3_sigint_while_loading(tmp_path, tiny, event, target):
    """Ctrl+C during start-up (imports, data loading, network set-up): exit 130, one line, no
    traceback. Start-up is held at each step in turn, so the signal always lands there — never
    before Python's own handler is in place, never after the run has finished."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_AT, event, target]
        + headless(tiny, "--snapshot-dir", str(tmp_path)),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=sigint_default,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    if line != f"held at {target}\n":
        proc.kill()
        pytest.fail(f"start-up never reached {target}: {line}{proc.communicate()[1]}")
    proc.send_signal(signal.SIGINT)
    rc, err = finish(proc)
    assert TRACEBACK not in err, err
    assert rc == 130, (rc, err)
    assert_clear(rc, err, 130, r"interrupted before training started; nothing to save")
    assert not list(tmp_path.rglob("*.npz"))


def test_e6_five_sigterms_in_100ms(tmp_path, long_data):
    proc = _start_training(long_data, tmp_path / "s", tmp_path / "m.jsonl")
    for _ in range(5):
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.02)
    rc, err = finish(proc)
    assert rc == 143 and TRACEBACK not in err, (rc, err)
    snaps = sorted((tmp_path / "s").glob("*/*.npz"))
    assert snaps and not list((tmp_path / "s").glob("*/.tmp-*"))
    assert_resumable(snaps[-1])


@pytest.mark.slow
def test_e6_double_ctrl_c_quits_without_partial_files(tmp_path, long_data):
    """Documented: a second Ctrl+C quits at once without saving — but never leaves a partial."""
    proc = _start_training(long_data, tmp_path / "s", tmp_path / "m.jsonl")
    proc.send_signal(signal.SIGINT)
    time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    rc, err = finish(proc)
    assert rc == 130 and TRACEBACK not in err, (rc, err)
    for path in (tmp_path / "s").glob("*/*.npz"):
        assert_resumable(path)


def test_e8_a_bug_in_training_exits_1_with_the_log_in_the_run_folder(
    tiny, tmp_path, capsys, monkeypatch
):
    """An exception inside training: one line naming the log (exit 1); the trace goes to the run
    folder's cnn-tui.log, which is started over past 1 MB; with no run folder, a file of its own."""
    from cnn_tui.core.training.trainer import Trainer
    from cnn_tui.tui.cli import crash_log

    def broken(self):  # noqa: ANN001, ANN202
        raise RuntimeError("a bug in the training step")

    monkeypatch.setattr(Trainer, "run", broken)
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "cnn-tui.log").write_text("x" * (crash_log.CRASH_LOG_LIMIT + 1))
    code, err = run_main(headless(tiny, "--snapshot-dir", str(runs)), capsys)
    assert_clear(code, err, 1, r"training failed: a bug in the training step .*cnn-tui\.log")
    log = runs / "cnn-tui.log"
    assert "RuntimeError: a bug in the training step" in log.read_text()
    assert log.stat().st_size < crash_log.CRASH_LOG_LIMIT
    assert (runs / "cnn-tui.log.1").stat().st_size > crash_log.CRASH_LOG_LIMIT
    code, err = run_main(headless(tiny, "--no-snapshots"), capsys)
    own = Path(re.search(r"details in (\S+\.log)", err).group(1))
    assert code == 1 and own.name.startswith("cnn-tui-")
    assert "RuntimeError" in own.read_text()
    own.unlink()
