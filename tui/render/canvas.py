"""Provides ``canvas_lines``: the 28×28 drawing canvas as terminal cells, with the keyboard
cursor marked — in half blocks at zoom 1 (one cell is two pixel rows: 28 × 14 cells, which fits
80×24), or at zoom 2 in two full columns per pixel (56 × 28 cells: square pixels and one mouse
cell per pixel, for a large terminal). Without colour, ASCII shades and the cursor as ``X``.

``cell_to_pixel`` is the inverse for the mouse: the pixel point a cell stands for. Pure; no
Textual, no core import.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.color import Color
from rich.segment import Segment
from rich.style import Style

from cnn_tui.tui.render.halfblock import ASCII_SHADES, LOWER_HALF, Line, SizedLine, colour

SIDE = 28


def canvas_size(zoom: int) -> tuple[int, int]:
    """(columns, rows) of the canvas at ``zoom`` 1 or 2."""
    return (SIDE, SIDE // 2) if zoom == 1 else (2 * SIDE, SIDE)


def zoom_for(width: int, height: int) -> int:
    """The largest zoom whose canvas fits width × height cells (1 even if it does not)."""
    columns, rows = canvas_size(2)
    return 2 if width >= columns and height >= rows else 1


def cell_to_pixel(column: int, row: int, zoom: int) -> tuple[float, float] | None:
    """The point (x, y) in pixel units that a mouse cell means, or None outside the canvas.
    At zoom 1 a cell covers two pixel rows: its middle, between them."""
    columns, rows = canvas_size(zoom)
    if not (0 <= column < columns and 0 <= row < rows):
        return None
    if zoom == 1:
        return column + 0.5, 2 * row + 1.0
    return column // 2 + 0.5, row + 0.5


def _ink(pixels: Sequence[float], i: int) -> Color:
    return colour("ink", pixels[i])


def canvas_lines(
    pixels: Sequence[float],
    zoom: int,
    cursor: tuple[int, int] | None,
    cursor_colour: Color,
    *,
    colour_on: bool,
) -> list[Line]:
    """The canvas (``pixels`` row-major in [0, 1]) at ``zoom``; ``cursor`` (column, row) in
    pixels is drawn in ``cursor_colour`` (as ``X`` without colour), None hides it."""
    if not colour_on:
        return _ascii_lines(pixels, zoom, cursor)
    at = cursor[1] * SIDE + cursor[0] if cursor else -1
    lines: list[Line] = []
    if zoom == 1:
        for r in range(0, SIDE, 2):
            cells = []
            for c in range(SIDE):
                up, down = r * SIDE + c, (r + 1) * SIDE + c
                top = cursor_colour if up == at else _ink(pixels, up)
                bottom = cursor_colour if down == at else _ink(pixels, down)
                cells.append(Segment(LOWER_HALF, Style(color=bottom, bgcolor=top)))
            lines.append(SizedLine(cells, SIDE))
        return lines
    for r in range(SIDE):
        cells = []
        for c in range(SIDE):
            i = r * SIDE + c
            paper = cursor_colour if i == at else _ink(pixels, i)
            cells.append(Segment("  ", Style(bgcolor=paper)))
        lines.append(SizedLine(cells, 2 * SIDE))
    return lines


def _shade(value: float) -> str:
    top = len(ASCII_SHADES) - 1
    return ASCII_SHADES[round(min(1.0, max(0.0, value)) * top)]


def _ascii_lines(pixels: Sequence[float], zoom: int, cursor: tuple[int, int] | None) -> list[Line]:
    """No colour: a shade per cell (zoom 1: the mean of its two pixels), the cursor as X."""
    lines: list[Line] = []
    rows = range(0, SIDE, 2) if zoom == 1 else range(SIDE)
    for r in rows:
        chars = []
        for c in range(SIDE):
            if zoom == 1:
                here = cursor is not None and cursor[0] == c and cursor[1] in (r, r + 1)
                value = (pixels[r * SIDE + c] + pixels[(r + 1) * SIDE + c]) / 2
                chars.append("X" if here else _shade(value))
            else:
                here = cursor == (c, r)
                chars.append("><" if here else _shade(pixels[r * SIDE + c]) * 2)
        lines.append([Segment("".join(chars))])
    return lines
