"""Provides ``StepObserver``: the NumPy engine's measurements of one observed step (layer health,
core/engines/observation.py has the definitions), a few vectorised reductions per layer.

Where the numbers come from (CHWN layout, batch innermost):

* ReLU outputs: each conv layer's pooled output a (C, P, P, N) and dense1's hidden h (H, N), read
  in the forward pass (pooled-then-ReLU is ReLU-then-pooled, pool.py).
* gradients: before the update the gradient buffers hold scale·g, scale = lr on the plain-SGD fast
  path and 1 otherwise (sgd.py), so Σ g² = Σ buf² / scale².
* updates: after the update the same buffers hold lr·g (fast path: w ← w − buf) or lr·v (the
  general step, which reuses the buffer for lr·v before w ← w − buf): either way Δw = −buf, so
  Σ Δw² = Σ buf².
"""

from __future__ import annotations

import numpy as np

from cnn_tui.core.engines.numpy.buffers import Array
from cnn_tui.core.engines.observation import (
    Histogram,
    Observation,
    ReluStats,
    StepObservation,
    TensorStats,
)


def sum_sq(x: Array) -> float:
    """Σ x² (one BLAS dot product in the engine's float type)."""
    flat = x.reshape(-1)
    return float(np.dot(flat, flat))


def histogram(x: Array, bins: int, scale: float = 1.0) -> Histogram:
    """Histogram of x / scale over ±max|x / scale| (observation.py's rule), binning x itself:
    bin = min(⌊(x + peak) · bins / (2·peak)⌋, bins − 1), counted by ``bincount`` (several
    times faster than ``np.histogram`` on dense1's 173k values)."""
    flat = x.reshape(-1)
    peak = float(np.max(np.abs(flat))) if flat.size else 0.0
    if peak == 0.0 or not np.isfinite(peak):
        counts = [0] * bins
        counts[bins // 2] = int(flat.size)
        return Histogram(0.0, tuple(counts))
    where = (flat + peak) * (bins / (2.0 * peak))
    index = where.astype(np.intp)
    np.minimum(index, bins - 1, out=index)
    found = np.bincount(index, minlength=bins)
    return Histogram(peak / scale, tuple(found.tolist()))


def relu_stats(layer: str, channels: int, a: Array) -> ReluStats:
    """a (units…, N) after ReLU → positivity per unit over the batch, Σ a, Σ a².

    a ≥ 0, so a unit is positive for some image exactly when its row sum s_u = Σ_n a_u,n is > 0:
    s = a · 1 is one matrix-vector product (a max along the short batch axis is ~15× slower)."""
    per_unit = a.reshape(-1, a.shape[-1])  # (units, N), channel-major CHW
    row_sums = per_unit @ np.ones(per_unit.shape[1], per_unit.dtype)  # s (units,)
    positive = (row_sums > 0.0).view(np.uint8).tobytes()
    total = float(np.add.reduce(row_sums, dtype=np.float64))
    return ReluStats(layer, channels, positive, total, sum_sq(per_unit), int(per_unit.size))


class StepObserver:
    """Collects one step's measurements: ``relu`` during the forward pass, ``before_update``
    and ``after_update`` around the SGD step, then ``result``."""

    def __init__(self, observe: Observation, weights: dict[str, Array], grads: dict[str, Array]):
        self.bins = observe.bins
        self._weights = {n: w for n, w in weights.items() if n.endswith(".weight")}
        self._grads = grads
        self._relus: list[ReluStats] = []
        self._grad_sq: dict[str, float] = {}
        self._buf_sq: dict[str, float] = {}  # Σ buf² before the update
        self._fast = False
        self._grad_hist: dict[str, Histogram] = {}
        self._tensors: list[TensorStats] = []

    def relu(self, layer: str, channels: int, a: Array) -> None:
        self._relus.append(relu_stats(layer, channels, a))

    def before_update(self, scale: float, fast: bool) -> None:
        """The gradient buffers hold scale·g: Σ g² (and the histogram of g if asked). ``fast``:
        the plain step, which leaves the buffers as they are (so Σ Δw² = Σ buf² now)."""
        self._fast = fast
        for name in self._weights:
            buf = self._grads[name]
            self._buf_sq[name] = sum_sq(buf)
            self._grad_sq[name] = self._buf_sq[name] / (scale * scale)
            if self.bins:
                self._grad_hist[name] = histogram(buf, self.bins, scale)

    def after_update(self) -> None:
        """The buffers hold −Δw, the weights are updated."""
        for name, w in self._weights.items():
            self._tensors.append(
                TensorStats(
                    name=name,
                    count=int(w.size),
                    weight_sq=sum_sq(w),
                    grad_sq=self._grad_sq[name],
                    update_sq=self._buf_sq[name] if self._fast else sum_sq(self._grads[name]),
                    weights=histogram(w, self.bins) if self.bins else None,
                    grads=self._grad_hist.get(name),
                )
            )

    def result(self) -> StepObservation:
        return StepObservation(tuple(self._relus), tuple(self._tensors))
