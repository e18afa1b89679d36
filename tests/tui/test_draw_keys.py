"""The drawing screen's keys (tui/draw/keys.py) against README.md and the bindings; ``d`` in
``cnn-tui inspect`` (browser: blank, detail: that digit) with the saved network's answer; the
footer within 80 columns; and a terminal too small for the canvas says how large it must be."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from cnn_tui.core.drawing.preprocess import mnist_input, to_image
from cnn_tui.tui.draw import DrawScreen
from cnn_tui.tui.draw.canvas_view import CanvasView
from cnn_tui.tui.draw.keys import DRAW_BINDING_KEYS, DRAW_KEYS, markdown_rows
from cnn_tui.tui.inspector.app import InspectorApp
from cnn_tui.tui.inspector.detail_screen import DetailScreen
from cnn_tui.tui.inspector.mistakes_screen import MistakesScreen
from tests.tui.inspector_fixture import small_run

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_drawing_table_is_the_table() -> None:
    text = README.read_text(encoding="utf-8").split("## Draw a digit", 1)[1].split("\n## ")[0]
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows == [markdown_rows()[0], *markdown_rows()[2:]]


def test_every_binding_is_in_the_table_and_every_key_is_bound() -> None:
    bound = {
        key
        for owner in (DrawScreen, CanvasView)
        for b in owner.BINDINGS
        if isinstance(b, Binding)
        for key in b.key.split(",")
    }
    assert set(DRAW_BINDING_KEYS) | {"up", "down", "left", "right"} == bound
    written = " ".join(keys for keys, _ in DRAW_KEYS)
    for key in DRAW_BINDING_KEYS:
        shown = {
            "left_square_bracket": "[",
            "right_square_bracket": "]",
            "escape": "Esc",
            "question_mark": "?",
        }.get(key, key)
        assert f"`{shown}`" in written, key


async def opened_inspector(pilot) -> InspectorApp:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(pilot.app.screen, MistakesScreen)
    return pilot.app


async def test_d_in_cnn_tui_inspect_draws_for_the_saved_network() -> None:
    state, test = small_run()
    app = InspectorApp(state, test, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened_inspector(pilot)
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrawScreen) and screen.canvas.empty
        footer = screen.query_one(Footer)
        for key in footer.query(FooterKey):  # every footer key within 80 columns
            assert key.region.width > 0 and key.region.right <= 80, key.key_display
        await pilot.press("space")
        await pilot.pause()
        view = screen.result.view
        assert view is not None and view.step == state.step
        pixels = mnist_input(screen.canvas.pixels)
        assert pixels is not None and view.image == to_image(pixels)
        assert f"step {state.step:,}" in str(screen.query_one("#draw-head").render())
        await pilot.press("escape", "enter")  # back; a mistake in detail
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        await pilot.press("d")
        await pilot.pause()
        drawing = app.screen
        assert isinstance(drawing, DrawScreen)
        assert drawing.canvas.to_bytes() == test.image(detail.mistake.index)
        assert drawing.result.view is not None


async def test_a_terminal_too_small_for_the_canvas_says_how_large_it_must_be() -> None:
    state, test = small_run()
    app = InspectorApp(state, test, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened_inspector(pilot)
        await pilot.press("d")
        await pilot.pause()
        await pilot.resize_terminal(50, 16)
        await pilot.pause()
        message = str(app.screen.query_one("#draw-small").render())
        assert "it is 50×16; the canvas needs at least 60×20" in message
        assert not app.screen.query_one("#draw-body").display
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.screen.query_one("#draw-body").display
