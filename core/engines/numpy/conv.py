"""Provides ``Conv3x3``: the NumPy engine's 3×3 convolution, computed where the 2×2 pool looks.

Shapes are CHWN (core/engines/numpy/__init__.py): input x (Cin, H, W, N), output z window-major
(Cout, 2, 2, P, P, N). The forward pass is one matrix product over im2col (``window_taps``), the
backward pass one product back and a col2im in a parity-split layout (``parity_split``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from cnn_tui.core.engines.numpy.buffers import Array, BufferCache


def window_taps(x: Array, pooled_side: int) -> Array:
    """The 9 taps of a 3×3 conv over ``x`` (Cin, H, W, N), all in one strided view, window order.

    Shaped (Cin, 3, 3, 2, 2, P, P, N) with ``taps[c, di, dj, a, b, pi, pj, n] =
    x[c, 2·pi + a + di, 2·pj + b + dj, n]``: the input under kernel entry (di, dj) for the conv
    output at (2·pi + a, 2·pj + b), i.e. corner (a, b) of pooling window (pi, pj). A read-only
    view, no copy (one ``copyto`` from it fills all of im2col: measured faster than 9 copies).
    """
    sc, sh, sw, sn = x.strides
    c, n = x.shape[0], x.shape[-1]
    p = pooled_side
    shape = (c, 3, 3, 2, 2, p, p, n)
    strides = (sc, sh, sw, sh, sw, 2 * sh, 2 * sw, sn)
    taps: Array = as_strided(x, shape=shape, strides=strides, writeable=False)
    return taps


def parity_split(x: Array) -> tuple[Array, list[Array], list[tuple[Array, Array]]]:
    """A zeroed buffer holding ``x``'s positions split by parity, and views into it.

    ``split[c, r, s, u, v, n]`` stands for ``x[c, 2·u + r, 2·v + s, n]`` (shape (Cin, 2, 2, ⌈H/2⌉,
    ⌈W/2⌉, N)). Returns (split, the 36 plain slices of ``split`` that hold the positions of
    ``window_taps`` — index 4·(3·di + dj) + 2·a + b, each (Cin, P, P, N) for P = (H−2)//2 — and
    the 4 (x part, split part) pairs that map one layout onto the other).

    In this layout every (tap, corner) block is a plain slice whose inner run is P·N contiguous
    values (in ``x`` it would be only N): col2im's 36 in-place additions run several times faster.
    """
    c, h, w, n = x.shape
    p = (h - 2) // 2
    split = np.zeros((c, 2, 2, (h + 1) // 2, (w + 1) // 2, n), x.dtype)
    blocks = []
    for di in range(3):
        for dj in range(3):
            for a in range(2):
                for b in range(2):
                    (q, r), (q2, s) = divmod(a + di, 2), divmod(b + dj, 2)  # row 2·(pi+q) + r
                    blocks.append(split[:, r, s, q : q + p, q2 : q2 + p, :])
    parts = [
        (x[:, r::2, s::2, :], split[:, r, s, : (h - r + 1) // 2, : (w - s + 1) // 2, :])
        for r in range(2)
        for s in range(2)
    ]
    return split, blocks, parts


@dataclass(slots=True)
class _ForwardBuffers:
    """One batch size's forward work arrays."""

    cols: Array  # im2col (Cin·9 + 1, 4·P²·N), its last row all ones (the bias)
    rows: Array  # (Cin, di, dj, a, b, pi, pj, n) view of the kernel rows of cols
    z: Array  # (Cout, 2, 2, P, P, N): the output
    source: Array | None = None  # the input array the cached tap view below looks at
    taps: Array | None = None  # window_taps(source)


@dataclass(slots=True)
class _BackwardBuffers:
    """One batch size's work arrays for ∂L/∂x (made on the first backward pass that needs it)."""

    grad_cols: Array  # (Cin·9, 4·P²·N): Wᵀ·grad_z
    grad_rows: list[Array]  # its 36 (tap, corner) blocks, in parity_split's order
    grad_x: Array  # (Cin, H, W, N): the result
    grad_split: Array  # grad_x's positions split by parity
    grad_blocks: list[Array]  # parity_split's 36 slices
    grad_parts: list[tuple[Array, Array]]  # (grad_x part, grad_split part) pairs


class Conv3x3:
    """3×3 convolution, stride 1, no padding, with bias, evaluated where the 2×2 pool looks.

    z[o, i, j, n] = b[o] + Σ_{c, di, dj} w[o, c, di, dj] · x[c, i+di, j+dj, n]

    Input x: (Cin, H, W, N). Output z: **window-major** (Cout, 2, 2, P, P, N), P = (H−2)//2, with
    z[o, a, b, pi, pj, n] the conv output at (2·pi + a, 2·pj + b): each corner of the pooling
    windows is one contiguous block, so the pool's work is a few whole-block operations. An odd
    last row/column, which the pool drops, is not computed (``full_maps`` has it, for display).

    The product is one matrix multiply ``W_aug @ cols``: ``cols`` (im2col) holds a row per
    (c, di, dj) — copied from strided views of the input in window order — plus a row of ones, and
    ``W_aug`` (Cout, Cin·9 + 1) holds the kernels with the bias as its last column, so the bias is
    added inside the product and its gradient comes out of the same product as the weights'.
    """

    def __init__(self, in_channels: int, out_channels: int, in_side: int, dtype: np.dtype) -> None:
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.in_side = in_side
        self.side = in_side - 2  # "valid" 3×3: the full map's side
        self.pooled_side = self.side // 2  # P: pooling windows per row
        self.k = in_channels * 9  # kernel taps per output channel
        self.weight = np.zeros((out_channels, self.k + 1), dtype)  # [:, :k] kernels, [:, k] bias
        self.grad_weight = np.zeros_like(self.weight)
        self.dtype = dtype
        self._buffers: BufferCache[_ForwardBuffers] = BufferCache(self._make_buffers)
        self._grad_buffers: BufferCache[_BackwardBuffers] = BufferCache(self._make_grad_buffers)
        self._cols: Array | None = None  # the last forward's im2col, for backward

    @property
    def kernels(self) -> Array:
        """(Cout, Cin, 3, 3) view of the kernels (writable, no copy)."""
        return self.weight[:, : self.k].reshape(self.out_channels, self.in_channels, 3, 3)

    @property
    def bias(self) -> Array:
        """(Cout,) view of the biases."""
        bias: Array = self.weight[:, self.k]
        return bias

    def _make_buffers(self, n: int) -> _ForwardBuffers:
        p = self.pooled_side
        cols = np.empty((self.k + 1, 4 * p * p * n), self.dtype)
        cols[self.k] = 1.0  # the bias row; never overwritten
        return _ForwardBuffers(
            cols=cols,
            rows=cols[: self.k].reshape(self.in_channels, 3, 3, 2, 2, p, p, n),
            z=np.empty((self.out_channels, 2, 2, p, p, n), self.dtype),
        )

    def _make_grad_buffers(self, n: int) -> _BackwardBuffers:
        p = self.pooled_side
        grad_cols = np.empty((self.k, 4 * p * p * n), self.dtype)
        grad_rows = grad_cols.reshape(self.in_channels, 3, 3, 2, 2, p, p, n)
        grad_x = np.empty((self.in_channels, self.in_side, self.in_side, n), self.dtype)
        grad_split, grad_blocks, grad_parts = parity_split(grad_x)
        return _BackwardBuffers(
            grad_cols=grad_cols,
            grad_rows=[
                grad_rows[:, di, dj, a, b]
                for di in range(3)
                for dj in range(3)
                for a in range(2)
                for b in range(2)
            ],
            grad_x=grad_x,
            grad_split=grad_split,
            grad_blocks=grad_blocks,
            grad_parts=grad_parts,
        )

    def forward(self, x: Array) -> Array:
        """x (Cin, H, W, N) → z (Cout, 2, 2, P, P, N) window-major, bias included, before ReLU."""
        buf = self._buffers.get(x.shape[-1])
        taps = buf.taps
        if buf.source is not x or taps is None:  # inputs are the previous layer's reused
            taps = buf.taps = window_taps(x, self.pooled_side)  # buffers: the view is cached
            buf.source = x
        np.copyto(buf.rows, taps)  # rows (c, di, dj) of cols = the input under entry (di, dj)
        np.matmul(self.weight, buf.cols, out=buf.z.reshape(self.out_channels, -1))
        self._cols = buf.cols
        return buf.z

    def backward(self, grad_z: Array, need_input: bool) -> Array | None:
        """grad_z (Cout, 2, 2, P, P, N) → stores grad_weight; returns grad_x (Cin, H, W, N) if
        asked.

        grad_W_aug = grad_z (Cout, M) @ colsᵀ (M, Cin·9+1), M = 4·P²·N: kernels and bias together.
        grad_x = col2im(W[:, :k]ᵀ @ grad_z): each tap's rows added back where they were read.
        """
        assert self._cols is not None, "backward before forward"
        g2 = grad_z.reshape(self.out_channels, -1)
        np.matmul(g2, self._cols.T, out=self.grad_weight)
        if not need_input:
            return None
        buf = self._grad_buffers.get(grad_z.shape[-1])
        np.matmul(self.weight[:, : self.k].T, g2, out=buf.grad_cols)
        buf.grad_split.fill(0.0)
        for grad_block, grad_row in zip(buf.grad_blocks, buf.grad_rows, strict=True):
            grad_block += grad_row  # each (tap, corner) adds its rows back where they were read
        for x_part, split_part in buf.grad_parts:
            np.copyto(x_part, split_part)  # back to (Cin, H, W, N)
        return buf.grad_x

    def full_maps(self, x: Array) -> Array:
        """One image x (Cin, H, W) → the whole map z (Cout, H−2, W−2), bias included (for display).

        Direct and unoptimised: a sliding 3×3 window contracted with the kernels.
        """
        windows = sliding_window_view(x, (3, 3), axis=(1, 2))  # (Cin, S, S, 3, 3)
        z = np.tensordot(self.kernels, windows, axes=([1, 2, 3], [0, 3, 4]))  # (Cout, S, S)
        maps: Array = z + self.bias[:, None, None]
        return maps
