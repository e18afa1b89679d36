"""End to end: the dashboard steering a real trainer process on a slice of real MNIST."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cnn_tui.core.contract.config import RunConfig
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.core.snapshot.names import latest_snapshot
from cnn_tui.core.training.link import ProcessLink, TrainerSpec
from cnn_tui.tui.cli.launch import _screen_factories
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.inspector import MistakesScreen
from cnn_tui.tui.inspector.detail_screen import DetailScreen


async def wait_until(pilot, condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


@pytest.mark.slow
@pytest.mark.mnist
async def test_dashboard_steers_a_real_trainer_and_quits_cleanly(
    tmp_path: Path, mnist_dir: str
) -> None:
    data = mnist_dir
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    spec = TrainerSpec(
        config=RunConfig(epochs=100),
        data_dir=data,
        limit=3000,
        test_limit=500,
        snapshot_dir=str(snapshots),
        run_name="e2e",
        extensions=("embedding",),
    )
    link = ProcessLink(spec)  # before the app runs: see the resource tracker in tui/cli/launch.py
    app = DashboardApp(link)
    app.inspector_factory, _, app.dashboard.test_images = _screen_factories(app, Path(data), 500)
    state = app.state
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: state.step > 0, "training to start")

        await pilot.press("space")
        await wait_until(pilot, lambda: state.run_state == "paused", "the Paused answer")
        paused_at = state.step
        await pilot.pause(0.5)
        assert state.step == paused_at  # really paused

        await pilot.press("n")
        await wait_until(pilot, lambda: state.step == paused_at + 1, "one step")

        await pilot.press("plus")
        await wait_until(pilot, lambda: state.lr == 0.02, "the new learning rate")

        await pilot.press("e")
        await wait_until(pilot, lambda: state.latest_eval is not None, "an evaluation")
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, MistakesScreen), "the mistakes")
        await pilot.press("escape")
        # the embedding map of that evaluation; Enter opens a digit, the trainer sends its view
        await wait_until(pilot, lambda: app.dashboard.embedding.latest is not None, "a map")
        await pilot.press("p", "right", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), "the detail view")
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        await wait_until(pilot, lambda: screen.detail is not None, "the digit's view")
        assert len(app.dashboard.embedding.maps[-1].xs) == 500  # --test-limit 500
        await pilot.press("escape", "escape")

        await pilot.press("space")
        await wait_until(pilot, lambda: state.run_state == "running", "the Resumed answer")
        await wait_until(pilot, lambda: state.step > paused_at + 5, "training to go on")

        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, "the app to exit", timeout=15)

    assert not link.alive
    assert not multiprocessing.active_children()
    newest = latest_snapshot(snapshots, "e2e")
    assert newest is not None
    assert load_snapshot(newest).step == state.step, "quitting saves where it stopped"
