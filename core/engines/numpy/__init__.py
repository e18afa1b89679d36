"""Provides ``NumpyEngine``: the vectorised NumPy implementation of the ``Engine`` protocol.

Modules: ``engine`` (the engine: data, forward/backward wiring, predict, inspect, saliency),
``layers`` (Conv3x3, MaxPoolReLU, Dense, softmax and the loss; CHWN layout), ``sgd`` (the update).
"""

from __future__ import annotations

from cnn_tui.core.engines.numpy.engine import NumpyEngine

__all__ = ["NumpyEngine"]
