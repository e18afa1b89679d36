"""SVG snapshots of the drawing screen (``d``) over the scripted run's fake trainer, a 7 drawn
with two mouse drags: at 80×24 (half blocks, the probabilities as a strip) and 120×36 (two
columns per pixel, a row per probability), and at 80×24 showing what the network receives (i).

Look at them as pictures before updating (see test_dashboard_svg.py for converting to PNG).
"""

from __future__ import annotations

import pytest

from cnn_tui.tui.draw.canvas_view import CanvasView
from tests.tui.draw_fixture import drag, draw_app, open_draw, settle

SEVEN = [((7, 6), (21, 6)), ((21, 6), (12, 25))]
"""A 7 in pixel coordinates: the bar, then the stem."""


async def draw_seven(pilot) -> None:  # noqa: ANN001
    await open_draw(pilot)
    zoom = pilot.app.screen.query_one(CanvasView).zoom
    for stroke in SEVEN:
        cells = [(x * zoom, y // 2) if zoom == 1 else (x * 2, y) for x, y in stroke]
        await drag(pilot, cells)
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_drawn_seven(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    app, _ = draw_app()
    assert snap_compare(app, terminal_size=size, run_before=draw_seven)


def test_what_the_network_receives(snap_compare) -> None:  # noqa: ANN001
    async def seven_as_input(pilot) -> None:  # noqa: ANN001
        await draw_seven(pilot)
        await pilot.press("i")
        await settle(pilot)

    app, _ = draw_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=seven_as_input)
