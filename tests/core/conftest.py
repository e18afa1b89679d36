"""Shared fixtures for tests/core: a local fault server for the download, a saved snapshot."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cnn_tui.core.snapshot.save import save_snapshot
from tests.core.download_server import FaultServer
from tests.core.snapshot_files import make_state


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    """A ``FaultServer`` on 127.0.0.1, serving until the test ends (stalled handlers released)."""
    srv = FaultServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.stop.set()  # releases stalled handlers
        srv.shutdown()
        srv.server_close()
        thread.join(5)


@pytest.fixture
def good_snapshot(tmp_path: Path) -> Path:
    """A valid snapshot of ``make_state()`` (in its own folder), for hostile edits of it."""
    return save_snapshot(make_state(), tmp_path / "good", run_name="good")
