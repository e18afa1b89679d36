"""Provides the embedding map's scatter as terminal cells: ``Frame`` (the map's coordinates →
braille dots), ``scatter_lines`` (the picture) and ``nearest`` (the digit under a cursor).

Each cell is a 2 × 4 block of braille dots (render/braille.py): a digit is one dot. A cell
takes the colour of the class most of its digits belong to (ties: the lower class), so the
clusters read as patches of colour; under NO_COLOR a cell shows that class's glyph instead
(``CLASS_GLYPHS``: 0–9, the digits themselves on MNIST, the legend names them elsewhere). A cell
holding a misclassified digit is drawn ``×`` in the colour of its true class, so a 4 lost in the
cluster of 9s shows as a 4-coloured × among 9s. With one class in focus, the others are drawn
faint. Pure Python; no Textual.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style

from cnn_tui.core.contract.embedding_events import EmbeddingComputed
from cnn_tui.tui.render.braille import BrailleCanvas
from cnn_tui.tui.render.halfblock import Line

CLASS_GLYPHS = "0123456789"
"""Class k's glyph when colour is off (and its label in the legend)."""
MISTAKE_GLYPH = "×"
CURSOR_GLYPH = "┼"
FAINT_GLYPH = "·"
MARGIN = 0.02
"""Share of each axis's range left free on either side, so no digit sits on the border."""
REVERSE = Style(reverse=True)


@dataclass(frozen=True, slots=True)
class Frame:
    """Where the map's coordinates fall on a ``columns`` × ``rows`` cell grid: x left to right,
    y bottom to top (dot rows count down, hence the flip)."""

    lo_x: float
    hi_x: float
    lo_y: float
    hi_y: float
    columns: int
    rows: int

    def position(self, x: float, y: float) -> tuple[float, float]:
        """(x, y) in dots, unrounded: 0 … 2·columns − 1 across, 0 … 4·rows − 1 down."""
        across = (x - self.lo_x) / (self.hi_x - self.lo_x) * (2 * self.columns - 1)
        down = (self.hi_y - y) / (self.hi_y - self.lo_y) * (4 * self.rows - 1)
        return across, down

    def dot(self, x: float, y: float) -> tuple[int, int]:
        across, down = self.position(x, y)
        return round(across), round(down)

    def cell(self, x: float, y: float) -> tuple[int, int]:
        """The (column, row) of the cell holding (x, y)."""
        across, down = self.dot(x, y)
        return across >> 1, down >> 2

    def coordinates(self, across: float, down: float) -> tuple[float, float]:
        """The inverse of ``position``: dots → the map's coordinates."""
        x = self.lo_x + across / (2 * self.columns - 1) * (self.hi_x - self.lo_x)
        y = self.hi_y - down / (4 * self.rows - 1) * (self.hi_y - self.lo_y)
        return x, y

    def cell_centre(self, column: int, row: int) -> tuple[float, float]:
        """The map's coordinates of a cell's centre."""
        return self.coordinates(2 * column + 0.5, 4 * row + 1.5)


def _span(values: Sequence[float]) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return -1.0, 1.0
    lo, hi = min(finite), max(finite)
    pad = (hi - lo) * MARGIN or 1.0  # all at one value: a unit either side
    return lo - pad, hi + pad


def frame_for(xs: Sequence[float], ys: Sequence[float], columns: int, rows: int) -> Frame:
    """The frame that fits every finite point, each axis scaled on its own (PC1 spreads wider
    than PC2: equal scales would leave most of the panel empty)."""
    return Frame(*_span(xs), *_span(ys), max(1, columns), max(1, rows))


def finite_points(emb: EmbeddingComputed) -> int:
    """How many digits of the map can be drawn (a diverged network's features can be NaN)."""
    return sum(1 for x, y in zip(emb.xs, emb.ys, strict=True) if math.isfinite(x + y))


@dataclass(frozen=True, slots=True)
class Marks:
    """What the picture marks besides the digits: mistakes (or not), one class in focus, the
    cursor's cell and the digit it names."""

    mistakes: bool = True
    focus: int | None = None
    cursor: tuple[int, int] | None = None
    named: int | None = None


def scatter_lines(
    emb: EmbeddingComputed,
    frame: Frame,
    styles: Mapping[str, Style],
    *,
    colour_on: bool,
    marks: Marks = Marks(),
) -> list[Line]:
    """The map as ``frame.rows`` lines of ``frame.columns`` cells. ``styles``: "c0" … "c9" (the
    classes), "muted" (faint digits, the cursor on empty ground)."""
    columns, rows = frame.columns, frame.rows
    drawn, faint = BrailleCanvas(columns, rows), BrailleCanvas(columns, rows)
    tally: dict[int, dict[int, int]] = {}  # cell → class → digits
    wrong: dict[int, int] = {}  # cell → the true class of the first mistake in it
    for i, (x, y) in enumerate(zip(emb.xs, emb.ys, strict=True)):
        if not math.isfinite(x + y):
            continue
        across, down = frame.dot(x, y)
        cell = (down >> 2) * columns + (across >> 1)
        label = emb.labels[i]
        if marks.focus is not None and label != marks.focus:
            faint.dot(across, down)
            continue
        drawn.dot(across, down)
        counts = tally.setdefault(cell, {})
        counts[label] = counts.get(label, 0) + 1
        if marks.mistakes and emb.predicted[i] != label:
            wrong.setdefault(cell, label)
    named = None
    if marks.named is not None and 0 <= marks.named < len(emb.xs):
        named = frame.cell(emb.xs[marks.named], emb.ys[marks.named])
    muted = styles.get("muted")
    lines: list[Line] = []
    for row in range(rows):
        line: Line = []
        for column in range(columns):
            cell = row * columns + column
            style: Style | None = None
            if cell in wrong:
                glyph, style = MISTAKE_GLYPH, _class_style(styles, wrong[cell])
            elif cell in tally:
                counts = tally[cell]
                label = max(sorted(counts), key=counts.__getitem__)  # most digits; ties: lowest
                style = _class_style(styles, label)
                glyph = drawn.glyph(column, row) or " "
                if not colour_on:
                    glyph = CLASS_GLYPHS[label % len(CLASS_GLYPHS)]
            elif (dots := faint.glyph(column, row)) is not None:
                glyph, style = (dots if colour_on else FAINT_GLYPH), muted
            else:
                glyph = " "
            if (column, row) == named:
                style = REVERSE if style is None else style + REVERSE
            elif (column, row) == marks.cursor:
                glyph = CURSOR_GLYPH if glyph == " " else glyph
                style = (style or Style()) + Style(underline=True, bold=True)
            line.append(Segment(glyph, style))
        lines.append(line)
    return lines


def _class_style(styles: Mapping[str, Style], label: int) -> Style:
    return styles.get(f"c{label}") or Style()


def nearest(
    emb: EmbeddingComputed, frame: Frame, across: float, down: float, focus: int | None = None
) -> int | None:
    """The digit drawn nearest the dot position (across, down) — distance measured in dots,
    which are about square on a terminal — of the focused class if one is; None: none drawn."""
    best, best_distance = None, math.inf
    for i, (x, y) in enumerate(zip(emb.xs, emb.ys, strict=True)):
        if not math.isfinite(x + y) or (focus is not None and emb.labels[i] != focus):
            continue
        a, d = frame.position(x, y)
        distance = (a - across) ** 2 + (d - down) ** 2
        if distance < best_distance:
            best, best_distance = i, distance
    return best


def mistake_order(emb: EmbeddingComputed) -> list[int]:
    """The map's misclassified digits, most confident first (ties: test order) — the order
    n / N walk them in, as the inspector lists mistakes."""
    wrong = [i for i, (t, p) in enumerate(zip(emb.labels, emb.predicted, strict=True)) if t != p]
    return sorted(wrong, key=lambda i: (-emb.confidence[i], i))
