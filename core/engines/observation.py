"""Provides what a training step can be asked to measure besides itself (layer health), and the
standard-library helpers the pure-Python engines measure with.

``Engine.train_batch(..., observe=Observation(...))`` returns, in ``BatchResult.observed``, a
``StepObservation``: for every ReLU layer what its units did on this batch, and for every weight
tensor the sums of squares of its weights, its gradient and the step's update (and, when asked,
histograms of the weights and the gradient). Without ``observe`` nothing of this is computed.

Definitions, the same in every engine (shapes for the default network):

* a ReLU layer's *units*: a conv layer's pooled outputs (C, P, P) — ReLU then max-pool, so a unit
  is positive when one of its window's four conv outputs is — flat in CHW order; dense1's hidden
  units (H,). dense2 has no ReLU.
* ``positive[u]`` = 1 if unit u's output a_u > 0 for at least one image of the batch, else 0;
  ``total`` = Σ_n Σ_u a_u,n and ``total_sq`` = Σ_n Σ_u a_u,n² over the batch's N images
  (``count`` = N · units), from which the window's mean and std follow.
* a weight tensor (conv<k>.weight (C_out, C_in, 3, 3), dense<k>.weight (out, in); biases are left
  out): ``weight_sq`` = Σ w² after the step; ``grad_sq`` = Σ g² with g = ∂L/∂w of this batch's
  mean loss (before weight decay and momentum); ``update_sq`` = Σ Δw², Δw = −lr·v the step's
  change (interface.py's SGD rule).
* a histogram: ``bins`` equal bins over [−limit, limit], limit = max |x| (all values in the middle
  bin when every value is 0); value x goes to bin ⌊(x + limit) / (2·limit) · bins⌋, the last bin
  closed on the right.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Observation:
    """What to measure on one step: ``bins`` > 0 adds histograms of that many bins."""

    bins: int = 0


@dataclass(frozen=True, slots=True)
class Histogram:
    """Counts over ``len(counts)`` equal bins of [−limit, limit]."""

    limit: float
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ReluStats:
    """One ReLU layer over one batch (see the module docstring)."""

    layer: str  # "conv1", "conv2", "dense1"
    channels: int  # conv: C (units are channel-major, P·P per channel); dense1: 1
    positive: bytes  # one 0/1 byte per unit
    total: float  # Σ a
    total_sq: float  # Σ a²
    count: int  # images × units


@dataclass(frozen=True, slots=True)
class TensorStats:
    """One weight tensor at one step (see the module docstring)."""

    name: str  # canonical, e.g. "dense1.weight"
    count: int  # values in the tensor
    weight_sq: float
    grad_sq: float
    update_sq: float
    weights: Histogram | None = None  # when ``Observation.bins`` > 0
    grads: Histogram | None = None


@dataclass(frozen=True, slots=True)
class StepObservation:
    """Everything one observed step measured."""

    relus: tuple[ReluStats, ...]  # conv1[, conv2], dense1
    tensors: tuple[TensorStats, ...]  # every weight tensor, canonical order


def histogram(values: Sequence[float], bins: int) -> Histogram:
    """``values`` in ``bins`` equal bins over ±max|value| (the module docstring's rule)."""
    limit = max(map(abs, values), default=0.0)
    counts = [0] * bins
    if limit == 0.0 or not math.isfinite(limit):
        counts[bins // 2] = len(values)  # all zero (or not finite: nothing to bin honestly)
        return Histogram(limit if math.isfinite(limit) else 0.0, tuple(counts))
    scale = bins / (2.0 * limit)
    last = bins - 1
    for x in values:
        counts[min(int((x + limit) * scale), last)] += 1
    return Histogram(limit, tuple(counts))


def sum_sq(values: Iterable[float]) -> float:
    """Σ x² (math.fsum: exactly rounded)."""
    return math.fsum(x * x for x in values)


def relu_stats(layer: str, channels: int, per_image: Sequence[Sequence[float]]) -> ReluStats:
    """One layer's stats from its outputs a (units,) for each image of the batch (N lists)."""
    units = len(per_image[0])
    positive = bytearray(units)
    total = total_sq = 0.0
    for a in per_image:
        for u, value in enumerate(a):
            if value > 0.0:
                positive[u] = 1
        total += math.fsum(a)
        total_sq += sum_sq(a)
    return ReluStats(layer, channels, bytes(positive), total, total_sq, units * len(per_image))


def tensor_stats(
    name: str,
    weights: Sequence[float],
    grads: Sequence[float],
    velocity: Sequence[float],
    lr: float,
    bins: int,
) -> TensorStats:
    """One weight tensor's stats after a step: w (after), g = ∂L/∂w, v (after): Δw = −lr·v."""
    return TensorStats(
        name=name,
        count=len(weights),
        weight_sq=sum_sq(weights),
        grad_sq=sum_sq(grads),
        update_sq=lr * lr * sum_sq(velocity),  # Σ (−lr·v)² = lr²·Σ v²
        weights=histogram(weights, bins) if bins else None,
        grads=histogram(grads, bins) if bins else None,
    )
