"""Provides ``mnist_input``: a drawing turned into what the network receives, the way MNIST's
digits were made (LeCun, Cortes & Burges: each NIST digit was size-normalised to fit a 20×20 box,
keeping its aspect ratio, anti-aliased by the resampling, then centred in 28×28 by its centre of
mass).

The steps, on a 28×28 grid of ink in [0, 1] (pixel (r, c) covers [c, c + 1) × [r, r + 1)):

1. **Box**: the smallest rectangle of rows r0…r1 and columns c0…c1 holding every inked pixel;
   h = r1 − r0 + 1, w = c1 − c0 + 1.
2. **Fit in 20×20**: scale s = 20 / max(h, w); the box becomes w·s × h·s, centred in a 20×20
   field at offsets ox = (20 − w·s) / 2, oy = (20 − h·s) / 2.
3. **Anti-aliased resampling**: source pixel q spans [o + q·s, o + (q + 1)·s) of the field, and
   field pixel j takes the ink of every source pixel in proportion to how much of it they
   overlap — ``F[i][j] = Σ_p Σ_q Ay[i][p] · S[r0 + p][c0 + q] · Ax[j][q]``, with
   ``A[j][q] = |[j, j + 1) ∩ [o + q·s, o + (q + 1)·s)|``. The weights of a covered pixel add to
   1, so ink stays in [0, 1]; a pixel the box covers only in part gets a grey (the edge's
   anti-aliasing); shrinking averages, growing repeats.
4. **Centre by mass**: the field is placed at (4, 4) of the 28×28 image, its centre of mass
   (cx, cy) = Σ v·(c + 0.5, r + 0.5) / Σ v computed, and the image shifted by whole pixels
   (round(14 − cx), round(14 − cy)), halves rounded up, so the centre of mass lies within half a
   pixel of the image's centre (14, 14) — unless that would push ink off the edge: the shift is
   then cut to keep every inked pixel (a digit is never cropped).

Pure Python (about a millisecond for one drawing), no UI.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cnn_tui.core.drawing.canvas import PIXELS, SIDE

FIELD = 20
"""The box a digit is fitted into."""
CENTRE = SIDE / 2
"""The image's centre, in pixel units (the centre of mass goes here)."""


def ink_box(pixels: Sequence[float]) -> tuple[int, int, int, int] | None:
    """(r0, c0, r1, c1), inclusive, of every pixel with ink; None for an empty drawing."""
    rows = [r for r in range(SIDE) if any(pixels[r * SIDE + c] > 0.0 for c in range(SIDE))]
    if not rows:
        return None
    cols = [c for c in range(SIDE) if any(pixels[r * SIDE + c] > 0.0 for r in rows)]
    return rows[0], cols[0], rows[-1], cols[-1]


def overlap_weights(count: int, scale: float, offset: float) -> list[list[float]]:
    """``A[j][q]``: how much of field pixel j (of ``FIELD``) source pixel q (of ``count``)
    covers once mapped to [offset + q·scale, offset + (q + 1)·scale)."""
    weights = []
    for j in range(FIELD):
        row = []
        for q in range(count):
            lo, hi = offset + q * scale, offset + (q + 1) * scale
            row.append(max(0.0, min(j + 1.0, hi) - max(float(j), lo)))
        weights.append(row)
    return weights


def fit_field(pixels: Sequence[float], box: tuple[int, int, int, int]) -> list[float]:
    """Steps 2–3: the box's ink fitted into the 20×20 field (row-major, 400 values)."""
    r0, c0, r1, c1 = box
    h, w = r1 - r0 + 1, c1 - c0 + 1
    scale = FIELD / max(h, w)
    ay = overlap_weights(h, scale, (FIELD - h * scale) / 2)
    ax = overlap_weights(w, scale, (FIELD - w * scale) / 2)
    # rows first (S · Axᵀ: h × 20), then columns (Ay · that: 20 × 20)
    src = [[pixels[(r0 + p) * SIDE + c0 + q] for q in range(w)] for p in range(h)]
    across = [
        [sum(a * v for a, v in zip(ax[j], line, strict=True)) for j in range(FIELD)] for line in src
    ]
    field = []
    for i in range(FIELD):
        weights = ay[i]
        for j in range(FIELD):
            field.append(sum(weights[p] * across[p][j] for p in range(h) if weights[p]))
    return [min(1.0, v) for v in field]  # sums of weights are 1 up to rounding


def centre_of_mass(pixels: Sequence[float], side: int = SIDE) -> tuple[float, float] | None:
    """(cx, cy) = Σ v·(c + 0.5, r + 0.5) / Σ v over a side×side grid; None without ink."""
    total = sx = sy = 0.0
    for r in range(side):
        for c in range(side):
            v = pixels[r * side + c]
            if v:
                total += v
                sx += v * (c + 0.5)
                sy += v * (r + 0.5)
    if total <= 0.0:
        return None
    return sx / total, sy / total


def _shift(wanted: float, low: int, high: int) -> int:
    """round(wanted) with halves up, cut to [low, high]."""
    return max(low, min(high, math.floor(wanted + 0.5)))


def mnist_input(pixels: Sequence[float]) -> list[float] | None:
    """The drawing ``pixels`` (784 values in [0, 1]) as MNIST would have it: fitted in 20×20,
    anti-aliased, centred by centre of mass (see the steps above). None for an empty drawing."""
    if len(pixels) != PIXELS:
        raise ValueError(f"a drawing has {PIXELS} pixels, not {len(pixels)}")
    box = ink_box(pixels)
    if box is None:
        return None
    field = fit_field(pixels, box)
    margin = (SIDE - FIELD) // 2
    placed = [0.0] * PIXELS
    for i in range(FIELD):
        placed[(margin + i) * SIDE + margin : (margin + i) * SIDE + margin + FIELD] = field[
            i * FIELD : (i + 1) * FIELD
        ]
    com = centre_of_mass(placed)
    inked = ink_box(placed)
    if com is None or inked is None:  # ink too faint to survive the resampling
        return None
    r0, c0, r1, c1 = inked
    dx = _shift(CENTRE - com[0], -c0, SIDE - 1 - c1)
    dy = _shift(CENTRE - com[1], -r0, SIDE - 1 - r1)
    out = [0.0] * PIXELS
    for r in range(r0, r1 + 1):
        for c in range(c0, c1 + 1):
            out[(r + dy) * SIDE + c + dx] = placed[r * SIDE + c]
    return out


def to_image(pixels: Sequence[float]) -> bytes:
    """784 values in [0, 1] as the uint8 image the engines read (1.0 → 255)."""
    return bytes(round(255 * min(1.0, max(0.0, v))) for v in pixels)
