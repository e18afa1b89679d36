"""Provides ``BrailleCanvas``: a grid of text cells, each a 2 × 4 block of dots drawn with the
Unicode braille patterns (U+2800 + an 8-bit dot mask), for lines finer than a cell.

Dot coordinates: x in 0 … 2·columns − 1 left to right, y in 0 … 4·rows − 1 top to bottom. Cell
(column, row) holds dots x ∈ {2c, 2c+1}, y ∈ {4r … 4r+3}. Pure Python; no Textual, no Rich.
"""

from __future__ import annotations

from collections.abc import Iterable

BRAILLE_BLANK = 0x2800
_BIT = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""_BIT[dy][dx]: the bit of the dot dx (0 left, 1 right), dy (0 top … 3 bottom) in a cell (the
braille dot numbering 1-2-3-7 down the left column, 4-5-6-8 down the right)."""


class BrailleCanvas:
    """Dots on a ``columns`` × ``rows`` cell grid; ``glyph`` reads a cell back as a character."""

    def __init__(self, columns: int, rows: int) -> None:
        self.columns, self.rows = columns, rows
        self.width, self.height = 2 * columns, 4 * rows  # in dots
        self._masks = bytearray(columns * rows)

    def dot(self, x: int, y: int) -> None:
        """Set dot (x, y); dots outside the canvas are ignored."""
        if 0 <= x < self.width and 0 <= y < self.height:
            self._masks[(y >> 2) * self.columns + (x >> 1)] |= _BIT[y & 3][x & 1]

    def line(self, x0: int, y0: int, x1: int, y1: int) -> None:
        """A straight run of dots from (x0, y0) to (x1, y1), both ends included: one dot per
        step along the longer axis (a DDA line), so steep parts stay connected."""
        steps = max(abs(x1 - x0), abs(y1 - y0))
        if steps == 0:
            self.dot(x0, y0)
            return
        dx, dy = (x1 - x0) / steps, (y1 - y0) / steps
        for i in range(steps + 1):
            self.dot(round(x0 + dx * i), round(y0 + dy * i))

    def polyline(self, points: Iterable[tuple[int, int] | None]) -> None:
        """Join consecutive points with lines; a None breaks the line (a gap in the data)."""
        last: tuple[int, int] | None = None
        for point in points:
            if point is not None:
                if last is None:
                    self.dot(*point)
                else:
                    self.line(*last, *point)
            last = point

    def glyph(self, column: int, row: int) -> str | None:
        """The braille character of a cell, or None where no dot is set."""
        mask = self._masks[row * self.columns + column]
        return chr(BRAILLE_BLANK + mask) if mask else None
