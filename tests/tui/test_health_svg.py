"""SVG snapshots of the layer-health screen (h) over the scripted run with made-up health reports
(tui/demo/health.py): at 80×24 and 120×36 — the layer table with sparklines and dead channels,
conv1's histograms with the first distribution faint behind, a dead-units hint.

Look at them as pictures before updating (see test_dashboard_svg.py for converting to PNG).
"""

from __future__ import annotations

import pytest

from tests.tui.health_script import health_app


async def open_health(pilot) -> None:  # noqa: ANN001
    await pilot.pause(0.2)
    await pilot.press("h")
    await pilot.pause(0.2)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_layer_health(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert snap_compare(health_app(), terminal_size=size, run_before=open_health)
