"""SVG snapshots of the overlay (key ``o``): the scripted run with two other runs drawn behind it
at 80×24 and 120×36 (and under NO_COLOR at 80×24, where the letters and glyphs tell them apart),
and the picker open at 80×24. Look at them as pictures before updating (see
test_dashboard_svg.py for how)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.overlay_fixture import overlay, overlay_app, overlay_folder, settle

SIZES = [(80, 24), (120, 36)]


async def two_overlaid(pilot) -> None:  # noqa: ANN001
    await overlay(pilot, 0, 1)
    pilot.app.clear_notifications()  # the "overlaid: …" toast would cover the charts
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_two_runs_overlaid(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # noqa: ANN001
    overlay_folder(tmp_path)
    assert snap_compare(overlay_app(tmp_path), terminal_size=size, run_before=two_overlaid)


def test_two_runs_overlaid_no_color(snap_compare, monkeypatch, tmp_path: Path) -> None:  # noqa: ANN001
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    overlay_folder(tmp_path)
    app = overlay_app(tmp_path)
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=two_overlaid)


def test_picker(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    overlay_folder(tmp_path)

    async def open_picker(pilot) -> None:  # noqa: ANN001
        await overlay(pilot, 1)  # "slow" drawn; o again: it is checked
        pilot.app.clear_notifications()
        await pilot.press("o")
        await pilot.pause(0.2)

    assert snap_compare(overlay_app(tmp_path), terminal_size=(80, 24), run_before=open_picker)
