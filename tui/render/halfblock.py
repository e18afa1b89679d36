"""Provides pure renderers from a 2-D grid of floats to terminal cells: Unicode half blocks in
colour (two pixel rows per text row, as rich-pixels' ``HalfcellRenderer``), or ASCII shades when
colour is off; the colour maps they use; and ``SegmentLines``, a Rich renderable of ready lines.

Grids are flat, row-major sequences of ``side × side`` floats. Nothing here imports Textual.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style

Line = list[Segment]
"""One text row: segments whose cell lengths add up to the row's width."""

LEVELS = 64  # colours are quantised to this many steps (and cached)
ASCII_SHADES = " .:-=+*#%@"
UPPER_HALF, LOWER_HALF = "▀", "▄"


def _lerp(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _ramp(stops: Sequence[tuple[int, int, int]], t: float) -> tuple[int, int, int]:
    """Piecewise-linear colour ramp through ``stops`` for t in [0, 1]."""
    t = min(1.0, max(0.0, t))
    pos = t * (len(stops) - 1)
    i = min(int(pos), len(stops) - 2)
    return _lerp(stops[i], stops[i + 1], pos - i)


_INK = ((0, 0, 0), (255, 255, 255))  # MNIST: black paper, white ink
_HEAT = ((0, 0, 4), (60, 15, 110), (180, 55, 120), (250, 140, 40), (252, 253, 191))  # magma-like
_DIVERGING = ((40, 100, 230), (30, 30, 30), (230, 60, 40))  # negative blue, zero dark, red +


@lru_cache(maxsize=3 * LEVELS)
def _colour(name: str, level: int) -> Color:
    stops = {"ink": _INK, "heat": _HEAT, "diverging": _DIVERGING}[name]
    return Color.from_rgb(*_ramp(stops, level / (LEVELS - 1)))


def colour(name: str, t: float) -> Color:
    """The colour for t in [0, 1] on map ``name`` ("ink", "heat" or "diverging")."""
    if not math.isfinite(t):
        t = 0.0
    return _colour(name, round(min(1.0, max(0.0, t)) * (LEVELS - 1)))


@lru_cache(maxsize=4 * LEVELS * LEVELS)
def _pair_style(name: str, top: int, bottom: int) -> Style:
    # "▄": the lower pixel is the glyph (foreground), the upper one the cell's background
    return Style(color=_colour(name, bottom), bgcolor=_colour(name, top))


def normaliser(lo: float, hi: float) -> Callable[[float], float]:
    """Map [lo, hi] → [0, 1] (a flat grid maps to 0)."""
    span = hi - lo
    if not math.isfinite(span) or span <= 0:
        return lambda v: 0.0
    return lambda v: (v - lo) / span


def resample(values: Sequence[float], side: int, new_side: int) -> list[float]:
    """Scale a side×side grid to new_side×new_side: area average when shrinking, nearest
    neighbour when growing."""
    if new_side == side:
        return list(values)
    out = []
    for i in range(new_side):
        r0 = i * side // new_side
        r1 = max(r0 + 1, (i + 1) * side // new_side)
        for j in range(new_side):
            c0 = j * side // new_side
            c1 = max(c0 + 1, (j + 1) * side // new_side)
            total = 0.0
            for r in range(r0, r1):
                base = r * side
                for c in range(c0, c1):
                    total += values[base + c]
            out.append(total / ((r1 - r0) * (c1 - c0)))
    return out


def halfblock_lines(
    values: Sequence[float],
    side: int,
    cmap: str,
    norm: Callable[[float], float],
) -> list[Line]:
    """A side×side grid as ceil(side / 2) lines of ``side`` half-block cells, in colour.

    Row pairs (2r, 2r+1) share a text row: upper pixel = background, lower = ``▄`` foreground.
    An odd last row leaves the lower half at the map's 0 colour.
    """
    lines: list[Line] = []
    for r in range(0, side, 2):
        line: Line = []
        for c in range(side):
            top = norm(values[r * side + c])
            bottom = norm(values[(r + 1) * side + c]) if r + 1 < side else 0.0
            lt = round(min(1.0, max(0.0, top if math.isfinite(top) else 0.0)) * (LEVELS - 1))
            lb = round(min(1.0, max(0.0, bottom if math.isfinite(bottom) else 0.0)) * (LEVELS - 1))
            line.append(Segment(LOWER_HALF, _pair_style(cmap, lt, lb)))
        lines.append(line)
    return lines


def ascii_lines(
    values: Sequence[float], side: int, norm: Callable[[float], float], style: Style | None = None
) -> list[Line]:
    """The same grid without colour: one shade character per cell, from the mean of the two
    pixel rows it covers (" " empty … "@" full)."""
    lines: list[Line] = []
    top_level = len(ASCII_SHADES) - 1
    for r in range(0, side, 2):
        chars = []
        for c in range(side):
            a = norm(values[r * side + c])
            b = norm(values[(r + 1) * side + c]) if r + 1 < side else a
            t = min(1.0, max(0.0, (a + b) / 2 if math.isfinite(a + b) else 0.0))
            chars.append(ASCII_SHADES[round(t * top_level)])
        lines.append([Segment("".join(chars), style)])
    return lines


def grid_lines(
    values: Sequence[float],
    side: int,
    cmap: str,
    norm: Callable[[float], float],
    *,
    colour_on: bool,
) -> list[Line]:
    """Half blocks in colour, or ASCII shades when colour is off."""
    if colour_on:
        return halfblock_lines(values, side, cmap, norm)
    return ascii_lines(values, side, norm)


def pad(line: Line, width: int, style: Style | None = None) -> Line:
    """Right-pad (or crop) a line to exactly ``width`` cells."""
    length = Segment.get_line_length(line)
    if length < width:
        return [*line, Segment(" " * (width - length), style)]
    if length > width:
        return Segment.adjust_line_length(line, width)
    return line


def beside(blocks: Iterable[list[Line]], widths: Sequence[int], gap: int = 1) -> list[Line]:
    """Join blocks of lines side by side (each padded to its width), top-aligned."""
    blocks = list(blocks)
    height = max((len(b) for b in blocks), default=0)
    out: list[Line] = []
    for row in range(height):
        line: Line = []
        for i, (block, width) in enumerate(zip(blocks, widths, strict=True)):
            if i:
                line.append(Segment(" " * gap))
            line.extend(pad(block[row] if row < len(block) else [], width))
        out.append(line)
    return out


class SegmentLines:
    """A Rich renderable of prepared lines (each a list of segments)."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for line in self.lines:
            yield from Segment.adjust_line_length(line, width) if width else line
            yield Segment.line()
