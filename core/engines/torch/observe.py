"""Provides ``StepObserver``: the torch engine's measurements of one observed step (layer health;
core/engines/observation.py has the definitions), a few tensor reductions per layer.

Where the numbers come from (NCHW, batch first):

* ReLU outputs: each conv layer's pooled output a (N, C, P, P) and dense1's hidden h (N, H),
  collected by ``network.forward`` when given a list (pooled-then-ReLU is ReLU-then-pooled).
* gradients: ``w.grad`` after backward and before ``sgd_step``, which adds weight decay to it in
  place — so Σ g² and g's histogram are read in ``before_update``.
* updates: Δw = −lr·v with v the velocity after the step, so Σ Δw² = lr²·Σ v².

Sums are taken in float64 (exact enough for float32 runs too); histograms bin the values in the
engine's float type with the NumPy engine's formula, so float64 runs give the same counts.
"""

from __future__ import annotations

import torch

from cnn_tui.core.engines.observation import (
    Histogram,
    Observation,
    ReluStats,
    StepObservation,
    TensorStats,
)

Params = dict[str, torch.Tensor]


def sum_sq(x: torch.Tensor) -> float:
    """Σ x² in float64."""
    flat = x.detach().reshape(-1).to(torch.float64)
    return float(torch.dot(flat, flat))


def histogram(x: torch.Tensor, bins: int) -> Histogram:
    """Histogram of x over ±max|x| (observation.py's rule): bin = min(⌊(x + peak) · bins /
    (2·peak)⌋, bins − 1), counted by ``bincount``; all values in the middle bin when every
    value is 0 (or the peak is not finite)."""
    flat = x.detach().reshape(-1)
    peak = float(flat.abs().max()) if flat.numel() else 0.0
    if peak == 0.0 or peak != peak or peak == float("inf"):
        counts = [0] * bins
        counts[bins // 2] = int(flat.numel())
        return Histogram(0.0, tuple(counts))
    index = ((flat + peak) * (bins / (2.0 * peak))).to(torch.int64).clamp_(max=bins - 1)
    found = torch.bincount(index, minlength=bins)
    return Histogram(peak, tuple(int(c) for c in found.tolist()))


def relu_stats(layer: str, channels: int, a: torch.Tensor) -> ReluStats:
    """a (N, units…) after ReLU → positivity per unit (CHW order) over the batch, Σ a, Σ a²."""
    per_image = a.detach().reshape(a.shape[0], -1)  # (N, units)
    positive = (per_image > 0).any(dim=0).to(torch.uint8).cpu().numpy().tobytes()
    total = float(per_image.to(torch.float64).sum())
    return ReluStats(layer, channels, positive, total, sum_sq(per_image), int(per_image.numel()))


class StepObserver:
    """Collects one step's measurements: ``taps`` (filled by the forward pass), then
    ``before_update`` and ``after_update`` around the SGD step, then ``result``."""

    def __init__(self, observe: Observation, params: Params, velocity: Params) -> None:
        self.bins = observe.bins
        self.taps: list[torch.Tensor] = []
        """The forward pass appends each conv layer's pooled maps, then dense1's hidden units."""
        self._weights = {n: w for n, w in params.items() if n.endswith(".weight")}
        self._velocity = velocity
        self._grad_sq: dict[str, float] = {}
        self._grad_hist: dict[str, Histogram] = {}
        self._tensors: list[TensorStats] = []

    def before_update(self) -> None:
        """The gradients g = ∂L/∂w of this batch's mean loss, before weight decay is added."""
        for name, w in self._weights.items():
            assert w.grad is not None, f"{name} has no gradient: observe after backward"
            self._grad_sq[name] = sum_sq(w.grad)
            if self.bins:
                self._grad_hist[name] = histogram(w.grad, self.bins)

    def after_update(self, lr: float) -> None:
        """The weights and velocities after the step: Σ w², Σ Δw² = lr²·Σ v²."""
        for name, w in self._weights.items():
            self._tensors.append(
                TensorStats(
                    name=name,
                    count=int(w.numel()),
                    weight_sq=sum_sq(w),
                    grad_sq=self._grad_sq[name],
                    update_sq=lr * lr * sum_sq(self._velocity[name]),
                    weights=histogram(w, self.bins) if self.bins else None,
                    grads=self._grad_hist.get(name),
                )
            )

    def result(self) -> StepObservation:
        *convs, hidden = self.taps
        relus = [relu_stats(f"conv{k}", a.shape[1], a) for k, a in enumerate(convs, start=1)]
        relus.append(relu_stats("dense1", 1, hidden))
        return StepObservation(tuple(relus), tuple(self._tensors))
