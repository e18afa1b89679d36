"""Provides ``hints``: what the layer-health numbers and the losses suggest, each with a one-line
why and, where there is one, the fix (which the UI binds to a key).

Read from the last ``WINDOWS`` health windows (core/health/window.py) and the test evaluations;
never from too little data — fewer windows, too few images in them, or fewer than ``EVALS``
evaluations give no hint of that kind. The rules:

* **learning rate looks too high**: the training loss rose across the last windows (mean of the
  last one ≥ ``RISE`` × the first one's) and some layer's update ratio RMS(Δw)/RMS(w) was above
  ``HIGH`` = 10⁻² in every one of them. Fix: halve the lr.
* **learning rate looks too low**: every layer's update ratio was below ``LOW`` = 10⁻⁴ in every
  one of the last windows (and the loss is not falling fast), yet above 0 (a layer that does not
  move at all gets no gradient: its units are dead, which the dead hint says). Fix: double the lr.
* **N % of a layer is dead**: its dead share (ReLU units never positive) was ≥ ``DEAD`` in every
  one of the last windows, each of at least ``MIN_IMAGES`` images. No fix key: such units get no
  gradient; a lower lr or a fresh start with another seed avoids them.
* **overfitting**: the test loss rose at each of the last ``EVALS`` evaluations while the training
  loss (the windows' means) fell over the same steps. Fix: weight decay.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cnn_tui.core.contract.health_events import HealthMeasured

WINDOWS = 3
"""Health windows a hint reads (the latest ones)."""
MIN_IMAGES = 100
"""Images a window must have seen for its dead shares to count."""
HIGH, LOW = 1e-2, 1e-4
"""Update ratios above / below which the lr looks too high / too low (healthy ≈ 1e-3)."""
RISE = 1.02
"""How much the training loss must have risen over the windows to call it rising."""
DEAD = 0.2
"""Dead share from which a layer gets a hint."""
EVALS = 3
"""Evaluations the overfitting hint needs (the test loss rising at each)."""


@dataclass(frozen=True, slots=True)
class Window:
    """One health window with the mean training loss of its steps (NaN if none was seen)."""

    health: HealthMeasured
    train_loss: float


@dataclass(frozen=True, slots=True)
class Hint:
    kind: str  # "lr-high", "lr-low", "dead", "overfitting"
    title: str  # e.g. "learning rate looks too high"
    why: str  # one line
    fix: str = ""  # "halve-lr", "double-lr", "weight-decay", or "" for none


def hints(windows: Sequence[Window], evaluations: Sequence[tuple[int, float]]) -> list[Hint]:
    """The hints for the latest ``windows`` (oldest first) and ``evaluations`` ((step, test
    loss), oldest first); [] while there is too little of either."""
    found: list[Hint] = []
    recent = list(windows[-WINDOWS:])
    if len(recent) == WINDOWS:
        found += _lr_hints(recent)
        found += _dead_hints(recent)
    found += _overfitting(windows, evaluations)
    return found


def _ratios(window: Window) -> dict[str, float]:
    return {h.layer: h.update_ratio for h in window.health.layers if math.isfinite(h.update_ratio)}


def _lr_hints(recent: list[Window]) -> list[Hint]:
    first, last = recent[0].train_loss, recent[-1].train_loss
    ratios = [_ratios(w) for w in recent]
    if not all(ratios) or not (math.isfinite(first) and math.isfinite(last)):
        return []
    steps = recent[-1].health.step - recent[0].health.first_step + 1
    high = [layer for layer in ratios[-1] if all(r.get(layer, 0.0) > HIGH for r in ratios)]
    if high and last >= RISE * first:
        layer = max(high, key=lambda name: ratios[-1][name])
        why = (
            f"the training loss rose from {first:.3g} to {last:.3g} over the last {steps:,} "
            f"steps and {layer}'s update/weight is 10^{math.log10(ratios[-1][layer]):.1f} "
            "(healthy ≈ 10^-3): steps overshoot"
        )
        return [Hint("lr-high", "learning rate looks too high", why, "halve-lr")]
    # (a layer that does not move at all gets no gradient — dead units, not a small lr)
    moving = all(min(r.values()) > 0 for r in ratios)
    if moving and all(max(r.values()) < LOW for r in ratios) and last > 0.9 * first:
        largest = max(ratios[-1].values())
        why = (
            f"the largest update/weight is 10^{math.log10(largest):.1f} (healthy ≈ 10^-3): "
            f"each step moves the weights by under {largest:.0e} of their size"
        )
        return [Hint("lr-low", "learning rate looks too low", why, "double-lr")]
    return []


def _dead_hints(recent: list[Window]) -> list[Hint]:
    if any(w.health.images < MIN_IMAGES for w in recent):
        return []
    found = []
    for h in recent[-1].health.layers:
        shares = [_dead(w, h.layer) for w in recent]
        if all(math.isfinite(s) and s >= DEAD for s in shares):
            images = recent[-1].health.images
            why = (
                f"{h.dead_share:.0%} of its ReLU units gave 0 on every one of the last "
                f"{images:,} images observed, in each of {len(recent)} windows: they pass no "
                "gradient, so they stop learning"
            )
            found.append(Hint("dead", f"{h.dead_share:.0%} of {h.layer} is dead", why))
    return found


def _dead(window: Window, layer: str) -> float:
    return next((h.dead_share for h in window.health.layers if h.layer == layer), math.nan)


def _overfitting(windows: Sequence[Window], evaluations: Sequence[tuple[int, float]]) -> list[Hint]:
    recent = list(evaluations[-EVALS:])
    if len(recent) < EVALS:
        return []
    tests = [loss for _, loss in recent]
    if not all(b > a for a, b in zip(tests, tests[1:], strict=False)):
        return []
    first_step, last_step = recent[0][0], recent[-1][0]
    before = [w.train_loss for w in windows if w.health.step <= first_step]
    after = [w.train_loss for w in windows if w.health.step <= last_step]
    if not before or not after or not (after[-1] < before[-1]):
        return []
    why = (
        f"the test loss rose from {tests[0]:.3g} to {tests[-1]:.3g} over the last {EVALS} "
        f"evaluations while the training loss fell from {before[-1]:.3g} to {after[-1]:.3g}: "
        "it is learning the training images, not the digits"
    )
    return [Hint("overfitting", "overfitting", why, "weight-decay")]
