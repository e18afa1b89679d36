"""Provides the overlay tests' dashboards: the scripted run (``scripted_run``, 2,600 steps) over
the fake link, its ``o`` key looking in a snapshot folder of run folders made by the compare
tests' helper (``compare_runs.make_run``: the real run.json and metrics.jsonl writers)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.dashboard.overlay_runs import OverlaySource
from tests.tui.compare_runs import make_run
from tests.tui.scripted_run import scripted_app

OVERLAY_RUNS = (  # (folder, name, settings): as long as the scripted run, so they overlap it
    ("20261207-120000_slow", "slow", {"lr": 0.01, "momentum": 0.5}),
    ("20261207-120100_fast", "fast", {"lr": 0.05, "momentum": 0.9}),
)


def overlay_folder(snapshot_dir: Path) -> list[Path]:
    """Two finished 2,600-step runs in ``snapshot_dir``, newest ("fast") listed first."""
    return [
        make_run(snapshot_dir, folder, name, settings, steps=2600)
        for folder, name, settings in OVERLAY_RUNS
    ]


def overlay_app(snapshot_dir: Path, live: Path | None = None) -> DashboardApp:
    """The scripted dashboard whose ``o`` looks in ``snapshot_dir`` (``live``: its own folder)."""
    app = scripted_app()
    app.dashboard.overlay_source = OverlaySource(snapshot_dir, live)
    return app


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause(0.15)
    pilot.app.dashboard.repaint_all()
    await pilot.pause(0.05)


async def overlay(pilot: Pilot[None], *picks: int) -> None:
    """Press o, check the picker's rows ``picks`` (0: the newest run), press enter."""
    await settle(pilot)
    await pilot.press("o")
    await pilot.pause(0.1)
    at = 0
    for row in sorted(picks):
        await pilot.press(*(["down"] * (row - at)), "space")
        at = row
    await pilot.press("enter")
    await settle(pilot)
