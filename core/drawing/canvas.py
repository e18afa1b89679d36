"""Provides ``Canvas``: a 28×28 grid of ink values in [0, 1] painted with a round, anti-aliased
brush, as a mouse or a keyboard cursor draws on it.

Coordinates are continuous pixel units: pixel (row r, column c) covers [c, c + 1) × [r, r + 1),
so its centre is (c + 0.5, r + 0.5). A brush of size s is a disc of radius s / 2 whose edge
fades over one pixel: a pixel whose centre lies at distance d from the brush's centre gets
coverage clamp(s / 2 + 0.5 − d, 0, 1) — full inside the disc, a grey ring at its edge (the
anti-aliased stroke MNIST's digits have). Painting keeps the darker of old and new
(max(old, coverage)); erasing lowers ink to at most 1 − coverage. A drag is a line of stamps
every half pixel, so a fast mouse still draws a continuous stroke.

Pure Python, no UI.
"""

from __future__ import annotations

import math

from cnn_tui.core.contract.config import check_int, parse_int

SIDE = 28
PIXELS = SIDE * SIDE
BRUSH_RANGE = (1, 6)
"""Brush sizes (diameters in pixels) a canvas accepts."""
DEFAULT_BRUSH = 2
STAMP_SPACING = 0.5  # pixels between two stamps of a stroke


def parse_brush(text: str) -> int:
    """A typed brush size, checked: a whole number in ``BRUSH_RANGE`` (else ``ConfigError`` with
    the reason, e.g. "brush size 9 is outside 1–6")."""
    return parse_int("brush size", text, *BRUSH_RANGE)


def check_brush(size: int) -> int:
    """``size`` if it is a brush size in ``BRUSH_RANGE``, else ``ConfigError`` with the reason."""
    return check_int("brush size", size, *BRUSH_RANGE)


class Canvas:
    """The drawing: ``pixels[r * 28 + c]`` is the ink at row r, column c, in [0, 1]."""

    def __init__(self) -> None:
        self.pixels: list[float] = [0.0] * PIXELS

    # ---- whole-canvas changes ------------------------------------------------------------

    def clear(self) -> None:
        self.pixels = [0.0] * PIXELS

    def load(self, image: bytes) -> None:
        """Replace the drawing with a 28×28 uint8 image (a test digit, to edit it)."""
        if len(image) != PIXELS:
            raise ValueError(f"an image has {PIXELS} pixels, not {len(image)}")
        self.pixels = [b / 255 for b in image]

    @property
    def empty(self) -> bool:
        """No ink at all (nothing to predict)."""
        return not any(v > 0.0 for v in self.pixels)

    def to_bytes(self) -> bytes:
        """The drawing as 28×28 uint8 (ink 1.0 → 255)."""
        return bytes(round(255 * min(1.0, max(0.0, v))) for v in self.pixels)

    # ---- painting ------------------------------------------------------------------------

    def stamp(self, x: float, y: float, brush: int, *, erase: bool = False) -> bool:
        """One dab of the brush centred at (x, y); True if any pixel changed."""
        radius = check_brush(brush) / 2
        reach = radius + 0.5  # beyond this distance the coverage is 0
        changed = False
        px = self.pixels
        for r in range(max(0, math.floor(y - reach)), min(SIDE, math.ceil(y + reach) + 1)):
            dy = r + 0.5 - y
            for c in range(max(0, math.floor(x - reach)), min(SIDE, math.ceil(x + reach) + 1)):
                dx = c + 0.5 - x
                coverage = reach - math.sqrt(dx * dx + dy * dy)  # 1 px linear edge
                if coverage <= 0.0:
                    continue
                coverage = min(1.0, coverage)
                i = r * SIDE + c
                new = min(px[i], 1.0 - coverage) if erase else max(px[i], coverage)
                if new != px[i]:
                    px[i] = new
                    changed = True
        return changed

    def stroke(
        self, x0: float, y0: float, x1: float, y1: float, brush: int, *, erase: bool = False
    ) -> bool:
        """The brush dragged from (x0, y0) to (x1, y1): stamps every half pixel, both ends
        included. True if any pixel changed."""
        steps = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / STAMP_SPACING))
        changed = False
        for k in range(steps + 1):
            t = k / steps
            changed |= self.stamp(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, brush, erase=erase)
        return changed
