"""Provides the 3×3 convolution layer (stride 1, no padding, plus a bias per output channel).

Numbered in docs/network.md: (4) forward, (5) backward.

The report's "Convolution Layer: applies a 3×3 kernel K to each region of the input X", with one
kernel per (output channel, input channel) pair, summed over the input channels.

Shapes: x (C_in, S, S), w (C_out, C_in, 3, 3), b (C_out,), z (C_out, S − 2, S − 2).
"""

from __future__ import annotations

from itertools import product

from cnn_tui.core.engines.reference.tensors import Kernels, Maps, Vector, zeros_maps


def forward(x: Maps, w: Kernels, b: Vector) -> Maps:
    """x (C_in, S, S) → z (C_out, S − 2, S − 2)."""
    side = len(x[0]) - 2  # "valid": the kernel stays inside the image
    taps = list(product(range(len(x)), range(3), range(3)))  # (c, di, dj) of one kernel
    z = zeros_maps(len(w), side, side)
    for o, i, j in product(range(len(w)), range(side), range(side)):
        # z[o][i][j] = b[o] + Σ_c Σ_di Σ_dj w[o][c][di][dj] · x[c][i + di][j + dj]
        z[o][i][j] = b[o] + sum(w[o][c][di][dj] * x[c][i + di][j + dj] for c, di, dj in taps)
    return z


def backward(x: Maps, w: Kernels, grad_z: Maps) -> tuple[Maps, Kernels, Vector]:
    """x (C_in, S, S), ∂L/∂z (C_out, S − 2, S − 2) → (∂L/∂x (C_in, S, S),
    ∂L/∂w (C_out, C_in, 3, 3), ∂L/∂b (C_out,)): every product of the forward pass, each
    term z[o][i][j] ← w[o][c][di][dj] · x[c][i + di][j + dj], sends ∂L/∂z[o][i][j] back to
    both of its factors."""
    in_channels, in_side, side = len(x), len(x[0]), len(grad_z[0])
    taps = list(product(range(in_channels), range(3), range(3)))
    grad_x = zeros_maps(in_channels, in_side, in_side)
    grad_w = [zeros_maps(in_channels, 3, 3) for _ in w]
    grad_b = [0.0] * len(w)
    for o, i, j in product(range(len(w)), range(side), range(side)):
        g = grad_z[o][i][j]
        grad_b[o] += g  # ∂L/∂b[o] = Σ_i Σ_j ∂L/∂z[o][i][j]
        for c, di, dj in taps:
            # ∂L/∂w[o][c][di][dj] = Σ_i Σ_j ∂L/∂z[o][i][j] · x[c][i + di][j + dj]
            grad_w[o][c][di][dj] += g * x[c][i + di][j + dj]
            # ∂L/∂x[c][r][s] = Σ over (o, i, j, di, dj) with i + di = r, j + dj = s of
            #                  ∂L/∂z[o][i][j] · w[o][c][di][dj]
            grad_x[c][i + di][j + dj] += g * w[o][c][di][dj]
    return grad_x, grad_w, grad_b
