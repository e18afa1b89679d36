"""Provides ``pca_2d``: n points of d features projected on their top two principal axes.

Why PCA: deterministic, cheap (one SVD of an n × d matrix, d = the hidden units), and an axis
means the same thing from one evaluation to the next, so the map can be watched as the network
learns (t-SNE or UMAP would reshuffle it each time and add a dependency).

The math (X is n × d, one row per image):

    μ = mean of the rows,  Xc = X − μ                       (centre)
    Xc = U · S · Vᵀ  (thin SVD)                              the rows of Vᵀ are the principal axes,
                                                             by decreasing variance S² / n
    coords = Xc · [v₁ v₂]                                    (n × 2)

An axis is only defined up to its sign, so each is fixed: flipped to agree with ``previous`` (the
last map's axes, dot product ≥ 0) when given, else so that its largest-magnitude component is
positive. Fewer than two informative directions (one point, all points equal, or d = 1) leave the
missing coordinate at 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Projection", "pca_2d"]


@dataclass(frozen=True)
class Projection:
    """The map of one set of points: coordinates and the axes that made them."""

    coords: np.ndarray  # (n, 2) float64: each point on axis 1 and axis 2
    axes: np.ndarray  # (2, d) float64: the unit principal axes (a zero row when missing)
    variance: tuple[float, float]  # the variance along each axis (S² / n)
    total_variance: float  # Σ S² / n: the variance of all d features together


def _fix_sign(axis: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """``axis`` or ``-axis``: agreeing with ``previous`` if given (and not orthogonal to it),
    else with its largest-magnitude component positive."""
    if previous is not None and previous.shape == axis.shape:
        dot = float(axis @ previous)
        if dot != 0.0:
            return axis if dot > 0 else -axis
    if not axis.any():
        return axis
    return axis if axis[int(np.argmax(np.abs(axis)))] > 0 else -axis


def pca_2d(features: np.ndarray, previous: np.ndarray | None = None) -> Projection:
    """Project ``features`` (n, d) on its two principal axes; ``previous`` (2, d) orients them.

    ValueError for an empty or non-2-D input."""
    x = np.asarray(features, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"pca_2d needs an (n, d) array with n ≥ 1, got shape {x.shape}")
    n, d = x.shape
    centred = x - x.mean(axis=0)  # Xc = X − μ
    _, s, vt = np.linalg.svd(centred, full_matrices=False)  # Xc = U S Vᵀ, s decreasing
    axes = np.zeros((2, d))
    variance = [0.0, 0.0]
    scale = float(s[0]) if s.size else 0.0
    for k in range(min(2, s.size)):
        if s[k] <= 1e-12 * max(scale, 1.0):  # no spread along this direction: leave it out
            continue
        before = previous[k] if previous is not None else None
        axes[k] = _fix_sign(vt[k], before)
        variance[k] = float(s[k] ** 2 / n)  # the variance along axis k
    coords = centred @ axes.T  # (n, 2)
    total = float((s**2).sum() / n)
    return Projection(coords, axes, (variance[0], variance[1]), total)
