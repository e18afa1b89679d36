"""Provides ``run_series``: a recorded run's loss or accuracy (``core/runs/history.py``) as one
``Series`` of a chart — its training values decimated to the chart's width and smoothed as the
dashboard smooths them, and its test results — for ``cnn-tui compare`` and the dashboard's
overlay of other runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnn_tui.core.runs.history import RunHistory, decimate
from cnn_tui.tui.dashboard.series import ema
from cnn_tui.tui.render.chart import Point, Series, thin

LOSS_SMOOTHING = 0.95
ACCURACY_SMOOTHING = 0.98  # the dashboard's accuracy chart's


@dataclass(frozen=True, slots=True)
class RunLine:
    """A recorded run as one chart draws it behind the live run (the dashboard's overlay)."""

    tag: str  # "A", written on its line
    glyph: str  # "■", its test results and its mark in the legend
    role: str  # its colour role, e.g. "overlay0"
    label: str  # its name in the legend
    history: RunHistory


def run_series(
    history: RunHistory,
    metric: str,
    width: int,
    *,
    role: str,
    tag: str,
    glyph: str,
    smoothing: float | None = None,
) -> Series:
    """``metric`` ("loss" or "accuracy", the latter in %) of ``history`` as a chart series of
    about two points per column (the braille line has two dot columns per cell)."""
    accuracy = metric == "accuracy"
    values = history.accuracies if accuracy else history.losses
    strength = (
        smoothing if smoothing is not None else (ACCURACY_SMOOTHING if accuracy else LOSS_SMOOTHING)
    )
    xs, ys, ns = decimate(history.steps, values, 2 * max(1, width))
    scale = 100.0 if accuracy else 1.0
    line = tuple(zip(xs, (scale * v for v in ema(ys, ns, strength)), strict=True))
    tests: list[Point] = [
        (float(e.step), scale * (e.accuracy if accuracy else e.loss))
        for e in history.evaluations
        if math.isfinite(e.accuracy if accuracy else e.loss)
    ]
    return Series(line, role, tag, glyph, thin(tests, width))


def step_range(histories: list[RunHistory]) -> tuple[float, float] | None:
    """The steps all these runs span (None: no batches in any)."""
    spans = [(h.steps[0], h.last_step) for h in histories if h.steps]
    if not spans:
        return None
    return float(min(a for a, _ in spans)), float(max(b for _, b in spans))
