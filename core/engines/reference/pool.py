"""Provides the 2×2 max-pool layer (stride 2; an odd last row and column are dropped).

Numbered in docs/network.md: (8) forward, (9) backward.

The report: for each non-overlapping 2×2 region R of a feature map, MaxPool(R) = max_{i,j} R_{i,j}.
Its gradient flows only to the maximum of each window; on a tie, to the first maximum in
row-major order of the window: (0, 0), (0, 1), (1, 0), (1, 1).

Shapes: a (C, S, S) → pooled (C, S // 2, S // 2).
"""

from __future__ import annotations

from cnn_tui.core.engines.reference.tensors import Maps, zeros_maps

WINDOW = ((0, 0), (0, 1), (1, 0), (1, 1))  # (row, column) offsets, in row-major order


def forward(a: Maps) -> Maps:
    """a (C, S, S) → pooled (C, S // 2, S // 2): pooled[c][i][j] = max over the 2×2 window."""
    side = len(a[0]) // 2  # an odd last row/column belongs to no window
    return [
        [
            # MaxPool(R) = max_{di,dj} a[c][2i + di][2j + dj]
            [max(channel[2 * i + di][2 * j + dj] for di, dj in WINDOW) for j in range(side)]
            for i in range(side)
        ]
        for channel in a
    ]


def first_max(channel: list[list[float]], i: int, j: int) -> tuple[int, int]:
    """The (row, column) in ``channel`` of window (i, j)'s first maximum, row-major."""
    best_di, best_dj = WINDOW[0]
    for di, dj in WINDOW[1:]:
        if channel[2 * i + di][2 * j + dj] > channel[2 * i + best_di][2 * j + best_dj]:
            best_di, best_dj = di, dj  # strictly greater: a tie keeps the earlier one
    return 2 * i + best_di, 2 * j + best_dj


def backward(a: Maps, grad_pooled: Maps) -> Maps:
    """a (C, S, S), ∂L/∂pooled (C, S // 2, S // 2) → ∂L/∂a (C, S, S): each window's gradient
    goes to its first maximum, every other position (and a dropped edge) gets 0."""
    grad_a = zeros_maps(len(a), len(a[0]), len(a[0]))
    for c, channel in enumerate(a):
        for i, grad_row in enumerate(grad_pooled[c]):
            for j, g in enumerate(grad_row):
                r, s = first_max(channel, i, j)
                grad_a[c][r][s] = g  # ∂pooled[c][i][j]/∂a[c][r][s] = 1 at the argmax only
    return grad_a
