"""Provides ``MaxPoolReLU``: the NumPy engine's 2×2 max-pool (stride 2) and ReLU in one layer.

Shapes are CHWN (core/engines/numpy/__init__.py): window-major (C, 2, 2, P, P, N) from
``Conv3x3`` (conv.py) → (C, P, P, N).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_tui.core.engines.numpy.buffers import Array, BufferCache


@dataclass(slots=True)
class _PoolBuffers:
    """One batch size's work arrays; "flat" below means (C, P·P·N)."""

    pair_max: Array  # (C, 2, P·P·N): [:, 0] max of the top corners (then the window max m),
    # [:, 1] of the bottom ones
    zeros: Array  # flat zeros: max(m, 0) against an array runs ~3× a scalar's speed
    out: Array  # (C, P, P, N): relu(m)
    right_won: Array  # (C, 2, P·P·N) bool: c1 > c0, c3 > c2
    bottom_won: Array  # flat bool: bottom > top, the final went to the bottom pair
    open: Array  # flat bool: m > 0, ReLU passes the gradient
    grad: Array  # flat: the gradient through ReLU


class MaxPoolReLU:
    """Max-pool 2×2, stride 2 (odd edge dropped), then ReLU: window-major (C, 2, 2, P, P, N) from
    ``Conv3x3`` → (C, P, P, N).

    ReLU is monotone, so relu(max(window)) = max(relu(window)) exactly: pooling first runs ReLU on
    a quarter of the values. The gradient matches ReLU-then-pool too: it reaches the window's first
    maximum (row-major: top-left, top-right, bottom-left, bottom-right) when that maximum is > 0,
    and nothing otherwise (where ReLU's output is 0 its gradient is 0).

    The max is a knockout: top = max(c0, c1), bottom = max(c2, c3), m = max(top, bottom). Forward
    keeps who won each match — c1 > c0, c3 > c2, bottom > top, strictly, so a tie goes to the
    earlier corner, which makes the winner the first maximum — as three (C, P·P·N) masks; backward
    routes the gradient down the same matches without reading z again.
    """

    def __init__(self, channels: int, pooled_side: int, dtype: np.dtype) -> None:
        self.channels = channels
        self.side = pooled_side
        self.dtype = dtype
        self._buffers: BufferCache[_PoolBuffers] = BufferCache(self._make_buffers)
        self._z: Array | None = None
        self._buf: _PoolBuffers | None = None

    def _make_buffers(self, n: int) -> _PoolBuffers:
        p = self.side
        flat = (self.channels, p * p * n)
        return _PoolBuffers(
            pair_max=np.empty((self.channels, 2, p * p * n), self.dtype),
            zeros=np.zeros(flat, self.dtype),
            out=np.empty((self.channels, p, p, n), self.dtype),
            right_won=np.empty((self.channels, 2, p * p * n), bool),
            bottom_won=np.empty(flat, bool),
            open=np.empty(flat, bool),
            grad=np.empty(flat, self.dtype),
        )

    def forward(self, z: Array) -> Array:
        """z (C, 2, 2, P, P, N) window-major → relu(max over each window) (C, P, P, N)."""
        buf = self._buffers.get(z.shape[-1])
        c = z.reshape(self.channels, 4, -1)  # corner k = 2a + b: (C, P·P·N) each
        left, right = c[:, 0::2], c[:, 1::2]  # (C, 2, P·P·N): corners (0, 2) and (1, 3)
        pairs = buf.pair_max
        np.maximum(left, right, out=pairs)  # top = max(c0, c1), bottom = max(c2, c3)
        np.greater(right, left, out=buf.right_won)
        top, bottom = pairs[:, 0], pairs[:, 1]
        np.greater(bottom, top, out=buf.bottom_won)
        np.maximum(top, bottom, out=top)  # top = window max m
        np.maximum(top, buf.zeros, out=buf.out.reshape(self.channels, -1))  # relu(m)
        self._z, self._buf = c, buf
        return buf.out

    def backward(self, grad_out: Array) -> Array:
        """grad_out (C, P, P, N) → grad_z (C, 2, 2, P, P, N): each window's gradient goes to its
        first maximum, and only where that maximum is > 0. grad_z is written over the forward's
        z (nothing reads z after this)."""
        assert self._z is not None and self._buf is not None, "backward before forward"
        buf, grad_z = self._buf, self._z
        g = buf.grad
        np.greater(buf.pair_max[:, 0], 0.0, out=buf.open)
        np.multiply(grad_out.reshape(self.channels, -1), buf.open, out=g)  # through ReLU
        # down the knockout: the winner of each match takes g, the loser g − g = 0 (x·1 = x,
        # x·0 = 0 and x − x = 0 exactly); slots 2 and 0 first hold the bottom and top pairs' share
        np.multiply(g, buf.bottom_won, out=grad_z[:, 2])  # bottom pair's share
        np.subtract(g, grad_z[:, 2], out=grad_z[:, 0])  # top pair's share
        left, right = grad_z[:, 0::2], grad_z[:, 1::2]  # (C, 2, P·P·N): top and bottom pairs
        np.multiply(left, buf.right_won, out=right)  # top-right, bottom-right
        np.subtract(left, right, out=left)  # top-left, bottom-left
        p = self.side
        return grad_z.reshape(self.channels, 2, 2, p, p, -1)
