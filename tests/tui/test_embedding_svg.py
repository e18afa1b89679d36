"""SVG snapshots of the embedding map (p) over the scripted run with the demo's maps
(tui/demo/embedding.py), the cursor on the most confident mistake (n) and its digit beside the
map: at 80×24 and 120×36, under NO_COLOR at 80×24 (each cell shows its class's glyph), and in
the light theme at 80×24 (the classes have darker hues there).

Look at them as pictures before updating (see test_dashboard_svg.py for converting to PNG).
"""

from __future__ import annotations

import pytest

from tests.tui.embedding_fixture import map_app, settle


async def open_on_a_mistake(pilot) -> None:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_embedding_map(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    app, _ = map_app()
    assert snap_compare(app, terminal_size=size, run_before=open_on_a_mistake)


def test_embedding_map_no_color(snap_compare, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    app, _ = map_app()
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_on_a_mistake)


def test_embedding_map_light_theme(snap_compare) -> None:  # noqa: ANN001
    app, _ = map_app()
    app.theme = "textual-light"  # the classes' darker hues, readable on a light background
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_on_a_mistake)
