"""Provides softmax and the cross-entropy loss with the report's ε, and their joint gradient.

Numbered in docs/network.md: (13) softmax, (14) loss, (15) gradient.

The report: softmax(z_i) = e^{z_i} / Σ_j e^{z_j};  L(y, p) = −Σ_i y_i · log(p_i + ε), ε = 1e-10,
y the one-hot label — so L = −log(p_label + ε). Over a batch of N images the loss is the mean,
and its gradient at one image's logits is (p − onehot(label)) / N.

Shapes: logits z (10,), p (10,).
"""

from __future__ import annotations

import math

from cnn_tui.core.engines.reference.tensors import Vector

EPSILON = 1e-10  # the report's ε, "to avoid log(0)"


def softmax(z: Vector) -> Vector:
    """z (10,) → p (10,). max(z) is subtracted first: the same p, and e^{…} cannot overflow."""
    top = max(z)
    exps = [math.exp(v - top) for v in z]  # e^{z_i − max z}
    total = sum(exps)  # Σ_j e^{z_j − max z}
    return [e / total for e in exps]  # p_i = e^{z_i} / Σ_j e^{z_j}


def forward(p: Vector, label: int) -> float:
    """p (10,) → L = −Σ_i y_i · log(p_i + ε) = −log(p_label + ε)."""
    return -math.log(p[label] + EPSILON)


def backward(p: Vector, label: int, batch_size: int) -> Vector:
    """p (10,) → ∂L_batch/∂z (10,) = (p − onehot(label)) / N, for L_batch the mean over N images.

    (Softmax and cross-entropy together: ∂L/∂z_i = p_i − y_i; ε is left out of the gradient, as
    the report and the other engines do.)"""
    return [(p_i - (1.0 if i == label else 0.0)) / batch_size for i, p_i in enumerate(p)]
