"""SVG snapshots of the learning-rate finder (L) over the fake link's scripted sweep
(tui/demo/lr_sweep.py): the range form at 80×24, and the finished sweep — loss vs log lr, the
smoothed line, the suggested rate marked and the key that applies it — at 80×24 and 120×36.

Look at them as pictures before updating (see test_dashboard_svg.py for converting to PNG).
"""

from __future__ import annotations

import pytest

from cnn_tui.tui.lrfind.form import SweepForm
from cnn_tui.tui.lrfind.screen import LrFindScreen
from tests.tui.dashboard_pilot import make


async def open_form(pilot) -> None:  # noqa: ANN001
    await pilot.pause(0.2)  # the scripted steps arrive first: the sweep copies step 200
    await pilot.press("L")
    await pilot.pause(0.2)
    assert isinstance(pilot.app.screen, SweepForm)


async def sweep(pilot) -> None:  # noqa: ANN001
    await open_form(pilot)
    await pilot.press("enter")
    for _ in range(100):  # 10 chunks of 20 batches, one per drain (about 0.4 s when quiet)
        await pilot.pause(0.05)
        screen = pilot.app.screen
        if isinstance(screen, LrFindScreen) and screen.curve.suggested is not None:
            break
    assert isinstance(screen, LrFindScreen) and screen.curve.suggested is not None
    await pilot.pause(0.3)  # its last repaint (the screen repaints at 4 Hz)


def test_the_range_form(snap_compare) -> None:  # noqa: ANN001
    app, _ = make()
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_form)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_finished_sweep(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    app, _ = make()
    assert snap_compare(app, terminal_size=size, run_before=sweep)
