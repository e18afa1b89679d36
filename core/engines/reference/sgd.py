"""Provides one step of SGD with momentum and weight decay, on one parameter's flat values.

Numbered in docs/network.md: (16).

The report's update is W := W − η·∂L/∂W (and the same for b). With momentum μ and weight decay λ
(both 0 by default, which is the report's update exactly):

    g ← g + λ·w        (weights only: the caller passes λ = 0 for biases)
    v ← μ·v + g        (v starts at 0)
    w ← w − η·v

Shapes: w, g, v all (n,), the parameter flattened row-major.
"""

from __future__ import annotations

from cnn_tui.core.engines.reference.tensors import Vector


def step(
    w: Vector, g: Vector, v: Vector, lr: float, momentum: float, weight_decay: float
) -> tuple[Vector, Vector]:
    """(w, ∂L/∂w, v) → (new w, new v), each (n,)."""
    g = [g_k + weight_decay * w_k for g_k, w_k in zip(g, w, strict=True)]  # g ← g + λ·w
    v = [momentum * v_k + g_k for v_k, g_k in zip(v, g, strict=True)]  # v ← μ·v + g
    w = [w_k - lr * v_k for w_k, v_k in zip(w, v, strict=True)]  # w ← w − η·v
    return w, v
