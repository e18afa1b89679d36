"""Faults in run folders: a run killed outright (kill -9) leaves run.json saying "running" and
maybe a torn last metrics line; ``cnn-tui runs`` shows it as ``interrupted?`` and never fails
on it, and resuming it ends the torn line before appending its own whole lines."""

from __future__ import annotations

import json
import signal
import subprocess
import time

from cnn_tui.core.snapshot.names import parse_snapshot_name
from tests.faults.helpers import CLI, TRACEBACK, cli, headless, sigint_default


def test_a_killed_run_shows_interrupted_and_resumes_after_a_torn_line(tmp_path, long_data):
    snaps = tmp_path / "s"
    proc = subprocess.Popen(
        [str(CLI), *headless(long_data, "--epochs", "3", "--snapshot-dir", str(snaps))],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=sigint_default,
    )
    try:
        deadline = time.monotonic() + 60
        while not list(snaps.glob("*/*.npz")) and time.monotonic() < deadline:
            time.sleep(0.05)  # until the first epoch's snapshot is written
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    [run] = [p for p in snaps.iterdir() if p.is_dir()]
    assert json.loads((run / "run.json").read_text())["state"] == "running"
    with open(run / "metrics.jsonl", "a") as metrics:
        metrics.write('{"event": "batch", "epo')  # as a kill in the middle of a write leaves it

    listed = cli("runs", "--snapshot-dir", str(snaps), "--json")
    assert listed.returncode == 0 and TRACEBACK not in listed.stderr.decode()
    [entry] = json.loads(listed.stdout)
    assert (entry["state"], entry["recorded_state"]) == ("interrupted?", "running")
    table = cli("runs", "--snapshot-dir", str(snaps)).stdout.decode()
    assert "interrupted?" in table

    snapshot = sorted(run.glob("*.npz"))[-1]
    step = parse_snapshot_name(snapshot.name).step  # type: ignore[union-attr]
    resumed = cli(
        *headless(long_data, "--epochs", "3", "--snapshot-dir", str(snaps)),
        "--resume",
        str(snapshot),
        "--steps",
        str(step + 1),
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr.decode()
    lines = (run / "metrics.jsonl").read_text().splitlines()
    torn = lines.index('{"event": "batch", "epo')
    after = [json.loads(line) for line in lines[torn + 1 :]]  # every later line is whole
    assert after[0]["event"] == "start" and after[-1]["event"] == "end"
    assert json.loads((run / "run.json").read_text())["state"] == "finished"
