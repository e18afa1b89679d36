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

Array = np.ndarray
T = TypeVar("T")

MAX_CACHED_SIZES = 4
"""Batch sizes whose buffers a layer keeps at once (training, its last batch, evaluation, 1)."""


class BufferCache(Generic[T]):
    """Work buffers keyed by batch size; the oldest size is dropped past ``MAX_CACHED_SIZES``."""

    def __init__(self, make: Callable[[int], T]) -> None:
        self._make = make
        self._by_size: dict[int, T] = {}

    def get(self, n: int) -> T:
        found = self._by_size.get(n)
        if found is None:
            if len(self._by_size) >= MAX_CACHED_SIZES:
                del self._by_size[next(iter(self._by_size))]
            found = self._by_size[n] = self._make(n)
        return found

    def clear(self) -> None:
        self._by_size.clear()


class _Buffers:
    """A plain namespace of arrays (one per layer and batch size)."""

    def __init__(self, **arrays: Any) -> None:
        self.__dict__.update(arrays)

    def __getattr__(self, name: str) -> Any:  # reached only for missing names; typed as Any
        raise AttributeError(name)


class Conv3x3:
    """3×3 convolution, stride 1, no padding, with bias: (Cin, H, W, N) → (Cout, H−2, W−2, N).

    z[o, i, j, n] = b[o] + Σ_{c, di, dj} w[o, c, di, dj] · x[c, i+di, j+dj, n]

    computed as one matrix product ``W_aug @ cols``: ``cols`` (im2col) has a row per (c, di, dj) —
    the shifted input, copied from 9 strided views — plus a constant row of ones, and ``W_aug``
    (Cout, Cin·9 + 1) holds the kernels with the bias as its last column. The bias is thus added
    inside the product, and its gradient falls out of the same product as the weights'.
    """

    def __init__(self, in_channels: int, out_channels: int, in_side: int, dtype: np.dtype) -> None:
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.in_side = in_side
        self.side = in_side - 2  # "valid" 3×3
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
        s = self.side
        cols = np.empty((self.k + 1, s * s * n), self.dtype)
        cols[self.k] = 1.0  # the bias row; never overwritten
        return _Buffers(
            cols=cols,
            # (Cin, di, dj, i, j, n) view of the kernel rows of cols, for the 9 shifted copies
            taps=cols[: self.k].reshape(self.in_channels, 3, 3, s, s, n),
            z=np.empty((self.out_channels, s, s, n), self.dtype),
        )

    def forward(self, x: Array) -> Array:
        """x (Cin, H, W, N) → z (Cout, H−2, W−2, N), bias included, before ReLU."""
        n = x.shape[-1]
        buf = self._buffers.get(n)
        s = self.side
        for di in range(3):
            for dj in range(3):
                # row (c, di, dj) of cols = the input shifted by (di, dj)
                np.copyto(buf.taps[:, di, dj], x[:, di : di + s, dj : dj + s, :])
        np.matmul(self.weight, buf.cols, out=buf.z.reshape(self.out_channels, -1))
        self._cols = buf.cols
        return buf.z

    def backward(self, grad_z: Array, need_input: bool) -> Array | None:
        """grad_z (Cout, H−2, W−2, N) → stores grad_weight; returns grad_x (Cin, H, W, N) if asked.

        grad_W_aug = grad_z (Cout, M) @ colsᵀ (M, Cin·9+1), M = (H−2)(W−2)N: kernels and bias.
        grad_x = col2im(W[:, :k]ᵀ @ grad_z): each tap's rows added back at its shift.
        """
        assert self._cols is not None, "backward before forward"
        cout, s = self.out_channels, self.side
        n = grad_z.shape[-1]
        g2 = grad_z.reshape(cout, -1)
        np.matmul(g2, self._cols.T, out=self.grad_weight)
        if not need_input:
            return None
        buf = self._buffers.get(n)
        if not hasattr(buf, "grad_cols"):
            buf.grad_cols = np.empty((self.k, s * s * n), self.dtype)
            buf.grad_taps = buf.grad_cols.reshape(self.in_channels, 3, 3, s, s, n)
            buf.grad_x = np.empty((self.in_channels, self.in_side, self.in_side, n), self.dtype)
        np.matmul(self.weight[:, : self.k].T, g2, out=buf.grad_cols)
        gx = buf.grad_x
        gx.fill(0.0)
        for di in range(3):
            for dj in range(3):
                gx[:, di : di + s, dj : dj + s, :] += buf.grad_taps[:, di, dj]
        return gx


class MaxPoolReLU:
    """Max-pool 2×2, stride 2 (odd edge dropped), then ReLU: (C, S, S, N) → (C, S//2, S//2, N).

    ReLU is monotone, so relu(max(window)) = max(relu(window)) exactly: pooling first runs ReLU on
    a quarter of the values. The gradient matches ReLU-then-pool too: it reaches the window's first
    maximum (row-major: top-left, top-right, bottom-left, bottom-right) when that maximum is > 0,
    and nothing otherwise (where ReLU's output is 0 its gradient is 0).
    """

    def __init__(self, channels: int, in_side: int, dtype: np.dtype) -> None:
        self.channels = channels
        self.in_side = in_side
        self.side = in_side // 2
        self.dtype = dtype
        self._buffers: BufferCache[_Buffers] = BufferCache(self._make_buffers)
        self._z: Array | None = None
        self._buf: _Buffers | None = None

    def _make_buffers(self, n: int) -> _Buffers:
        shape = (self.channels, self.side, self.side, n)
        return _Buffers(
            top=np.empty(shape, self.dtype),  # window max, then its pre-ReLU copy (backward)
            bottom=np.empty(shape, self.dtype),
            out=np.empty(shape, self.dtype),
            grad=np.empty(shape, self.dtype),
            hit=np.empty(shape, bool),
            # the input gradient; the odd edge (if any) is never written, so stays 0
            grad_z=np.zeros((self.channels, self.in_side, self.in_side, n), self.dtype),
        )

    def _corners(self, z: Array) -> tuple[Array, Array, Array, Array]:
        """The four (C, S//2, S//2, N) views of each window's corners, in row-major order."""
        p = self.side
        c, n = z.shape[0], z.shape[-1]
        w = z[:, : 2 * p, : 2 * p, :].reshape(c, p, 2, p, 2, n)
        return w[:, :, 0, :, 0], w[:, :, 0, :, 1], w[:, :, 1, :, 0], w[:, :, 1, :, 1]

    def forward(self, z: Array) -> Array:
        """z (C, S, S, N) → relu(max over each 2×2 window) (C, S//2, S//2, N)."""
        buf = self._buffers.get(z.shape[-1])
        z00, z01, z10, z11 = self._corners(z)
        np.maximum(z00, z01, out=buf.top)
        np.maximum(z10, z11, out=buf.bottom)
        np.maximum(buf.top, buf.bottom, out=buf.top)  # top = window max m
        np.maximum(buf.top, 0.0, out=buf.out)  # relu(m)
        self._z, self._buf = z, buf
        return buf.out

    def backward(self, grad_out: Array) -> Array:
        """grad_out (C, S//2, S//2, N) → grad_z (C, S, S, N): each window's gradient goes to its
        first maximum, and only where that maximum is > 0."""
        assert self._z is not None and self._buf is not None, "backward before forward"
        buf = self._buf
        m, g, hit = buf.top, buf.grad, buf.hit
        np.greater(m, 0.0, out=hit)
        np.multiply(grad_out, hit, out=g)  # through ReLU: 0 where m ≤ 0
        d00, d01, d10, d11 = self._corners(buf.grad_z)
        z00, z01, z10, _ = self._corners(self._z)
        # first maximum wins: each corner in order takes what is left of g where it equals m,
        # and leaves 0 behind (g − g = 0 exactly), so later equal corners get nothing
        for z_corner, d_corner in ((z00, d00), (z01, d01), (z10, d10)):
            np.equal(z_corner, m, out=hit)
            np.multiply(g, hit, out=d_corner)
            np.subtract(g, d_corner, out=g)
        np.copyto(d11, g)  # whatever is left: the bottom-right corner was the (only) maximum
        return buf.grad_z


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
