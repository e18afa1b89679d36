"""Provides ``result_lines``: the network's view of a drawing as lines of cells — the
prediction, the ten probabilities and every conv layer's feature maps with their kernels (the
layout of tui/render/feature_maps.py), fitted to a width × height box: the probabilities as
bars, one row each, when there is room, else as a strip of ten vertical bars; the maps at the
largest size at which every layer fits (or the smallest, scrolled).

Pure: no Textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style

from cnn_tui.core.contract.class_names import class_name, fit_name, names_width
from cnn_tui.core.contract.events import DrawingViewed
from cnn_tui.tui.render.bars import hbar, vbars
from cnn_tui.tui.render.feature_maps import SIDES, choose_side, layer_lines
from cnn_tui.tui.render.halfblock import Line

NAME_LIMIT = 11  # the longest class name shown in full ("Ankle boot")
PROB_ROWS_FROM = 28
"""Heights from which the probabilities get a row each (below: the 3-row strip)."""


@dataclass(frozen=True, slots=True)
class ResultStyles:
    """The theme's styles for the result (a widget reads them from its component classes)."""

    muted: Style
    bar: Style | None
    strong: Style


def _headline(view: DrawingViewed, names: Sequence[str], styles: ResultStyles) -> Line:
    p = view.probabilities[view.predicted]
    weights = f"weights of step {view.step:,}" if view.step >= 0 else "the saved weights"
    return [
        Segment("predicted ", styles.muted),
        Segment(class_name(names, view.predicted), styles.strong),
        Segment(f"  {100 * p:.1f}%", styles.strong),
        Segment(f"  · {weights}", styles.muted),
    ]


def probability_rows(
    view: DrawingViewed, names: Sequence[str], width: int, styles: ResultStyles
) -> list[Line]:
    """One row per class: name, bar, percentage; the prediction in bold."""
    name_width = names_width(names, NAME_LIMIT) if names else 1
    bar_width = max(3, min(30, width - name_width - 9))
    lines: list[Line] = []
    for d, p in enumerate(view.probabilities):
        style = styles.strong if d == view.predicted else None
        name = fit_name(names[d], name_width) if names else str(d)
        lines.append(
            [
                Segment(f"{name} ", style),
                Segment(hbar(p, bar_width), styles.bar),
                Segment(f" {100 * p:5.1f}%", style),
            ]
        )
    return lines


def probability_strip(
    view: DrawingViewed, names: Sequence[str], styles: ResultStyles
) -> list[Line]:
    """Ten vertical bars, two rows high, over the classes (the prediction reversed)."""
    lines: list[Line] = [[Segment(row, styles.bar)] for row in vbars(view.probabilities, 2, 3)]
    labels: Line = []
    for d in range(len(view.probabilities)):
        text = f"{names[d][:2]:<2} " if names else f" {d} "
        strong = d == view.predicted
        labels.append(Segment(text, Style(reverse=True, bold=True) if strong else None))
    lines.append(labels)
    return lines


def result_lines(
    view: DrawingViewed,
    width: int,
    height: int,
    *,
    names: Sequence[str],
    styles: ResultStyles,
    colour_on: bool,
) -> list[Line]:
    """The whole result for a box of width × height (taller when the maps cannot fit)."""
    lines: list[Line] = [_headline(view, names, styles)]
    if height >= PROB_ROWS_FROM:
        lines += probability_rows(view, names, width, styles)
    else:
        lines += probability_strip(view, names, styles)
    lines.append([])
    left = max(1, height - len(lines))
    channels = [layer.channels for layer in view.layers]
    side = choose_side(channels, width, left) or SIDES[-1]
    for i, layer in enumerate(view.layers):
        lines += layer_lines(layer, i, side, width, colour_on, styles.muted)
    return lines


def note_lines(text: str, hint: str, styles: ResultStyles) -> list[Line]:
    """A message in place of the result ("draw a digit", "asking the trainer…"); the hint's
    lines under it."""
    return [[Segment(text, styles.strong)], *([Segment(h, styles.muted)] for h in hint.split("\n"))]
