"""Provides ``lr_chart_lines``: the loss-vs-lr chart of a learning-rate sweep as rows of Rich
segments — log₁₀ lr across (a tick at every decade), the loss up, the raw batch losses as a faint
dotted cloud, the smoothed loss as a braille line, the suggested lr as a marked column.

Pure: numbers in, segments out (styles by role name, as chart.py's), no Textual, no core import.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rich.segment import Segment
from rich.style import Style

from cnn_tui.tui.render.braille import BrailleCanvas

Line = list[Segment]
LABEL = 7
"""Cells of the y axis's labels and its rule."""


def lr_chart_lines(
    lrs: Sequence[float],
    losses: Sequence[float],
    smoothed: Sequence[float],
    lr_range: tuple[float, float],
    suggested: float | None,
    width: int,
    height: int,
    styles: Mapping[str, Style],
) -> list[Line]:
    """``height`` rows of ``width`` cells: the plot, then the x axis and its decade labels."""
    columns, rows = max(1, width - LABEL), max(1, height - 2)
    lo_x, hi_x = math.log10(lr_range[0]), math.log10(lr_range[1])
    finite = [v for v in (*losses, *smoothed) if math.isfinite(v)]
    if not finite:
        blank = [Segment(" " * width)]
        return [blank] * (height - 1) + [
            [Segment("waiting for the first sweep batches…", styles["muted"])]
        ]
    lo_y = min(finite)
    # the top: the smoothed curve's highest (an exploded raw loss would flatten the rest)
    hi_y = max(v for v in smoothed if math.isfinite(v)) if smoothed else max(finite)
    if hi_y - lo_y < 1e-9:
        hi_y = lo_y + 1.0
    cloud, line = BrailleCanvas(columns, rows), BrailleCanvas(columns, rows)

    def dot(lr: float, loss: float) -> tuple[int, int]:
        x = (math.log10(lr) - lo_x) / (hi_x - lo_x) * (cloud.width - 1)
        y = (hi_y - min(max(loss, lo_y), hi_y)) / (hi_y - lo_y) * (cloud.height - 1)
        return round(x), round(y)

    for lr, loss in zip(
        lrs, losses, strict=False
    ):  # the raw losses: a dot each, clamped into the frame
        if math.isfinite(loss) and lr > 0:
            cloud.dot(*dot(lr, loss))
    line.polyline(
        dot(lr, s) if math.isfinite(s) else None for lr, s in zip(lrs, smoothed, strict=False)
    )
    mark = -1
    if suggested is not None and suggested > 0:
        mark = min(columns - 1, max(0, dot(suggested, lo_y)[0] // 2))
    out: list[Line] = []
    for row in range(rows):
        label = _y_label(row, rows, lo_y, hi_y)
        segments: Line = [
            Segment(f"{label:>{LABEL - 1}}", styles["label"]),
            Segment("┤" if label.strip() else "│", styles["axis"]),
        ]
        for column in range(columns):
            glyph = line.glyph(column, row)
            if glyph is not None:
                segments.append(Segment(glyph, styles["line"]))
            elif column == mark:
                segments.append(Segment("┊", styles["test"]))
            else:
                faint = cloud.glyph(column, row)
                segments.append(Segment(faint or " ", styles["cloud"]))
        out.append(segments)
    out.append(_x_axis(lo_x, hi_x, columns, mark, styles))
    out.append(_x_labels(lo_x, hi_x, columns, styles))
    return out[:height]


def _y_label(row: int, rows: int, lo: float, hi: float) -> str:
    """The loss at the top, middle and bottom rows; blank elsewhere."""
    if row in (0, rows // 2, rows - 1) and rows > 2 or row == 0:
        value = hi - (hi - lo) * row / max(1, rows - 1)
        return f"{value:.3g}"
    return ""


def _decades(lo_x: float, hi_x: float) -> list[int]:
    return list(range(math.ceil(lo_x - 1e-9), math.floor(hi_x + 1e-9) + 1))


def _column(x: float, lo_x: float, hi_x: float, columns: int) -> int:
    return round((x - lo_x) / (hi_x - lo_x) * (columns - 1))


def _x_axis(lo_x: float, hi_x: float, columns: int, mark: int, styles: Mapping[str, Style]) -> Line:
    cells = ["─"] * columns
    for decade in _decades(lo_x, hi_x):
        cells[_column(decade, lo_x, hi_x, columns)] = "┬"
    segments: Line = [Segment(" " * (LABEL - 1) + "└", styles["axis"])]
    for i, cell in enumerate(cells):
        segments.append(
            Segment("▲" if i == mark else cell, styles["test"] if i == mark else styles["axis"])
        )
    return segments


def _x_labels(lo_x: float, hi_x: float, columns: int, styles: Mapping[str, Style]) -> Line:
    """Decade labels (1e-05 … 1) where they fit without touching, and "lr (log)" at the end."""
    text = [" "] * columns
    free = 0
    for decade in _decades(lo_x, hi_x):
        label = f"{10.0**decade:g}"
        at = max(
            0, min(columns - len(label), _column(decade, lo_x, hi_x, columns) - len(label) // 2)
        )
        if at >= free:
            text[at : at + len(label)] = label
            free = at + len(label) + 1
    return [Segment(" " * LABEL + "".join(text), styles["label"])]
