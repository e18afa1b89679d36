"""Provides ``softmax`` and ``cross_entropy``: the NumPy engine's output layer and its loss."""

from __future__ import annotations

import numpy as np

from cnn_tui.core.engines.numpy.buffers import Array

LOSS_EPSILON = 1e-10
"""The report's ε in −log(p + ε)."""


def softmax(logits: Array) -> Array:
    """logits (10, N) → probabilities (10, N), max-subtracted for stability (a new array):
    p_i = exp(z_i − max z) / Σ_j exp(z_j − max z)."""
    e: Array = logits - logits.max(axis=0)
    np.exp(e, out=e)
    e /= e.sum(axis=0)
    return e


def cross_entropy(probabilities: Array, labels: Array) -> Array:
    """Per-image loss −log(p_label + ε): (10, N), (N,) → (N,) float64."""
    p_label = probabilities[labels, np.arange(labels.shape[0])]
    loss: Array = -np.log(p_label.astype(np.float64) + LOSS_EPSILON)
    return loss
