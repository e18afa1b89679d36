"""Provides the fully connected (dense) layer: z = W·a + b.

Numbered in docs/network.md: (11) forward, (12) backward.

The report: z^[2] = W^[2]·a^[1] + b^[2] (then ReLU), z^[3] = W^[3]·a^[2] + b^[3] (then softmax).
W is (out, in), PyTorch's order, so z[r] = b[r] + Σ_k W[r][k] · a[k].

Shapes: a (n_in,), W (n_out, n_in), b (n_out,), z (n_out,).
"""

from __future__ import annotations

from cnn_tui.core.engines.reference.tensors import Matrix, Vector


def forward(a: Vector, w: Matrix, b: Vector) -> Vector:
    """a (n_in,) → z (n_out,): z[r] = b[r] + Σ_k W[r][k] · a[k]."""
    return [
        b_r + sum(w_rk * a_k for w_rk, a_k in zip(row, a, strict=True))
        for row, b_r in zip(w, b, strict=True)
    ]


def backward(a: Vector, w: Matrix, grad_z: Vector) -> tuple[Vector, Matrix, Vector]:
    """a (n_in,), ∂L/∂z (n_out,) → (∂L/∂a (n_in,), ∂L/∂W (n_out, n_in), ∂L/∂b (n_out,))."""
    grad_b = list(grad_z)  # ∂L/∂b[r] = ∂L/∂z[r]
    grad_w = [[g * a_k for a_k in a] for g in grad_z]  # ∂L/∂W[r][k] = ∂L/∂z[r] · a[k]
    grad_a = [0.0] * len(a)  # ∂L/∂a[k] = Σ_r W[r][k] · ∂L/∂z[r]  (Wᵀ · ∂L/∂z)
    for row, g in zip(w, grad_z, strict=True):
        grad_a = [s + w_rk * g for s, w_rk in zip(grad_a, row, strict=True)]
    return grad_a, grad_w, grad_b
