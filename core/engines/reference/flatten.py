"""Provides the flatten layer: maps (C, H, W) → one vector in CHW order, and back for gradients.

Numbered in docs/network.md: (10).

The report: the last pooling layer's output becomes flatten(F) ∈ R^{h·w·c}. Here the order is
channel, then row, then column (CHW, as PyTorch and the other engines): f[c·H·W + i·W + j] =
maps[c][i][j]. Nothing is computed, so the gradient is the same numbers put back in place.
"""

from __future__ import annotations

from cnn_tui.core.engines.reference.tensors import Maps, Vector, flat_maps, to_maps


def forward(maps: Maps) -> Vector:
    """maps (C, H, W) → f (C·H·W,)."""
    return flat_maps(maps)  # f[c·H·W + i·W + j] = maps[c][i][j]


def backward(grad_f: Vector, channels: int, side: int) -> Maps:
    """∂L/∂f (C·S·S,) → ∂L/∂maps (C, S, S)."""
    return to_maps(grad_f, channels, side, side)
