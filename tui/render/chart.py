"""Provides ``chart_lines``: a line chart drawn in text cells — a braille line (e.g. the loss EMA),
faint "·" points (per-batch values), "●" points (test results), "┊" columns (epoch starts) and
glyphs on the top row (▼ ‖ ▶ ✕) — with a labelled y axis on the left and step labels below; and
under them, any number of other runs' lines (``Series``: a line tagged with a letter, its test
results as its own glyph), for ``cnn-tui compare`` and the dashboard's overlay.

Every element has its own glyph, so the chart reads without colour; colour comes from ``styles``,
a map from role name to a Rich style (None: the widget's own colour). Roles: "axis", "label",
"cloud", "epoch", "test", "inherited", the line's role and each mark's role. Pure: no Textual.

    0.8┤⠑⠢⡀ ·   ┊        ▼          rows: plot_h = height − 2
    0.4┤   ⠈⠒⠤⣀⣀ ● ⠤⠤⠤⠤⠤⠤⠤⠤⠤
       └───┬──────┬──────┬──        the x axis, a ┬ under each step tick
          500   1,000  1,500        step labels, centred on their tick
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style

from cnn_tui.tui.render.braille import BrailleCanvas
from cnn_tui.tui.render.halfblock import Line, SizedLine
from cnn_tui.tui.render.ticks import Axis, linear_axis, log_axis, step_label, step_ticks

Point = tuple[float, float]
Styles = Mapping[str, Style | None]


@dataclass(frozen=True, slots=True)
class Mark:
    """A glyph on the chart's top row at step ``x`` (a hyperparameter change, a pause, …)."""

    x: float
    glyph: str
    role: str


@dataclass(frozen=True, slots=True)
class Series:
    """One more run on the chart: its own braille line in its role's colour, ``tag`` written on
    the line every few columns (so it reads without colour), and its test results as ``glyph``."""

    line: tuple[Point, ...]
    role: str
    tag: str  # one cell, e.g. "A"
    glyph: str  # one cell, e.g. "■"
    points: tuple[Point, ...] = ()


@dataclass(frozen=True, slots=True)
class ChartData:
    """What one chart shows, in data coordinates (x: training steps)."""

    x_range: tuple[float, float]
    line: tuple[Point, ...]
    """Joined by a braille line, in x order (a non-finite y breaks it)."""
    line_role: str = "line"
    cloud: tuple[Point, ...] = ()
    """Faint "·" points (drawn under the line)."""
    points: tuple[Point, ...] = ()
    """"●" points over the line."""
    vlines: tuple[float, ...] = ()
    """Steps marked by a "┊" column, under everything else."""
    top_marks: tuple[Mark, ...] = ()
    line_faint_before: float | None = None
    """The line's cells left of this step are drawn in the "inherited" role (a branch's part
    that is its parent's history); None: the whole line in ``line_role``."""
    y_fixed: tuple[float, float] | None = None
    """A fixed y range (accuracy: lo … 100); None: the data's range, widened a little."""
    log_y: bool = False
    series: tuple[Series, ...] = ()
    """Other runs, drawn under the line and its points (compare, the dashboard's overlay)."""


def _y_axis(data: ChartData, rows: int) -> Axis | None:
    if data.y_fixed is not None:
        return linear_axis(*data.y_fixed, rows, margin=0.0)
    drawn = [*data.line, *data.cloud, *data.points]
    for series in data.series:
        drawn += [*series.line, *series.points]
    ys = [y for _, y in drawn if y == y and abs(y) < 1e300]
    if data.log_y:
        ys = [y for y in ys if y > 0]
    if not ys:
        return None
    return log_axis(min(ys), max(ys), rows) if data.log_y else linear_axis(min(ys), max(ys), rows)


class _Plot:
    """The plot area: a glyph and a role per cell, painted in layers (later layers win)."""

    def __init__(self, data: ChartData, axis: Axis, columns: int, rows: int) -> None:
        self.columns, self.rows, self.axis = columns, rows, axis
        self.x0, x1 = data.x_range
        self.x_span = (x1 - self.x0) or 1.0
        self.glyphs = [[" "] * columns for _ in range(rows)]
        self.roles: list[list[str | None]] = [[None] * columns for _ in range(rows)]

    def dot_x(self, x: float) -> int:
        """Step x → dot column 0 … 2·columns − 1."""
        return round((x - self.x0) / self.x_span * (2 * self.columns - 1))

    def dot_y(self, y: float) -> int | None:
        """Value y → dot row 0 (top) … 4·rows − 1, clamped into the plot (None: not drawable)."""
        f = self.axis.fraction(y)
        if f is None:
            return None
        return round((1.0 - min(1.0, max(0.0, f))) * (4 * self.rows - 1))

    def put(self, column: int, row: int, glyph: str, role: str) -> None:
        if 0 <= column < self.columns and 0 <= row < self.rows:
            self.glyphs[row][column] = glyph
            self.roles[row][column] = role

    def paint(self, data: ChartData) -> None:
        for x in data.vlines:
            for row in range(self.rows):
                self.put(self.dot_x(x) // 2, row, "┊", "epoch")
        for x, y in data.cloud:
            dy = self.dot_y(y)
            if dy is not None:
                self.put(self.dot_x(x) // 2, dy // 4, "·", "cloud")
        for i, series in enumerate(data.series):
            self.braille(series.line, series.role)
            self.tags(series, i, len(data.series))
        for series in data.series:
            self.glyphs_at(series.points, series.glyph, series.role)
        self.braille(data.line, data.line_role, data.line_faint_before)
        self.glyphs_at(data.points, "●", "test")
        for mark in data.top_marks:
            self.put(self.dot_x(mark.x) // 2, 0, mark.glyph, mark.role)

    def braille(self, line: Sequence[Point], role: str, faint_before: float | None = None) -> None:
        """``line`` in braille dots in ``role``; the part left of ``faint_before`` (a branch's
        inherited history) in the faint "inherited" role."""
        canvas = BrailleCanvas(self.columns, self.rows)
        canvas.polyline([(self.dot_x(x), dy) for x, y in line if (dy := self.dot_y(y)) is not None])
        cut = -1 if faint_before is None else self.dot_x(faint_before) // 2
        for row in range(self.rows):
            for column in range(self.columns):
                glyph = canvas.glyph(column, row)
                if glyph is not None:
                    self.put(column, row, glyph, "inherited" if column < cut else role)

    def glyphs_at(self, points: Sequence[Point], glyph: str, role: str) -> None:
        for x, y in points:
            dy = self.dot_y(y)
            if dy is not None:
                self.put(self.dot_x(x) // 2, dy // 4, glyph, role)

    def tags(self, series: Series, index: int, count: int) -> None:
        """``series.tag`` on its line every ``gap`` columns, the runs' tags staggered so that
        they do not all land in one column."""
        gap = max(8, self.columns // 5)
        wanted = {c for c in range(gap // 2 + index * gap // max(1, count), self.columns, gap)}
        for x, y in series.line:  # the line's first point in each wanted column
            column, dy = self.dot_x(x) // 2, self.dot_y(y)
            if column in wanted and dy is not None:
                self.put(column, dy // 4, series.tag, series.role)
                wanted.discard(column)

    def row_segments(self, row: int, styles: Styles) -> list[Segment]:
        """One plot row, neighbouring cells of one role joined into one segment."""
        glyphs, roles = self.glyphs[row], self.roles[row]
        out: list[Segment] = []
        start = 0
        for column in range(1, self.columns + 1):
            role = roles[start]
            if column == self.columns or roles[column] != role:
                text = "".join(glyphs[start:column])
                out.append(Segment(text, styles.get(role) if role else None))
                start = column
        return out


def chart_lines(data: ChartData, width: int, height: int, styles: Styles) -> list[Line]:
    """The chart in ``height`` lines of ``width`` cells (fewer lines: a note that it won't fit)."""
    plot_rows = height - 2
    axis = _y_axis(data, max(1, plot_rows))
    if axis is None:
        return [SizedLine([Segment("no finite values to draw".ljust(width)[:width])], width)]
    label_width = max(len(label) for label in axis.labels) if axis.labels else 1
    plot_columns = width - label_width - 1
    if plot_columns < 4 or plot_rows < 1:
        return [SizedLine([Segment("(too small)".ljust(width)[:width])], width)]
    plot = _Plot(data, axis, plot_columns, plot_rows)
    plot.paint(data)
    tick_rows = _tick_rows(plot, axis)
    axis_style, label_style = styles.get("axis"), styles.get("label")
    lines: list[Line] = []
    for row in range(plot_rows):
        tick_label = tick_rows.get(row)
        left = [Segment((tick_label or "").rjust(label_width), label_style)]
        left.append(Segment("┤" if tick_label else "│", axis_style))
        lines.append(SizedLine([*left, *plot.row_segments(row, styles)], width))
    lines.extend(_x_axis(plot, data, label_width, width, axis_style, label_style))
    return lines


def _tick_rows(plot: _Plot, axis: Axis) -> dict[int, str]:
    """Plot row → y label. Labels need a free row between them; where rounding to rows puts
    two closer, every k-th tick is kept instead — the rounder ones first (1, 2, 3 of 0.5 … 3.5)
    — so the labels stay evenly spaced."""
    placed = [
        (t, dy // 4, label)
        for t, label in zip(axis.ticks, axis.labels, strict=True)
        if (dy := plot.dot_y(t)) is not None
    ]
    step = placed[1][0] - placed[0][0] if len(placed) > 1 else 1.0
    for k in range(1, len(placed)):

        def roundness(offset: int, k: int = k) -> int:
            ticks = [t for t, _, _ in placed[offset::k]]
            if axis.log:  # decades first
                return sum(math.isclose(t, 10 ** round(math.log10(t))) for t in ticks)
            return sum(abs(t / (k * step) - round(t / (k * step))) < 1e-6 for t in ticks)

        for offset in sorted(range(k), key=roundness, reverse=True):
            kept = placed[offset::k]
            if len(kept) >= 2 and all(
                a[1] - b[1] >= 2 for a, b in zip(kept, kept[1:], strict=False)
            ):
                return {row: label for _, row, label in kept}
    return {row: label for _, row, label in placed[-1:]}


def _x_axis(
    plot: _Plot,
    data: ChartData,
    label_width: int,
    width: int,
    axis_style: Style | None,
    label_style: Style | None,
) -> list[Line]:
    """The axis line with a ┬ under each step tick, and the step labels centred under them."""
    lo, hi = data.x_range
    rule = ["─"] * plot.columns
    labels = [" "] * width
    free_from = 0  # the first cell a label may use (labels keep a space between them)
    for tick in step_ticks(lo, hi, plot.columns):
        column = plot.dot_x(tick) // 2
        if not 0 <= column < plot.columns:
            continue
        rule[column] = "┬"
        text = step_label(tick)
        start = min(max(label_width + 1 + column - len(text) // 2, free_from), width - len(text))
        if start >= free_from:
            labels[start : start + len(text)] = text
            free_from = start + len(text) + 1
    axis_line = [Segment(" " * label_width + "└" + "".join(rule), axis_style)]
    return [SizedLine(axis_line, width), SizedLine([Segment("".join(labels), label_style)], width)]


def thin(points: Sequence[Point], most: int) -> tuple[Point, ...]:
    """Every k-th point so that at most ``most`` remain (the last one always kept)."""
    if most <= 0 or not points:
        return ()
    k = max(1, -(-len(points) // most))
    kept = list(points[::k])
    if kept[-1] != points[-1]:
        kept[-1] = points[-1]
    return tuple(kept)
