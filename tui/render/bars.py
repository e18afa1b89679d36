"""Provides text bars: horizontal bars in eighth blocks, one-row vertical bars, and the confusion
matrix heat map. Pure functions returning strings or segment lines; no Textual.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style

from cnn_tui.tui.render.halfblock import Line, colour

EIGHTHS = " ▏▎▍▌▋▊▉█"
VERTICAL = " ▁▂▃▄▅▆▇█"
HEAT_SHADES = " ░▒▓█"


def hbar(fraction: float, width: int) -> str:
    """A bar ``width`` cells long filled to ``fraction`` (0–1), in eighths of a cell."""
    if width <= 0:
        return ""
    if not math.isfinite(fraction):
        return " " * width
    eighths = round(min(1.0, max(0.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[part] if part else "")
    return text.ljust(width)


def vbars(fractions: Sequence[float], rows: int, cell: int = 1) -> list[str]:
    """Vertical bars ``rows`` high, top line first; each value ``cell`` columns wide."""
    lines = []
    for row in range(rows - 1, -1, -1):  # top row first
        chars = []
        for f in fractions:
            f = min(1.0, max(0.0, f)) if math.isfinite(f) else 0.0
            level = round(f * rows * 8) - row * 8  # eighths in this row
            chars.append(VERTICAL[min(8, max(0, level))] * cell)
        lines.append("".join(chars))
    return lines


def confusion_lines(
    confusion: Sequence[Sequence[int]],
    muted: Style,
    *,
    colour_on: bool,
    cell: int = 3,
    header: bool = True,
    names: Sequence[str] = (),
) -> list[Line]:
    """The 10×10 confusion matrix as a heat map: rows are true digits, columns predictions.

    Each row is normalised by its count (the share of that digit predicted as each column). The
    diagonal (correct) is left blank: it would drown every error. Shade and colour both show the
    share, so the map reads without colour too. A run with class ``names`` labels its rows and
    columns with each name's first two letters (as the sample's narrow strip does; the bars
    beside the map name them in full).
    """

    def label(c: int) -> str:
        return names[c][:2] if names else str(c)

    lines: list[Line] = []
    if header:  # the predicted classes over the columns
        lines.append([Segment("   " + "".join(f"{label(c):^{cell}}" for c in range(10)), muted)])
    # the largest off-diagonal share sets the scale, so the errors are what the eye finds
    shares: list[list[float]] = []
    for t, counts in enumerate(confusion):
        total = sum(counts) or 1
        shares.append([(v / total if p != t else 0.0) for p, v in enumerate(counts)])
    top = max((s for row in shares for s in row), default=0.0) or 1.0
    for t, row in enumerate(shares):
        line: Line = [Segment(f" {label(t):<2}" if names else f" {t} ", muted)]
        for p, share in enumerate(row):
            if p == t:
                line.append(Segment("·".center(cell), muted))
                continue
            x = share / top
            shade = HEAT_SHADES[min(4, math.ceil(x * 4))] if share > 0 else " "
            style = Style(color=colour("heat", 0.25 + 0.75 * x)) if colour_on else None
            line.append(Segment(shade * cell, style))
        lines.append(line)
    return lines
