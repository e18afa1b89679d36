"""Helpers for the dashboard's Pilot tests: an app over the shared ``FakeLink`` with a scripted
start of a run, and what its status line and notifications say."""

from __future__ import annotations

from textual.pilot import Pilot

from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.synthetic import synthetic_stream
from cnn_tui.tui.widgets.status import StatusBar

SIZE = (100, 30)


def make(**link_args: object) -> tuple[DashboardApp, FakeLink]:
    """A dashboard whose link replays 200 steps (4 batch events, 2 samples, an evaluation)."""
    trainer, events = synthetic_stream(200, chunk=50, samples=2)
    link = FakeLink(events, trainer=trainer, **link_args)  # type: ignore[arg-type]
    return DashboardApp(link, quit_timeout=0.5), link


def status(app: DashboardApp) -> str:
    """The status line's text as last drawn."""
    bar = app.dashboard.panels["status"]
    assert isinstance(bar, StatusBar)
    return bar.plain


def notes(app: DashboardApp) -> str:
    """Every notification shown so far."""
    return " | ".join(n.message for n in app._notifications)


def titles(app: DashboardApp) -> str:
    """The titles of every notification shown so far."""
    return " | ".join(str(n.title) for n in app._notifications)


def space_label(app: DashboardApp) -> str:
    """What the footer says the space key does."""
    return app.screen.active_bindings["space"].binding.description


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause(0.12)  # a few pump ticks (30 Hz)
