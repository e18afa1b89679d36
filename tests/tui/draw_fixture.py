"""Helpers for the drawing screen's tests: the dashboard over the fake link with ``d`` wired as
the command line wires it (a ``LinkDrawing``), and mouse drags on the canvas in its cells."""

from __future__ import annotations

from collections.abc import Sequence

from textual.pilot import Pilot

from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.draw import DrawScreen, LinkDrawing
from cnn_tui.tui.draw.canvas_view import CanvasView
from tests.synthetic import blobs
from tests.tui.scripted_run import scripted_run


class Clock:
    """A clock the test moves (the fake link trains in time with it)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def draw_app(resend_after: float = 1.0, **link_args: object) -> tuple[DashboardApp, FakeLink]:
    """The scripted run's dashboard; ``d`` opens the drawing over its (fake) trainer."""
    trainer, events = scripted_run()
    link = FakeLink(events, trainer=trainer, **link_args)  # type: ignore[arg-type]
    app = DashboardApp(link, quit_timeout=0.5)
    test = blobs(12, seed=4)

    def open_drawing(start: int | None = None) -> DrawScreen:
        source = LinkDrawing(link.send, resend_after=resend_after)
        return DrawScreen(source, test, start_index=start)

    app.dashboard.draw_factory = open_drawing
    return app, link


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause(0.12)  # a few pump ticks (30 Hz): the fake's answers are drained
    await pilot.pause()


async def open_draw(pilot: Pilot[None]) -> DrawScreen:
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DrawScreen)
    return screen


async def drag(pilot: Pilot[None], cells: Sequence[tuple[int, int]], button: int = 1) -> None:
    """Press ``button`` on the canvas cell (column, row) ``cells[0]``, move through the rest,
    release (cells count from the canvas's content, inside its border)."""
    canvas = pilot.app.screen.query_one(CanvasView)
    first, *rest = [(c + 1, r + 1) for c, r in cells]  # + the border
    await pilot.mouse_down(canvas, offset=first, button=button)
    for cell in rest:
        await pilot.hover(canvas, offset=cell)
    await pilot.mouse_up(canvas, offset=(rest or [first])[-1])


def ink(screen: DrawScreen, column: int, row: int) -> float:
    """The drawing's ink at pixel (column, row)."""
    return screen.canvas.pixels[row * 28 + column]
