"""Provides ``Dense``: the NumPy engine's fully connected layer, (in, N) → (out, N)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_tui.core.engines.numpy.buffers import Array, BufferCache


@dataclass(slots=True)
class _DenseBuffers:
    """One batch size's work arrays."""

    z: Array  # (out, N): the output
    grad_x: Array  # (in, N): ∂L/∂x


class Dense:
    """Fully connected: (in, N) → (out, N), z = W x + b, W (out, in) as in PyTorch."""

    def __init__(self, in_features: int, out_features: int, dtype: np.dtype) -> None:
        self.weight = np.zeros((out_features, in_features), dtype)
        self.bias = np.zeros(out_features, dtype)
        self.grad_weight = np.zeros_like(self.weight)
        self.grad_bias = np.zeros_like(self.bias)
        self.dtype = dtype
        self._buffers: BufferCache[_DenseBuffers] = BufferCache(self._make_buffers)
        self._x: Array | None = None

    def _make_buffers(self, n: int) -> _DenseBuffers:
        out_features, in_features = self.weight.shape
        return _DenseBuffers(
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
