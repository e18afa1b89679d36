"""Provides the feature-map panel's picture: every map of each conv layer (after ReLU, and after
max-pooling) with its 3×3 kernel, laid out to fit a width × height box.

Maps of one layer share one scale (0 … the layer's largest activation) so they can be compared;
kernels share a symmetric scale (−m … +m, blue negative, red positive). Each channel is a tile:

    #3 max 2.1       caption: channel number and the map's own maximum
    ▄▄▄▄▄▄▄▄▄▄▄      the ReLU map, R cells wide (R/2 rows)
    ▄▄▄▄▄▄ ██████    the pooled map (P = R/2 wide) and the kernel (3 cells of 2 columns)

R is the largest size at which every layer's tiles fit; maps are resampled to it. Columns left
over are spread between the tiles.
"""

from __future__ import annotations

import math

from rich.segment import Segment
from rich.style import Style

from cnn_tui.core.contract.events import ConvView
from cnn_tui.tui.render.halfblock import Line, beside, colour, grid_lines, normaliser, pad, resample

KERNEL_CELL = 2  # columns per kernel weight
KERNEL_WIDTH = 3 * KERNEL_CELL
SIDES = (26, 22, 20, 18, 16, 14, 13, 12, 11, 10, 9, 8, 7, 6)
"""ReLU-map sizes tried, largest first."""
KERNEL_SHADES = "-·+"


def tile_size(r_side: int) -> tuple[int, int]:
    """(width, height) of one channel's tile when its ReLU map is r_side cells wide."""
    p_side = math.ceil(r_side / 2)
    width = max(r_side, p_side + 1 + KERNEL_WIDTH)
    height = 1 + math.ceil(r_side / 2) + max(math.ceil(p_side / 2), 3)
    return width, height


def layout_height(channels: list[int], r_side: int, width: int) -> int:
    """Rows needed for all layers (a title line each) at map size r_side in ``width`` columns."""
    tw, th = tile_size(r_side)
    per_row = max(1, (width + 1) // (tw + 1))
    return sum(1 + math.ceil(c / per_row) * th for c in channels)


def choose_side(channels: list[int], width: int, height: int) -> int | None:
    """The largest ReLU-map size whose tiles all fit, or None if even the smallest doesn't."""
    for side in SIDES:
        tw, _ = tile_size(side)
        if tw <= width and layout_height(channels, side, width) <= height:
            return side
    return None


def _kernel_lines(weights: tuple[float, ...], scale: float, colour_on: bool) -> list[Line]:
    """A 3×3 kernel as 3 rows of 2-column cells: full blocks coloured on the diverging map, or
    "-", "·", "+" by sign and size when colour is off."""
    lines = []
    for r in range(3):
        line: Line = []
        for c in range(3):
            w = weights[r * 3 + c]
            t = 0.5 + 0.5 * (w / scale if scale > 0 else 0.0)  # −scale..scale → 0..1
            if colour_on:
                line.append(Segment("█" * KERNEL_CELL, Style(color=colour("diverging", t))))
            else:
                ch = "+" if t > 0.62 else "-" if t < 0.38 else "·"
                line.append(Segment(ch * KERNEL_CELL))
        lines.append(line)
    return lines


def layer_lines(
    view: ConvView, index: int, r_side: int, width: int, colour_on: bool, muted: Style
) -> list[Line]:
    """One conv layer: a title line, then its channel tiles in rows that fit ``width``."""
    n, side, ps = view.channels, view.side, view.pooled_side
    p_side = math.ceil(r_side / 2)
    top = max(view.maps, default=0.0)
    norm = normaliser(0.0, top if top > 0 else 1.0)
    # kernels of a deeper layer have in_channels × 9 weights: show their sum over inputs
    k_per = view.in_channels * 9
    kernels = [
        tuple(
            sum(view.kernels[c * k_per + i * 9 + j] for i in range(view.in_channels))
            for j in range(9)
        )
        for c in range(n)
    ]
    k_scale = max((abs(w) for k in kernels for w in k), default=1.0)
    tiles: list[list[Line]] = []
    tw, _ = tile_size(r_side)
    for c in range(n):
        relu = view.maps[c * side * side : (c + 1) * side * side]
        pooled = view.pooled[c * ps * ps : (c + 1) * ps * ps]
        own_max = max(relu, default=0.0)
        caption = pad([Segment(f"#{c + 1}", None), Segment(f" max {own_max:.2g}", muted)], tw)
        relu_lines = grid_lines(
            resample(relu, side, r_side), r_side, "heat", norm, colour_on=colour_on
        )
        pooled_lines = grid_lines(
            resample(pooled, ps, p_side), p_side, "heat", norm, colour_on=colour_on
        )
        bottom = beside(
            [pooled_lines, _kernel_lines(kernels[c], k_scale, colour_on)], [p_side, KERNEL_WIDTH]
        )
        tiles.append([caption, *relu_lines, *bottom])
    name = f"conv{index + 1}: {n} maps {side}×{side} after ReLU, pooled {ps}×{ps}, kernels"
    scale_note = f"  (shared scale 0–{top:.2g})"
    lines: list[Line] = [pad([Segment(name), Segment(scale_note, muted)], width)]
    per_row = max(1, (width + 1) // (tw + 1))
    # spare columns spread evenly between the tiles' slots, so a row spans the panel
    slot = max(tw, (width + 1) // min(per_row, n) - 1)
    for start in range(0, n, per_row):
        row_tiles = tiles[start : start + per_row]
        lines.extend(beside(row_tiles, [slot] * len(row_tiles)))
    return lines


def feature_map_lines(
    layers: tuple[ConvView, ...], width: int, height: int, *, colour_on: bool, muted: Style
) -> list[Line]:
    """Every layer's maps fitted into width × height, or a one-line note if they can't fit."""
    if not layers:
        return [[Segment("no sample yet")]]
    side = choose_side([v.channels for v in layers], width, height)
    if side is None:
        # show the first layer at the smallest size, as many rows as fit
        side = SIDES[-1]
        lines = layer_lines(layers[0], 0, side, width, colour_on, muted)
        if len(lines) > height:
            lines = lines[: max(0, height - 1)]
            lines.append([Segment("… enlarge the panel (z) to see every map", muted)])
        return lines
    out: list[Line] = []
    for i, view in enumerate(layers):
        out.extend(layer_lines(view, i, side, width, colour_on, muted))
    return out
