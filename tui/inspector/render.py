"""Provides the inspector's pure renderers: a mistake's thumbnail tile, the saliency map shown
over its digit, the confusion matrix with counts, and probability bars. Lines of Rich segments,
no Textual (the half-block helpers come from ``tui/render/halfblock.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from rich.color import Color
from rich.segment import Segment
from rich.style import Style

from cnn_tui.core.contract.class_names import class_name, fit_name, names_width
from cnn_tui.core.contract.config import IMAGE_SIDE, NUM_CLASSES
from cnn_tui.tui.render.bars import hbar
from cnn_tui.tui.render.halfblock import (
    LOWER_HALF,
    Line,
    colour,
    grid_lines,
    normaliser,
    pad,
    resample,
)

THUMB_SIDE = 14
"""Thumbnails are the 28×28 digit averaged down to 14×14: 14 cells wide, 7 rows high."""

RGB = tuple[int, int, int]


def pixels(image: bytes) -> list[float]:
    """784 uint8 pixels → floats in [0, 1]."""
    return [b / 255 for b in image]


def digit_lines(image: bytes, side: int, *, colour_on: bool) -> list[Line]:
    """The digit at ``side``×``side`` pixels (side/2 rows) in white ink on black."""
    values = resample(pixels(image), IMAGE_SIDE, side)
    return grid_lines(values, side, "ink", normaliser(0.0, 1.0), colour_on=colour_on)


# --- saliency over the digit -----------------------------------------------------------------


@lru_cache(maxsize=4096)
def _rgb_style(top: RGB, bottom: RGB) -> Style:
    return Style(color=Color.from_rgb(*bottom), bgcolor=Color.from_rgb(*top))


_SAL_STEPS = 16  # |saliency| levels per sign
_INK_STEPS = 16


@lru_cache(maxsize=(2 * _SAL_STEPS + 1) * (_INK_STEPS + 1))
def _overlay_level(ink_level: int, sal_level: int) -> RGB:
    """The colour of a pixel with quantised ink (0…_INK_STEPS) and saliency
    (−_SAL_STEPS…_SAL_STEPS): the digit's ink as a dim grey, tinted red where the gradient is
    positive (more ink here → higher score) and blue where it is negative."""
    grey = 25 + 70 * ink_level / _INK_STEPS  # the digit stays visible but dim
    a = (abs(sal_level) / _SAL_STEPS) ** 0.7  # lift small gradients a little
    target = (255, 70, 40) if sal_level > 0 else (50, 130, 255)
    red, green, blue = (round(grey + (t - grey) * a) for t in target)
    return (red, green, blue)


def _overlay_rgb(ink: float, sal: float) -> RGB:
    """One pixel's colour; ink in [0, 1], sal in [−1, 1]."""
    return _overlay_level(round(ink * _INK_STEPS), round(max(-1.0, min(1.0, sal)) * _SAL_STEPS))


def saliency_scale(saliency: Sequence[float]) -> float:
    """The largest |gradient| (the map's scale); 0 for an empty or all-zero map."""
    finite = [abs(v) for v in saliency if math.isfinite(v)]
    return max(finite, default=0.0)


def saliency_lines(image: bytes, saliency: Sequence[float], *, colour_on: bool) -> list[Line]:
    """28×28 saliency over the digit: 14 rows of half blocks (red +, blue −), or without colour
    "+"/"-" where |gradient| is in the top half of its range and the digit's shade elsewhere."""
    ink = pixels(image)
    scale = saliency_scale(saliency) or 1.0
    sal = [v / scale if math.isfinite(v) else 0.0 for v in saliency] or [0.0] * len(ink)
    side = IMAGE_SIDE
    lines: list[Line] = []
    for r in range(0, side, 2):
        line: Line = []
        if colour_on:
            for c in range(side):
                top = _overlay_rgb(ink[r * side + c], sal[r * side + c])
                bottom = _overlay_rgb(ink[(r + 1) * side + c], sal[(r + 1) * side + c])
                line.append(Segment(LOWER_HALF, _rgb_style(top, bottom)))
        else:
            chars = []
            for c in range(side):
                s = (sal[r * side + c] + sal[(r + 1) * side + c]) / 2
                i = (ink[r * side + c] + ink[(r + 1) * side + c]) / 2
                chars.append("+" if s > 0.5 else "-" if s < -0.5 else "·" if i > 0.3 else " ")
            line.append(Segment("".join(chars)))
        lines.append(line)
    return lines


# --- thumbnails ----------------------------------------------------------------------------


@lru_cache(maxsize=2048)
def _thumb(image: bytes, colour_on: bool) -> tuple[tuple[Segment, ...], ...]:
    return tuple(tuple(line) for line in digit_lines(image, THUMB_SIDE, colour_on=colour_on))


def tile_lines(
    image: bytes,
    caption: str | Sequence[str],
    width: int,
    *,
    selected: bool,
    marked: bool,
    colour_on: bool,
) -> list[Line]:
    """One mistake in the grid: the 14×14 thumbnail between two edge columns, then a caption
    (one line, or several: ``named_caption``).

    The selected tile gets bright edges and a reversed caption; a ``marked`` tile (newly wrong
    since the previous evaluation) gets a "•" before its caption.
    """
    edge_style = Style(color="yellow", bold=True) if selected else None
    edge = "▐" if selected else " "
    right = "▌" if selected else " "
    lines: list[Line] = []
    for row in _thumb(image, colour_on):
        lines.append(pad([Segment(edge, edge_style), *row, Segment(right, edge_style)], width))
    cap_style = Style(reverse=True, bold=True) if selected else None
    captions = [caption] if isinstance(caption, str) else list(caption)
    for i, line in enumerate(captions):
        text = ("•" if marked and i == 0 else " ") + line
        lines.append(pad([Segment(text[:width], cap_style)], width))
    return lines


def caption(label: int, predicted: int, probability: float) -> str:
    """ "7→2  98%": true → predicted, and how sure the network was of its answer."""
    return f"{label}→{predicted} {100 * probability:4.0f}%"


def named_caption(true: str, said: str, probability: float, width: int) -> tuple[str, str]:
    """A named run's caption, two lines of ``width`` − 1 cells (the first cell is the tile's
    mark): "Sneaker →" then "Sandal 98%", each name shortened with … when it must be."""
    room = width - 1
    first = fit_name(true, room - 2).rstrip() + " →"
    percent = f" {100 * probability:.0f}%"
    second = fit_name(said, room - len(percent)).rstrip() + percent
    return first, second


# --- confusion matrix ----------------------------------------------------------------------

CELL = 6
ROW_LABEL_WIDTH = 5  # "  7  "
ROW_NAME_LIMIT = 8  # a named run's row labels: "Sneaker", "T-shirt…" (the status says it whole)


def row_label_width(names: Sequence[str]) -> int:
    """The matrix's row-label column: 5 for digits, else the longest name (≤ 8) and a space
    each side."""
    return names_width(names, ROW_NAME_LIMIT) + 2 if names else ROW_LABEL_WIDTH


def confusion_cell_lines(
    confusion: Sequence[Sequence[int]],
    cursor: tuple[int, int] | None,
    *,
    colour_on: bool,
    muted: Style,
    names: Sequence[str] = (),
) -> list[Line]:
    """The full 10×10 matrix, counts in every cell; rows are true classes, columns predictions
    — digits, or the run's class ``names`` shortened to fit (rows 8 cells, columns 5).

    Off-diagonal cells are coloured by their share of the true class's images on a heat scale
    whose top is the largest off-diagonal share (so the errors stand out); the diagonal (right
    answers) is green-tinted. Without colour, cells show their counts only, the cursor reversed.
    """
    shares = []
    for t, row in enumerate(confusion):
        total = sum(row) or 1
        shares.append([(v / total if p != t else 0.0) for p, v in enumerate(row)])
    top = max((s for row in shares for s in row), default=0.0) or 1.0
    label_width = row_label_width(names)
    header: Line = [Segment("t╲p".ljust(label_width), muted)]
    header += [Segment(f"{column_label(names, p):^{CELL}}", muted) for p in range(NUM_CLASSES)]
    header.append(Segment("   total", muted))
    lines: list[Line] = [header]
    for t, row in enumerate(confusion):
        label = f" {fit_name(names[t], label_width - 2)} " if names else f"  {t}  "
        line: Line = [Segment(label, muted)]
        for p, count in enumerate(row):
            text = f"{count:>{CELL - 1}} "
            here = cursor == (t, p)
            if not colour_on:
                style = Style(reverse=True, bold=True) if here else (muted if count == 0 else None)
            elif p == t:
                style = Style(color="rgb(120,200,120)", bgcolor="rgb(20,45,20)")
            elif count == 0:
                style = muted
            else:
                x = shares[t][p] / top
                bg = colour("heat", 0.15 + 0.85 * x)
                fg = Color.from_rgb(0, 0, 0) if x > 0.6 else Color.from_rgb(255, 255, 255)
                style = Style(color=fg, bgcolor=bg)
            if here and colour_on:
                style = Style(color="black", bgcolor="yellow", bold=True)
            line.append(Segment(text, style))
        line.append(Segment(f"{sum(row):>8}", muted))
        lines.append(line)
    return lines


def column_label(names: Sequence[str], label: int) -> str:
    """A column's head: the digit, or the class name in CELL − 1 cells ("Snea…", "Bag")."""
    return fit_name(class_name(names, label), CELL - 1).rstrip() if names else str(label)


def scale_legend(width: int, *, colour_on: bool, muted: Style, noun: str = "digits") -> Line:
    """ "share of the row's digits  low ▇▇▇▇▇ high" along the heat scale (``noun``: "images"
    for a set that is not MNIST's digits)."""
    if not colour_on:
        return [Segment("cells: images of the true class (row) given each answer (column)", muted)]
    steps = max(4, min(20, width - 40))
    bar = [
        Segment("▇", Style(color=colour("heat", 0.15 + 0.85 * i / (steps - 1))))
        for i in range(steps)
    ]
    return [Segment(f"share of the row's {noun}  low ", muted), *bar, Segment(" high", muted)]


# --- probabilities -------------------------------------------------------------------------


PROB_NAME_LIMIT = 11  # a class name beside its probability bar ("T-shirt/top" fits)


def probability_lines(
    probabilities: Sequence[float],
    label: int,
    predicted: int,
    width: int,
    *,
    colour_on: bool,
    names: Sequence[str] = (),
) -> list[Line]:
    """One line per class: digit (or the run's class name, shortened with … to fit), bar,
    percentage; the true class marked "← true" (a named run's narrow column: "←"), the
    prediction in bold (red if wrong, green if right)."""
    name_width = names_width(names, PROB_NAME_LIMIT) if names else 1
    bar_width = max(3, width - 15 - name_width)
    true_mark = " ← true"
    if names and width - name_width - 1 - 6 - len(true_mark) < 3:  # a narrow column: the arrow
        true_mark = " ←"
        bar_width = max(1, width - name_width - 1 - 6 - len(true_mark))
    lines: list[Line] = []
    right = label == predicted
    for d, p in enumerate(probabilities):
        style = None
        if d == predicted:
            style = Style(bold=True, color=("green" if right else "red") if colour_on else None)
        bar_style = Style(color="cyan") if colour_on and d != predicted else style
        mark = true_mark if d == label else ""
        lines.append(
            [
                Segment(f"{fit_name(names[d], name_width)} " if names else f"{d} ", style),
                Segment(hbar(p, bar_width), bar_style),
                Segment(f"{100 * p:5.1f}%{mark}", style),
            ]
        )
    return lines
