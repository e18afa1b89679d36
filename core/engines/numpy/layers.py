"""Provides the NumPy engine's layers: ``Conv3x3``, ``MaxPoolReLU``, ``Dense``, softmax and loss.

Shape convention (the whole engine): activations are **CHWN** — (channels, height, width, batch) —
and dense activations are (features, batch). With the batch innermost:

* flattening a (C, H, W, N) map in CHW order is a free reshape to (C·H·W, N);
* every conv, pool and dense step is one matrix product or a few whole-array operations on views
  whose inner loop runs over the batch (contiguous);
* nothing is transposed per batch.

Each layer's ``forward(x)`` keeps what ``backward`` needs; ``backward(grad_out)`` stores
``grad_<param>`` on the layer and returns the gradient for its input. Work buffers are allocated
once per batch size and reused (``BufferCache``), so a training step allocates almost nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

Array = np.ndarray
T = TypeVar("T")

MAX_CACHED_SIZES = 4
"""Batch sizes whose buffers a layer keeps at once (training, its last batch, evaluation, 1)."""


class BufferCache(Generic[T]):
    """Work buffers keyed by batch size, the least recently used dropped past MAX_CACHED_SIZES."""

    def __init__(self, make: Callable[[int], T]) -> None:
        self._make = make
        self._by_size: dict[int, T] = {}

    def get(self, n: int) -> T:
        found = self._by_size.pop(n, None)  # re-inserted below: the dict's order is recency
        if found is None:
            if len(self._by_size) >= MAX_CACHED_SIZES:
                del self._by_size[next(iter(self._by_size))]  # the least recently used
            found = self._make(n)
        self._by_size[n] = found
        return found

    def clear(self) -> None:
        self._by_size.clear()


class _Buffers:
    """A plain namespace of arrays (one per layer and batch size)."""

    def __init__(self, **arrays: Any) -> None:
        self.__dict__.update(arrays)

    def __getattr__(self, name: str) -> Any:  # reached only for missing names; typed as Any
        raise AttributeError(name)


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
    return as_strided(x, shape=shape, strides=strides, writeable=False)


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
        self._buffers: BufferCache[_Buffers] = BufferCache(self._make_buffers)
        self._cols: Array | None = None  # the last forward's im2col, for backward

    @property
    def kernels(self) -> Array:
        """(Cout, Cin, 3, 3) view of the kernels (writable, no copy)."""
        return self.weight[:, : self.k].reshape(self.out_channels, self.in_channels, 3, 3)

    @property
    def bias(self) -> Array:
        """(Cout,) view of the biases."""
        return self.weight[:, self.k]

    def _make_buffers(self, n: int) -> _Buffers:
        p = self.pooled_side
        cols = np.empty((self.k + 1, 4 * p * p * n), self.dtype)
        cols[self.k] = 1.0  # the bias row; never overwritten
        return _Buffers(
            cols=cols,
            # (Cin, di, dj, a, b, pi, pj, n) view of the kernel rows of cols
            rows=cols[: self.k].reshape(self.in_channels, 3, 3, 2, 2, p, p, n),
            z=np.empty((self.out_channels, 2, 2, p, p, n), self.dtype),
            source=None,  # the input array the cached tap view below looks at
            taps=None,
        )

    def forward(self, x: Array) -> Array:
        """x (Cin, H, W, N) → z (Cout, 2, 2, P, P, N) window-major, bias included, before ReLU."""
        buf = self._buffers.get(x.shape[-1])
        if buf.source is not x:  # inputs are the previous layer's reused buffers: view cached
            buf.source, buf.taps = x, window_taps(x, self.pooled_side)
        np.copyto(buf.rows, buf.taps)  # rows (c, di, dj) of cols = the input under entry (di, dj)
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
        n = grad_z.shape[-1]
        g2 = grad_z.reshape(self.out_channels, -1)
        np.matmul(g2, self._cols.T, out=self.grad_weight)
        if not need_input:
            return None
        buf = self._buffers.get(n)
        if not hasattr(buf, "grad_cols"):
            p = self.pooled_side
            buf.grad_cols = np.empty((self.k, 4 * p * p * n), self.dtype)
            grad_rows = buf.grad_cols.reshape(self.in_channels, 3, 3, 2, 2, p, p, n)
            buf.grad_rows = [
                grad_rows[:, di, dj, a, b]
                for di in range(3)
                for dj in range(3)
                for a in range(2)
                for b in range(2)
            ]
            buf.grad_x = np.empty((self.in_channels, self.in_side, self.in_side, n), self.dtype)
            buf.grad_split, buf.grad_blocks, buf.grad_parts = parity_split(buf.grad_x)
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
        return z + self.bias[:, None, None]


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
        self._buffers: BufferCache[_Buffers] = BufferCache(self._make_buffers)
        self._z: Array | None = None
        self._buf: _Buffers | None = None

    def _make_buffers(self, n: int) -> _Buffers:
        p = self.side
        flat = (self.channels, p * p * n)
        return _Buffers(
            # [:, 0] max of the top corners (then the window max m), [:, 1] of the bottom ones
            pair_max=np.empty((self.channels, 2, p * p * n), self.dtype),
            zeros=np.zeros(flat, self.dtype),  # max(m, 0) against an array: ~3× a scalar's speed
            out=np.empty((self.channels, p, p, n), self.dtype),
            right_won=np.empty((self.channels, 2, p * p * n), bool),  # c1 > c0, c3 > c2
            bottom_won=np.empty(flat, bool),  # bottom > top: the final went to the bottom pair
            open=np.empty(flat, bool),  # m > 0: ReLU passes the gradient
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


class Dense:
    """Fully connected: (in, N) → (out, N), z = W x + b, W (out, in) as in PyTorch."""

    def __init__(self, in_features: int, out_features: int, dtype: np.dtype) -> None:
        self.weight = np.zeros((out_features, in_features), dtype)
        self.bias = np.zeros(out_features, dtype)
        self.grad_weight = np.zeros_like(self.weight)
        self.grad_bias = np.zeros_like(self.bias)
        self.dtype = dtype
        self._buffers: BufferCache[_Buffers] = BufferCache(self._make_buffers)
        self._x: Array | None = None

    def _make_buffers(self, n: int) -> _Buffers:
        out_features, in_features = self.weight.shape
        return _Buffers(
            z=np.empty((out_features, n), self.dtype),
            grad_x=np.empty((in_features, n), self.dtype),
        )

    def forward(self, x: Array) -> Array:
        """x (in, N) → z (out, N)."""
        buf = self._buffers.get(x.shape[-1])
        np.matmul(self.weight, x, out=buf.z)
        buf.z += self.bias[:, None]
        self._x = x
        return buf.z

    def backward(self, grad_z: Array, need_input: bool) -> Array | None:
        """grad_z (out, N) → stores grad_weight = grad_z xᵀ, grad_bias = Σ_n grad_z; returns
        grad_x = Wᵀ grad_z (in, N) if asked."""
        assert self._x is not None, "backward before forward"
        np.matmul(grad_z, self._x.T, out=self.grad_weight)
        np.sum(grad_z, axis=1, out=self.grad_bias)
        if not need_input:
            return None
        buf = self._buffers.get(grad_z.shape[-1])
        np.matmul(self.weight.T, grad_z, out=buf.grad_x)
        return buf.grad_x


LOSS_EPSILON = 1e-10
"""The report's ε in −log(p + ε)."""


def softmax(logits: Array) -> Array:
    """logits (10, N) → probabilities (10, N), max-subtracted for stability (a new array)."""
    e = logits - logits.max(axis=0)
    np.exp(e, out=e)
    e /= e.sum(axis=0)
    return e


def cross_entropy(probabilities: Array, labels: Array) -> Array:
    """Per-image loss −log(p_label + ε): (10, N), (N,) → (N,) float64."""
    p_label = probabilities[labels, np.arange(labels.shape[0])]
    return -np.log(p_label.astype(np.float64) + LOSS_EPSILON)
