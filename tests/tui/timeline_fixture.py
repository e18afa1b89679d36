"""Helpers for the timeline's tests: the scripted dashboard with a ``FakeRunControl`` holding
snapshots of that run, and small waits."""

from __future__ import annotations

from textual.pilot import Pilot

from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_runs import FakeRunControl, fake_entries
from tests.tui.scripted_run import scripted_app

STEPS = (600, 1200, 1875, 2600)
"""The scripted run's snapshots: two mid-epoch, the first epoch's end, the last step."""


def timeline_app(steps: tuple[int, ...] = STEPS, **control: object) -> DashboardApp:
    """The scripted 2,600-step run, its snapshots at ``steps``, with the fake run control."""
    app = scripted_app()
    app.quit_timeout = 0.5
    app.run_control = FakeRunControl(fake_entries(steps), **control)  # type: ignore[arg-type]
    return app


def fake_control(app: DashboardApp) -> FakeRunControl:
    control = app.run_control
    assert isinstance(control, FakeRunControl)
    return control


async def settle(pilot: Pilot[None], seconds: float = 0.15) -> None:
    await pilot.pause(seconds)  # a few pump ticks (30 Hz)


async def wait_for(pilot: Pilot[None], done: object, rounds: int = 60) -> None:
    """Pause until ``done()`` is true (a switch stops the old trainer first), at most ~3 s."""
    assert callable(done)
    for _ in range(rounds):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting")
