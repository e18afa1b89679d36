"""Provides the ReLU activation, on a vector (after a dense layer) or on maps (after a conv layer).

Numbered in docs/network.md: (6) forward, (7) backward.

The report: ReLU(x) = max(0, x), element by element. Its derivative is 1 where x > 0 and 0
elsewhere (at exactly 0 too: both other engines take ReLU'(0) = 0).
"""

from __future__ import annotations

from cnn_tui.core.engines.reference.tensors import Maps, Vector


def forward(z: Vector) -> Vector:
    """z (n,) → a (n,): a[k] = max(0, z[k])."""
    return [v if v > 0.0 else 0.0 for v in z]


def backward(z: Vector, grad_a: Vector) -> Vector:
    """z (n,), ∂L/∂a (n,) → ∂L/∂z (n,): ∂L/∂z[k] = ∂L/∂a[k] · (1 if z[k] > 0 else 0)."""
    return [g if v > 0.0 else 0.0 for v, g in zip(z, grad_a, strict=True)]


def forward_maps(z: Maps) -> Maps:
    """z (C, H, W) → a (C, H, W), row by row."""
    return [[forward(row) for row in channel] for channel in z]


def backward_maps(z: Maps, grad_a: Maps) -> Maps:
    """z (C, H, W), ∂L/∂a (C, H, W) → ∂L/∂z (C, H, W), row by row."""
    return [
        [backward(row, grad_row) for row, grad_row in zip(channel, grad_channel, strict=True)]
        for channel, grad_channel in zip(z, grad_a, strict=True)
    ]
