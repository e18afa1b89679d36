"""SVG snapshots of the timeline (``t``) over the scripted run at 80×24 and 120×36: the list of
snapshots with the one at step 1,875 highlighted on the loss strip, the branch form, the
architecture form, and a branched run's dashboard with its ┼ mark. Look at them as pictures
before updating (tests/tui/test_dashboard_svg.py says how)."""

from __future__ import annotations

import pytest

from tests.tui.timeline_fixture import settle, timeline_app, wait_for

SIZES = [(80, 24), (120, 36)]
IDS = [f"{w}x{h}" for w, h in SIZES]


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_timeline(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    async def open_it(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("t", "up")
        await settle(pilot)

    assert snap_compare(timeline_app(), terminal_size=size, run_before=open_it)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_branch_form(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    async def open_it(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("t", "up", "enter")
        await settle(pilot)
        pilot.app.screen.field_input("batch_size").value = "0"  # refused, with the reason
        await settle(pilot, 0.05)

    assert snap_compare(timeline_app(), terminal_size=size, run_before=open_it)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_architecture_form(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    async def open_it(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("t", "a")
        await settle(pilot)

    assert snap_compare(timeline_app(), terminal_size=size, run_before=open_it)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_branched_dashboard(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    app = timeline_app()
    first = app.link

    async def branch(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("t", "up", "up", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.link is not first)
        await settle(pilot, 0.3)
        pilot.app.dashboard.repaint_all()
        pilot.app.clear_notifications()
        await settle(pilot, 0.1)

    assert snap_compare(app, terminal_size=size, run_before=branch)
