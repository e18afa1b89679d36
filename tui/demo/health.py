"""Provides made-up layer-health events for the synthetic trainer's runs (the UI tests' scripted
runs and their SVG snapshots): smooth, deterministic numbers of the right sizes — weights that
grow slowly, gradients that shrink, update ratios around 10⁻³, a few dead units that become more
in dense1 as the run goes on, and histograms that widen from their first distribution.
"""

from __future__ import annotations

import math

from cnn_tui.core.contract import events as ev

BINS = 41


def health_report(step: int, filters: tuple[int, ...], progress: float) -> ev.HealthMeasured:
    """The report for the window ending at ``step``; ``progress`` in [0, 1] through the run."""
    names = [f"conv{k}" for k in range(1, len(filters) + 1)] + ["dense1", "dense2"]
    layers = []
    for i, name in enumerate(names):
        wobble = 1 + 0.08 * math.sin(step / 170 + i)
        weight = (0.35 - 0.08 * i) * (1 + 0.4 * progress)
        gradient = 0.05 / (1 + 4 * progress) / (i + 1) * wobble
        ratio = 10 ** (-2.6 - 0.25 * i - 0.5 * progress) * wobble
        if name.startswith("conv"):
            channels = filters[int(name[4:]) - 1]
            per_channel = tuple(
                0.02 * ((c * 7 + step // 50) % 5 == 0) + (0.6 if c == 3 else 0)
                for c in range(channels)
            )
            dead = sum(per_channel) / channels
            mean, std = 0.14 + 0.05 * progress, 0.4
        elif name == "dense1":
            per_channel, dead = (), 0.05 + 0.3 * progress
            mean, std = 0.24, 0.5 + 0.2 * progress
        else:
            per_channel, dead, mean, std = (), math.nan, math.nan, math.nan
        layers.append(ev.LayerHealth(name, weight, gradient, ratio, dead, per_channel, mean, std))
    return ev.HealthMeasured(step, step - 99, 5, 160, tuple(layers))


def _bell(centre: float, width: float, total: int, limit: float) -> tuple[int, ...]:
    """``total`` values in a bell around ``centre`` on BINS bins over ±limit."""
    xs = [-limit + (k + 0.5) * 2 * limit / BINS for k in range(BINS)]
    weights = [math.exp(-(((x - centre) / width) ** 2) / 2) for x in xs]
    scale = total / sum(weights)
    return tuple(round(w * scale) for w in weights)


def histograms(step: int, filters: tuple[int, ...], progress: float) -> ev.HistogramsMeasured:
    """Weight and gradient histograms at ``step``, wider than their first ones as it trains."""
    names = [f"conv{k}" for k in range(1, len(filters) + 1)] + ["dense1", "dense2"]
    out = []
    for i, name in enumerate(names):
        size = 1000 * (4 - i)
        w0 = 0.35 - 0.08 * i
        w_limit = 4 * w0 * (1 + 0.4 * progress)
        out.append(
            ev.LayerHistogram(
                name,
                "weights",
                w_limit,
                _bell(0.0, w0 * (1 + 0.4 * progress), size, w_limit),
                _bell(0.0, w0, size, w_limit),
            )
        )
        g_limit = 0.2 / (i + 1)
        out.append(
            ev.LayerHistogram(
                name,
                "gradients",
                g_limit,
                _bell(0.0, g_limit / (4 + 8 * progress), size, g_limit),
                _bell(0.0, g_limit / 4, size, g_limit),
            )
        )
    return ev.HistogramsMeasured(step, 1, tuple(out))
