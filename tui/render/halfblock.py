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


class SizedLine(list[Segment]):
    """A ``Line`` that knows its width in cells, so padding and cropping need not measure it
    (measuring calls ``cell_len`` once per segment: most of a feature-map panel's cost)."""

    __slots__ = ("cells",)

    def __init__(self, segments: Iterable[Segment], cells: int) -> None:
        super().__init__(segments)
        self.cells = cells


def line_length(line: Line) -> int:
    """The width of a line in cells (known for a ``SizedLine``, measured otherwise)."""
    cells = getattr(line, "cells", None)
    return Segment.get_line_length(line) if cells is None else cells


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


@lru_cache(maxsize=64)
def _resample_plan(side: int, new_side: int) -> tuple[tuple[tuple[int, ...], float], ...]:
    """For each output cell (row-major): the source indices it averages and 1 / their count."""
    spans = []
    for i in range(new_side):
        a = i * side // new_side
        spans.append(range(a, max(a + 1, (i + 1) * side // new_side)))
    plan = []
    for rows in spans:
        for cols in spans:
            idx = tuple(r * side + c for r in rows for c in cols)
            plan.append((idx, 1.0 / len(idx)))
    return tuple(plan)


def resample(values: Sequence[float], side: int, new_side: int) -> list[float]:
    """Scale a side×side grid to new_side×new_side: area average when shrinking, nearest
    neighbour when growing."""
    if new_side == side:
        return list(values)
    # the index plan depends only on the sizes: computed once, then one sum per output cell
    return [sum([values[k] for k in idx]) * inv for idx, inv in _resample_plan(side, new_side)]


@lru_cache(maxsize=8)
def _pair_segments(name: str) -> tuple[Segment, ...]:
    """Every (upper level, lower level) cell of map ``name`` as a ready segment, at index
    upper·LEVELS + lower (LEVELS² = 4,096 per map, built once)."""
    return tuple(
        Segment(LOWER_HALF, _pair_style(name, top, bottom))
        for top in range(LEVELS)
        for bottom in range(LEVELS)
    )


def _levels(values: Sequence[float], norm: Callable[[float], float]) -> list[int]:
    """Each value normalised, clamped to [0, 1] (non-finite → 0) and quantised to 0…LEVELS−1."""
    top = LEVELS - 1
    out = []
    for v in values:
        t = norm(v)
        # t == t is False only for NaN; ±inf is clamped like any other out-of-range value
        out.append(round((t if t < 1.0 else 1.0) * top) if t > 0.0 and t < math.inf else 0)
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
    levels = _levels(values[: side * side], norm)
    if side % 2:
        levels.extend([0] * side)  # the missing lower half of the last row
    table = _pair_segments(cmap)
    lines: list[Line] = []
    for r in range(0, side, 2):
        upper = levels[r * side : (r + 1) * side]
        lower = levels[(r + 1) * side : (r + 2) * side]
        cells = [table[t * LEVELS + b] for t, b in zip(upper, lower, strict=True)]
        lines.append(SizedLine(cells, side))
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
    length = line_length(line)
    if length < width:
        return SizedLine([*line, Segment(" " * (width - length), style)], width)
    if length > width:
        return SizedLine(Segment.adjust_line_length(line, width), width)
    return line


def beside(blocks: Iterable[list[Line]], widths: Sequence[int], gap: int = 1) -> list[Line]:
    """Join blocks of lines side by side (each padded to its width), top-aligned."""
    blocks = list(blocks)
    height = max((len(b) for b in blocks), default=0)
    out: list[Line] = []
    total = sum(widths) + gap * max(0, len(widths) - 1)
    space = Segment(" " * gap)
    for row in range(height):
        line: Line = []
        for i, (block, width) in enumerate(zip(blocks, widths, strict=True)):
            if i:
                line.append(space)
            line.extend(pad(block[row] if row < len(block) else [], width))
        out.append(SizedLine(line, total))
    return out


class SegmentLines:
    """A Rich renderable of prepared lines (each a list of segments)."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        newline = Segment.line()
        for line in self.lines:
            if not width:
                yield from line
            elif getattr(line, "cells", None) == width:
                yield from line  # already exactly as wide: no measuring
            else:
                yield from pad(line, width)
            yield newline
