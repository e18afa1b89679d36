"""Provides axis arithmetic for the charts: round tick values (linear and log), their labels, and
the mapping of a value to a fraction of the axis. Pure functions; no Textual, no Rich.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NICE_MULTIPLES = (1.0, 2.0, 2.5, 5.0, 10.0)
"""Tick steps are one of these × 10ᵏ."""


def nice_ticks(lo: float, hi: float, rows: int) -> list[float]:
    """Evenly spaced round ticks (step 1, 2, 2.5 or 5 × 10ᵏ) inside [lo, hi] with at least two
    of ``rows`` rows between neighbours: the smallest such step that leaves no more ticks."""
    return _round_ticks(lo, hi, max(2, (rows - 1) // 2 + 1))


def _round_ticks(lo: float, hi: float, most: int, min_step: float = 0.0) -> list[float]:
    """The multiples of the smallest round step (≥ ``min_step``) of which at most ``most``
    lie in [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return []
    step = max(min_step, _nice_step((hi - lo) / (2 * most)))
    while True:
        first = math.ceil(lo / step - 1e-9)
        ticks = [k * step for k in range(first, math.floor(hi / step + 1e-9) + 1)]
        if len(ticks) <= most:
            return ticks
        step = _nice_step(step * 1.001)  # the next round step up


def _nice_step(raw: float) -> float:
    """The smallest m × 10ᵏ (m in NICE_MULTIPLES) that is ≥ raw."""
    base = 10.0 ** math.floor(math.log10(raw))
    return next(m * base for m in NICE_MULTIPLES if m * base >= raw * (1 - 1e-9))


def decimals_for(step: float) -> int:
    """Decimals a tick step needs: 0.5 → 1, 0.25 → 2, 2.5 → 1, 25 → 0."""
    power = math.floor(math.log10(step) + 1e-9)
    quarter = power <= 0 and round(step / 10**power, 3) == 2.5
    return max(0, -power) + (1 if quarter else 0)


@dataclass(frozen=True, slots=True)
class Axis:
    """A value axis from ``lo`` to ``hi`` (log10 of them when ``log``) with labelled ticks."""

    lo: float
    hi: float
    log: bool
    ticks: tuple[float, ...]
    labels: tuple[str, ...]

    def fraction(self, value: float) -> float | None:
        """Where ``value`` sits: 0 at ``lo``, 1 at ``hi`` (None if it cannot be drawn)."""
        if self.log:
            if not value > 0:
                return None
            value = math.log10(value)
        if not math.isfinite(value):
            return None
        return (value - self.lo) / (self.hi - self.lo)


def linear_axis(lo: float, hi: float, rows: int, *, margin: float = 0.04) -> Axis:
    """A linear axis over [lo, hi] widened by ``margin`` of the span each side (not below 0 if
    lo is not), with round ticks inside (see ``nice_ticks``)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi - lo < 1e-12 * max(1.0, abs(hi)):  # a flat series: a unit-wide window around it
        lo, hi = lo - 0.5, hi + 0.5
    pad = (hi - lo) * margin
    lo, hi = (max(0.0, lo - pad) if lo >= 0 else lo - pad), hi + pad
    ticks = nice_ticks(lo, hi, rows)
    digits = decimals_for(ticks[1] - ticks[0]) if len(ticks) > 1 else 1
    return Axis(lo, hi, False, tuple(ticks), tuple(f"{t:.{digits}f}" for t in ticks))


def log_axis(lo: float, hi: float, rows: int) -> Axis:
    """A log10 axis over [lo, hi] (both > 0): ticks at 1, 2 and 5 × 10ᵏ, thinned to leave two
    rows between neighbours (the 2s go first, then the 5s, then every other decade)."""
    if not (lo > 0 and hi > 0 and math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.01, 10.0
    a, b = math.log10(lo), math.log10(hi)
    if b - a < 0.3:  # less than a factor of two: widen it so the ticks mean something
        middle = (a + b) / 2
        a, b = middle - 0.3, middle + 0.3
    most = max(2, (rows - 1) // 2 + 1)
    decades = range(math.floor(a), math.ceil(b) + 1)
    ticks: list[float] = []
    for multiples in ((1, 2, 5), (1, 5), (1,)):
        ticks = [m * 10.0**d for d in decades for m in multiples]
        ticks = [t for t in ticks if a - 1e-9 <= math.log10(t) <= b + 1e-9]
        if len(ticks) <= most:
            break
    while len(ticks) > most:
        ticks = ticks[::2]
    return Axis(a, b, True, tuple(ticks), tuple(f"{t:g}" for t in ticks))


def step_ticks(lo: float, hi: float, columns: int, spacing: int = 10) -> list[int]:
    """Whole-number ticks (training steps) inside [lo, hi], at most one per ``spacing``
    columns."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi - lo < 1:
        return [round(lo)]
    return [round(t) for t in _round_ticks(lo, hi, max(2, columns // spacing + 1), 1.0)]


def step_label(step: int) -> str:
    """A step tick's label, short enough to sit under its tick: 2,500 · 40k · 1.5M."""
    if abs(step) < 10_000:
        return f"{step:,}"
    if abs(step) < 1_000_000:
        return f"{step / 1000:g}k"
    return f"{step / 1_000_000:g}M"
