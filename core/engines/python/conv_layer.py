"""Provides the second conv layer: a plain multi-channel conv 3×3 + ReLU + max-pool 2×2.

Shapes (CHW, flat row-major lists): input C_in×S×S → conv (valid) C_out×(S−2)×(S−2) → ReLU →
max-pool 2×2 stride 2 (odd edge dropped) → C_out×P×P with P = (S−2)//2. Default with a second
layer of 16 filters: 8×13×13 → 16×11×11 → 16×5×5.

Each conv output is one dot product: z[o, r, q] = b[o] + Σ_{i,a,b} w[o, i, a, b]·x[i, r+a, q+b],
with the C_in·9 inputs under (r, q) gathered into a "patch" (im2col).
"""

# ruff: noqa: B905  (zip in hot loops: lengths are equal by construction; strict= costs time)

from __future__ import annotations

from collections.abc import Sequence

from cnn_tui.core.engines.python.fastmath import axpy, dot, gatherer


class ConvPool:
    """Conv 3×3 (C_in → C_out) + ReLU + max-pool 2×2 on a dense C_in×side×side input."""

    def __init__(self, in_channels: int, side: int, weights: list[float], biases: list[float]):
        """``weights``: C_out×C_in×3×3 flat; ``biases``: C_out."""
        self.in_channels = in_channels
        self.side = side
        self.conv_side = side - 2
        self.pooled_side = self.conv_side // 2
        self.channels = len(biases)
        self.biases = biases
        span = in_channels * 9
        self.kernels = [weights[o * span : (o + 1) * span] for o in range(self.channels)]
        o_side = self.conv_side
        # Input indices under each conv position, in the kernel's (i, a, b) order.
        self.patch_indices = [
            [
                i * side * side + (r + a) * side + q + b
                for i in range(in_channels)
                for a in range(3)
                for b in range(3)
            ]
            for r in range(o_side)
            for q in range(o_side)
        ]
        self.patch = [gatherer(idx) for idx in self.patch_indices]
        # Conv positions of each pooled cell, row-major within the window (tie → first).
        p_side = self.pooled_side
        self.windows = [
            (
                (2 * i) * o_side + 2 * j,
                (2 * i) * o_side + 2 * j + 1,
                (2 * i + 1) * o_side + 2 * j,
                (2 * i + 1) * o_side + 2 * j + 1,
            )
            for i in range(p_side)
            for j in range(p_side)
        ]

    def forward(
        self, x: Sequence[float]
    ) -> tuple[list[tuple[float, ...]], list[list[float]], list[list[float]]]:
        """(patches, z, pooled): patches per conv position; z[o] pre-ReLU conv outputs
        ((S−2)² each); pooled[o] = max(0, window of z) (P² each)."""
        patches = [g(x) for g in self.patch]
        z = [[b + dot(k, p) for p in patches] for k, b in zip(self.kernels, self.biases)]
        pooled = [[max(zo[a], zo[b], zo[c], zo[d], 0.0) for a, b, c, d in self.windows] for zo in z]
        return patches, z, pooled

    def backward(
        self,
        patches: list[tuple[float, ...]],
        z: list[list[float]],
        pooled: list[list[float]],
        grad_pooled: Sequence[float],
        grad_weights: list[float],
        grad_biases: list[float],
    ) -> list[float]:
        """Accumulate ∂L/∂w, ∂L/∂b from ∂L/∂pooled (C_out·P² flat); return ∂L/∂x (C_in·S² flat).

        The gradient reaches the window's first maximum through an open ReLU (pooled > 0):
        there ∂z/∂w = the patch, ∂z/∂b = 1, ∂z/∂x[patch] = w.
        """
        span = self.in_channels * 9
        p_area = self.pooled_side**2
        grad_patch: dict[int, list[float]] = {}  # conv position → Σ_o g·w[o]
        for o in range(self.channels):
            zo, po, kernel = z[o], pooled[o], self.kernels[o]
            g_w = [0.0] * span
            g_b = 0.0
            for cell, window in enumerate(self.windows):
                g = grad_pooled[o * p_area + cell]
                if g == 0.0 or po[cell] <= 0.0:
                    continue
                values = [zo[pos] for pos in window]
                pos = window[values.index(po[cell])]
                g_b += g
                g_w = axpy(g, patches[pos], g_w)
                grad_patch[pos] = axpy(g, kernel, grad_patch.get(pos, [0.0] * span))
            grad_biases[o] += g_b
            base = o * span
            grad_weights[base : base + span] = [
                a + b for a, b in zip(grad_weights[base : base + span], g_w)
            ]
        grad_x = [0.0] * (self.in_channels * self.side * self.side)
        for pos, values in grad_patch.items():
            for index, value in zip(self.patch_indices[pos], values):
                grad_x[index] += value
        return grad_x

    def maps(self, z: list[list[float]]) -> list[float]:
        """C_out×(S−2)² conv maps after ReLU, flat."""
        return [v if v > 0.0 else 0.0 for zo in z for v in zo]
