"""Provides ``HealthWindow``: the observed steps of one window folded into ``LayerHealth`` numbers.

Over the window's observed steps s (core/engines/observation.py defines each step's sums), for a
weight tensor of n values:

    weight RMS    = √( Σ_s Σ w²  / Σ_s n )
    gradient RMS  = √( Σ_s Σ g²  / Σ_s n )
    update ratio  = √( Σ_s Σ Δw² / Σ_s Σ w² )  = RMS(Δw) / RMS(w)   (healthy around 1e-3)

and for a ReLU layer of U units (conv: C channels of U / C units each), over its images:

    dead share        = #{u : a_u ≤ 0 for every image of every observed step} / U
    dead per channel  = the same within each channel's U / C units
    activation mean   = Σ a / count,   std = √( max(Σ a² / count − mean², 0) )

A layer without a ReLU (dense2) gets NaN for the ReLU numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cnn_tui.core.contract.health_events import HealthMeasured, LayerHealth
from cnn_tui.core.engines.observation import StepObservation

NAN = math.nan
OBSERVE_EVERY = 20
"""The health extension observes one step in this many (core/training/layer_health.py)."""
WINDOW_STEPS = 100
"""Steps per window: one ``HealthMeasured`` each (five observed steps)."""


@dataclass(slots=True)
class _Tensor:
    count: int = 0
    weight_sq: float = 0.0
    grad_sq: float = 0.0
    update_sq: float = 0.0


@dataclass(slots=True)
class _Relu:
    channels: int
    units: int
    ever_positive: int = 0  # the units' 0/1 bytes OR-ed together, as one big-endian integer
    total: float = 0.0
    total_sq: float = 0.0
    count: int = 0


@dataclass(slots=True)
class HealthWindow:
    """Sums over the observed steps since the last ``measured`` (which starts a new window)."""

    observed: int = 0
    images: int = 0
    _tensors: dict[str, _Tensor] = field(default_factory=dict)
    _relus: dict[str, _Relu] = field(default_factory=dict)

    def add(self, observation: StepObservation, images: int) -> None:
        """One observed step of ``images`` images."""
        self.observed += 1
        self.images += images
        for t in observation.tensors:
            sums = self._tensors.setdefault(t.name.removesuffix(".weight"), _Tensor())
            sums.count += t.count
            sums.weight_sq += t.weight_sq
            sums.grad_sq += t.grad_sq
            sums.update_sq += t.update_sq
        for r in observation.relus:
            found = self._relus.get(r.layer)
            if found is None or found.units != len(r.positive):
                found = self._relus[r.layer] = _Relu(r.channels, len(r.positive))
            found.ever_positive |= int.from_bytes(r.positive, "big")  # byte-wise OR of 0/1
            found.total += r.total
            found.total_sq += r.total_sq
            found.count += r.count

    def measured(self, first_step: int, step: int) -> HealthMeasured | None:
        """The window as an event (None if nothing was observed), and a fresh window."""
        if not self.observed:
            return None
        layers = tuple(self._layer(name, sums) for name, sums in self._tensors.items())
        event = HealthMeasured(step, first_step, self.observed, self.images, layers)
        self.observed = self.images = 0
        self._tensors, self._relus = {}, {}
        return event

    def _layer(self, name: str, t: _Tensor) -> LayerHealth:
        weight_rms = math.sqrt(t.weight_sq / t.count) if t.count else NAN
        gradient_rms = math.sqrt(t.grad_sq / t.count) if t.count else NAN
        ratio = math.sqrt(t.update_sq / t.weight_sq) if t.weight_sq > 0 else NAN
        relu = self._relus.get(name)
        if relu is None:
            return LayerHealth(name, weight_rms, gradient_rms, ratio, NAN, (), NAN, NAN)
        ever = relu.ever_positive.to_bytes(relu.units, "big")  # 1: positive at least once
        dead_share = ever.count(0) / len(ever) if ever else NAN
        per_channel: tuple[float, ...] = ()
        if name.startswith("conv") and relu.channels:
            size = len(ever) // relu.channels
            per_channel = tuple(
                ever[c * size : (c + 1) * size].count(0) / size for c in range(relu.channels)
            )
        mean = relu.total / relu.count if relu.count else NAN
        variance = relu.total_sq / relu.count - mean * mean if relu.count else NAN
        std = math.sqrt(max(variance, 0.0)) if relu.count else NAN
        return LayerHealth(
            name, weight_rms, gradient_rms, ratio, dead_share, per_channel, mean, std
        )
