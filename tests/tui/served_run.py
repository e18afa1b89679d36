"""Helpers for the attach tests: a REAL headless trainer serving on a socket in a temporary
folder (``cnn-tui train --headless --serve`` in a child process, on a tiny generated set), paused
by a token holder once it is under way so what follows does not race the run, and polling waits
for a Pilot or a process (waits, never timed assertions: they only bound how long a test may
hang when something is broken)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot

from cnn_tui.core.contract import events as ev
from tests.core.remote_clients import Viewer
from tests.test_cli import tiny_mnist

WAIT = 30.0
"""Seconds a condition may take before the test fails (a trainer's start included)."""

TINY_RUN = ["--batch-size", "10", "--filters", "2", "--hidden", "8", "--engine", "numpy"]


@dataclass
class ServedRun:
    """A served run: its process, its folder (socket and token inside) and the step it paused
    at (None: it was left running)."""

    process: subprocess.Popen[str]
    folder: Path
    snaps: Path
    paused_at: int | None

    @property
    def socket(self) -> Path:
        return self.folder / "serve.sock"

    @property
    def token(self) -> str:
        return (self.folder / "token").read_text().strip()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``WAIT`` seconds."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"waited too long for {what}"
        time.sleep(0.02)


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """``wait_for`` inside a Pilot: the app keeps running while we wait."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"waited too long for {what}"
        await pilot.pause(0.03)


def pause_run(socket: Path, token: str) -> int:
    """Attach with the token, pause the run, and return the step it paused at."""
    viewer = Viewer(socket)
    try:
        assert viewer.hello(token)["welcome"]["steer"] is True
        viewer.send(json.dumps({"v": 1, "command": {"_type": "Pause"}}).encode() + b"\n")
        while True:
            line = viewer.line()
            assert line, "the run ended before it paused"
            if line.get("event", {}).get("_type") == "Paused":
                return int(line["event"]["step"])
    finally:
        viewer.close()


@contextmanager
def served_run(
    tmp_path: Path, *, pause: bool = True, extra: tuple[str, ...] = ()
) -> Iterator[ServedRun]:
    """Start a served run of a tiny set (3000 images: long enough to be attached to), wait for
    its socket and its first batches, pause it (``pause``); stop it at the end whatever the test
    did (SIGTERM saves and exits; kill if it does not)."""
    data = tiny_mnist(tmp_path / "mnist", train=3000, test=50)
    # a short folder of its own: a Unix socket's path must stay under ~100 bytes
    snaps = Path(tempfile.mkdtemp(prefix="att-"))
    metrics = tmp_path / "m.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "cnn_tui.tui.cli", "train", "--headless", "--serve"]
        + ["--data", str(data), "--snapshot-dir", str(snaps), "--run-name", "served"]
        + ["--epochs", "50", "--metrics", str(metrics), *TINY_RUN, *extra],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: any(snaps.glob("*/serve.sock")) or process.poll() is not None, "serve")
        assert process.poll() is None, process.communicate()
        [folder] = [p.parent for p in snaps.glob("*/serve.sock")]
        wait_for(lambda: metrics.exists() and '"batch"' in metrics.read_text(), "first batches")
        token = (folder / "token").read_text().strip()
        paused_at = pause_run(folder / "serve.sock", token) if pause else None
        yield ServedRun(process, folder, snaps, paused_at)
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
        shutil.rmtree(snaps, ignore_errors=True)


def finished_reason(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Wait for the run's process to end: its exit code and what it printed on stderr."""
    _, err = process.communicate(timeout=WAIT)
    return process.returncode, err


def is_paused(events: list[ev.Event]) -> bool:
    return any(isinstance(e, ev.Paused) for e in events)
