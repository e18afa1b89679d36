"""Provides ``CanvasView``: the 28×28 canvas on screen, drawn with the mouse (drag with the left
button to draw, with the right one to erase) or the keyboard (arrows move a cursor, space
paints), in half blocks — or two columns per pixel when the widget is large enough
(tui/render/canvas.py).

The screen owns the ``Canvas`` (core/drawing/canvas.py) and hands it down with the brush and the
pen/eraser mode; the view paints on it and posts ``CanvasView.Changed`` up after every stroke.
A drag is joined point to point (``Canvas.stroke``), so a fast mouse leaves no gaps. ``shown``
is what the view displays: the drawing itself, or what the network receives (``i``).
The picture is built once per change into cached strips (Textual's Line API).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.color import Color
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from cnn_tui.core.drawing.canvas import DEFAULT_BRUSH, SIDE, Canvas
from cnn_tui.tui.render.canvas import canvas_lines, cell_to_pixel, zoom_for
from cnn_tui.tui.render.halfblock import line_length

RIGHT_BUTTON = 3


class CanvasView(Widget, can_focus=True):
    """The drawing canvas: mouse and keyboard painting on a shared ``Canvas``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"canvas--cursor"}
    DEFAULT_CSS = """
    CanvasView > .canvas--cursor { color: $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(0, -1)", "↑", show=False, id="draw-up"),
        Binding("down", "move(0, 1)", "↓", show=False, id="draw-down"),
        Binding("left", "move(-1, 0)", "←", show=False, id="draw-left"),
        Binding("right", "move(1, 0)", "→", show=False, id="draw-right"),
        Binding("space", "paint", "Paint", id="draw-paint"),
    ]

    class Changed(Message):
        """The drawing changed (``drawn``) or only the cursor moved."""

        def __init__(self, drawn: bool) -> None:
            super().__init__()
            self.drawn = drawn

    def __init__(self, canvas: Canvas, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.canvas = canvas
        self.brush = DEFAULT_BRUSH
        self.erasing = False
        """The pen's mode: False draws, True erases (the right button always erases)."""
        self.cursor = (SIDE // 2, SIDE // 2)
        """The keyboard cursor, (column, row) in pixels."""
        self.shown: Sequence[float] | None = None
        """What to display instead of the drawing (the network's input); None: the drawing."""
        self.strokes = 0
        """Strokes painted so far (a drag's every move counts)."""
        self._last: tuple[float, float] | None = None  # the drag's previous point
        self._dragging = False
        self._drag_erases = False
        self._strips: list[Strip] = []
        self._dirty = True

    # ---- what the screen calls ------------------------------------------------------------

    @property
    def zoom(self) -> int:
        return zoom_for(self.size.width, self.size.height)

    def redraw(self) -> None:
        """The canvas, the cursor or ``shown`` changed: build the picture again."""
        self._dirty = True
        self.refresh()

    # ---- keyboard -------------------------------------------------------------------------

    def action_move(self, dx: int, dy: int) -> None:
        c, r = self.cursor
        self.cursor = (min(SIDE - 1, max(0, c + dx)), min(SIDE - 1, max(0, r + dy)))
        self.redraw()
        self.post_message(self.Changed(drawn=False))

    def action_paint(self) -> None:
        """Space: one dab of the brush at the cursor (erasing in eraser mode)."""
        c, r = self.cursor
        self._changed(self.canvas.stamp(c + 0.5, r + 0.5, self.brush, erase=self.erasing))

    # ---- mouse ----------------------------------------------------------------------------

    def _point(self, event: events.MouseEvent) -> tuple[float, float] | None:
        offset = event.get_content_offset(self)
        return None if offset is None else cell_to_pixel(offset.x, offset.y, self.zoom)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        point = self._point(event)
        if point is None:
            return
        self.focus()
        self.capture_mouse()
        self._dragging = True
        self._drag_erases = event.button == RIGHT_BUTTON or self.erasing
        self._last = point
        self.cursor = (int(point[0]), int(point[1]))
        self._changed(self.canvas.stamp(*point, self.brush, erase=self._drag_erases))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        point = self._point(event)
        if point is None:  # outside the canvas: the stroke breaks, and resumes on return
            self._last = None
            return
        start = self._last or point
        self._last = point
        self.cursor = (int(point[0]), int(point[1]))
        self._changed(self.canvas.stroke(*start, *point, self.brush, erase=self._drag_erases))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self._last = None
            self.release_mouse()

    def _changed(self, drawn: bool) -> None:
        if drawn:
            self.strokes += 1
        self.redraw()
        self.post_message(self.Changed(drawn=drawn))

    # ---- drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        if self._dirty:
            self._build()
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def _build(self) -> None:
        self._dirty = False
        colour_on = not getattr(self.app, "no_color", False)
        cursor_colour = self.get_component_rich_style("canvas--cursor").color or Color.parse("red")
        pixels = self.shown if self.shown is not None else self.canvas.pixels
        cursor = self.cursor if self.has_focus or not self._dragging else None
        lines = canvas_lines(pixels, self.zoom, cursor, cursor_colour, colour_on=colour_on)
        width = self.size.width
        base = self.visual_style.rich_style
        self._strips = [
            Strip(list(Segment.apply_style(line, base)), line_length(line)).adjust_cell_length(
                width, base
            )
            for line in lines
        ]

    def on_resize(self, event: events.Resize) -> None:
        self.redraw()

    def on_focus(self, event: events.Focus) -> None:
        self.redraw()

    def on_blur(self, event: events.Blur) -> None:
        self.redraw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._dirty = True
