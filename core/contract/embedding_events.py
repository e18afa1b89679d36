"""Provides ``EmbeddingComputed``: the embedding map of one evaluation (core → UI).

Past tense, frozen, ints/floats/str/tuples only, like every event (events.py lists it in
``Event``). Sent by the "embedding" trainer extension after each test-set evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EmbeddingComputed:
    """The first ``len(xs)`` test digits in the dense layer's feature space, projected to 2-D
    on its two principal axes (core/embedding/pca.py); point i is test image i."""

    step: int
    epoch: int
    xs: tuple[float, ...]  # coordinate on the first principal axis
    ys: tuple[float, ...]  # on the second
    labels: tuple[int, ...]  # the true class of each
    predicted: tuple[int, ...]  # the network's answer (≠ label: a mistake)
    confidence: tuple[float, ...]  # the probability of the predicted class
    variance: tuple[float, float]  # the share of the features' variance along each axis, 0–1
    seconds: float  # time taken: features, projection and predictions
