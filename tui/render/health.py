"""Provides the layer-health screen's pure renderers: sparklines over a run, the update-ratio
sparkline with its healthy band, and a histogram in block characters with a second distribution
behind it. Strings and (glyph, kind) cells only: the widgets give them their theme colours.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"
EIGHTHS = " ▁▂▃▄▅▆▇█"
RATIO_RANGE = (-6.0, 0.0)
"""log₁₀ update ratios the ratio sparkline spans (clamped at both ends)."""
BAND = (-4.0, -2.0)
"""The healthy band of log₁₀ update ratios, around 10⁻³ (the hints' thresholds)."""


def squeeze(values: Sequence[float], width: int) -> list[float]:
    """``values`` in at most ``width`` points: means of equal runs of neighbours (NaN skipped;
    a run of only NaN stays NaN). Fewer values than ``width`` come back as they are."""
    if width <= 0:
        return []
    if len(values) <= width:
        return list(values)
    out = []
    for i in range(width):
        run = [
            v
            for v in values[i * len(values) // width : (i + 1) * len(values) // width]
            if math.isfinite(v)
        ]
        out.append(sum(run) / len(run) if run else math.nan)
    return out


def sparkline(
    values: Sequence[float], width: int, lo: float | None = None, hi: float | None = None
) -> str:
    """One line of ``width`` cells (right-aligned, blank where there is no value) scaling
    ``values`` between lo and hi (their own min and max if not given)."""
    points = squeeze(values, width)
    finite = [v for v in points if math.isfinite(v)]
    if not finite:
        return " " * width
    low = min(finite) if lo is None else lo
    high = max(finite) if hi is None else hi
    span = high - low
    cells = []
    for v in points:
        if not math.isfinite(v):
            cells.append(" ")
            continue
        t = 0.5 if span <= 0 else (min(max(v, low), high) - low) / span
        cells.append(BLOCKS[min(int(t * len(BLOCKS)), len(BLOCKS) - 1)])
    return "".join(cells).rjust(width)


def log_ratio(ratio: float) -> float:
    """log₁₀ of an update ratio (NaN for none, −inf for 0)."""
    if not math.isfinite(ratio) or ratio < 0:
        return math.nan
    return math.log10(ratio) if ratio > 0 else -math.inf


def ratio_cells(ratios: Sequence[float], width: int) -> list[tuple[str, bool]]:
    """The update-ratio sparkline on the fixed log₁₀ scale ``RATIO_RANGE``: (glyph, inside the
    healthy band ``BAND``) per cell, right-aligned."""
    logs = [max(log_ratio(r), RATIO_RANGE[0]) for r in ratios]  # 0 (or less): the floor
    line = sparkline(logs, width, *RATIO_RANGE)
    points = squeeze(logs, width)
    flags = [math.isfinite(v) and BAND[0] <= v <= BAND[1] for v in points]
    flags = [True] * (width - len(flags)) + flags  # the blank padding is not "outside"
    return list(zip(line, flags, strict=True))


def resample(counts: Sequence[int], width: int) -> list[float]:
    """Bin counts spread over ``width`` columns: column c sums the share of every bin that its
    span [c, c+1)·bins/width covers (so the total is kept)."""
    bins = len(counts)
    out = []
    for c in range(width):
        lo, hi = c * bins / width, (c + 1) * bins / width
        total = 0.0
        for b in range(int(lo), min(math.ceil(hi), bins)):
            total += counts[b] * (min(hi, b + 1) - max(lo, b))
        out.append(total)
    return out


def histogram_cells(
    counts: Sequence[int], behind: Sequence[int], width: int, height: int
) -> list[list[tuple[str, str]]]:
    """``height`` rows (top first) of ``width`` cells drawing ``counts`` as block bars and
    ``behind`` where it rises above them: (glyph, "now" | "behind" | "both" | ""). Both are
    scaled to the taller of the two; each cell is eight levels high. "both": the bar ends in the
    cell while the one behind fills it further (the widget shades the cell's background)."""
    now, back = resample(counts, width), resample(behind, width)
    peak = max([*now, *back, 0.0])
    if peak <= 0 or height <= 0:
        return [[(" ", "")] * width for _ in range(max(height, 0))]
    levels = height * 8
    now_level = [round(v / peak * levels) for v in now]
    back_level = [round(v / peak * levels) for v in back]
    rows = []
    for r in range(height):
        base = (height - 1 - r) * 8  # levels below this row
        row = []
        for n, b in zip(now_level, back_level, strict=True):
            if n >= base + 8 or (n > base and b <= base):
                row.append((EIGHTHS[min(n - base, 8)], "now"))
            elif n > base:  # the bar ends in this cell, the one behind goes on: shade behind it
                row.append((EIGHTHS[n - base], "both"))
            elif b > base:
                row.append((EIGHTHS[min(b - base, 8)], "behind"))
            else:
                row.append((" ", ""))
        rows.append(row)
    return rows


def compact(value: float) -> str:
    """A number in at most 7 characters: 0.36, 4.8e-02, —."""
    if not math.isfinite(value):
        return "—"
    if value == 0:
        return "0"
    if 0.01 <= abs(value) < 1000:
        return f"{value:.3g}"
    return f"{value:.1e}"
