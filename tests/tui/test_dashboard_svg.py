"""SVG snapshots of the dashboard (pytest-textual-snapshot) at 80×24 and 140×45, mid-training and
paused, from a deterministic scripted stream. Look at them as pictures before updating:
``rsvg-convert -o x.png tests/tui/__snapshots__/test_dashboard_svg/<name>.svg``."""

from __future__ import annotations

import pytest

from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.synthetic import synthetic_stream

SIZES = [(80, 24), (140, 45)]


def app_mid_training() -> DashboardApp:
    trainer, events = synthetic_stream(2600, chunk=40, samples=5, filters=(8,))
    return DashboardApp(FakeLink(events, trainer=trainer))


async def settle(pilot) -> None:  # noqa: ANN001
    await pilot.pause(0.15)
    pilot.app.dashboard.repaint_all()
    await pilot.pause(0.05)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_mid_training(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert snap_compare(app_mid_training(), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_paused(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    async def pause(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(app_mid_training(), terminal_size=size, run_before=pause)
