"""SVG snapshots of the detail view with its nearest training digits (a network that has learned
something, tests/tui/nearest_fixture.py) at 80×24 (also scrolled to the labels) and 120×36, and
at 120×36 under NO_COLOR."""

from __future__ import annotations

import pytest

from tests.tui.inspector_fixture import neighbours_shown
from tests.tui.nearest_fixture import learned_app

SIZES = [(80, 24), (120, 36)]


async def open_detail(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await neighbours_shown(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_detail_with_neighbours(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(learned_app(), run_before=open_detail, terminal_size=size)


def test_detail_with_neighbours_scrolled_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def scrolled(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_detail(pilot)
        await pilot.press(*["down"] * 7)  # the pane has the focus: its labels and notes
        await pilot.pause()

    assert snap_compare(learned_app(), run_before=scrolled, terminal_size=(80, 24))


def test_detail_with_neighbours_no_color(snap_compare, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    app = learned_app()
    assert app.no_color
    assert snap_compare(app, run_before=open_detail, terminal_size=(120, 36))
