"""Provides the layer-health events (core → UI, and the metrics file): the "health" trainer
extension's report on every parameterised layer (core/training/layer_health.py).

Plain frozen data like every event (events.py): ints, floats, str and tuples. A number that does
not apply is NaN (dense2 has no ReLU: no dead share, no activation statistics), which the codec
tags and the metrics file writes as null.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LayerHealth:
    """One layer over one window of steps (core/health/window.py has the formulas)."""

    layer: str  # "conv1", "conv2", "dense1", "dense2"
    weight_rms: float  # √(Σ w² / n) of the layer's weights (biases left out)
    gradient_rms: float  # √(Σ g² / n), g = ∂L/∂w of a batch
    update_ratio: float  # RMS(Δw) / RMS(w): the step's size relative to the weights
    dead_share: float  # of its ReLU units, the share never positive over the window (NaN: none)
    dead_channels: tuple[float, ...]  # conv layers: the same per channel; () otherwise
    activation_mean: float  # of its ReLU outputs over the window's images (NaN: no ReLU)
    activation_std: float


@dataclass(frozen=True, slots=True)
class HealthMeasured:
    """Every parameterised layer's health over steps ``first_step`` … ``step``, from the
    ``observed`` steps among them (``images`` images in all)."""

    step: int
    first_step: int
    observed: int
    images: int
    layers: tuple[LayerHealth, ...]  # conv1[, conv2], dense1, dense2


@dataclass(frozen=True, slots=True)
class LayerHistogram:
    """The distribution of one layer's weights or gradients, with the first one behind it."""

    layer: str
    kind: str  # "weights" or "gradients"
    limit: float  # the bins split [−limit, limit] evenly (limit = max |value| now)
    counts: tuple[int, ...]
    initial: tuple[int, ...]  # the first observed distribution on the same bins (see histograms.py)


@dataclass(frozen=True, slots=True)
class HistogramsMeasured:
    """Weight and gradient histograms of every parameterised layer at ``step``."""

    step: int
    initial_step: int  # the step the ``initial`` distributions were taken at
    histograms: tuple[LayerHistogram, ...]
