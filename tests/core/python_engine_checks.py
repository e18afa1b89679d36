"""Helpers for the python engine's tests: MNIST-like images, the float64 batch loss, the gradient
a training step used, and a finite-difference check that knows about kinks."""

# ruff: noqa: B905

from __future__ import annotations

import math
import random
from collections.abc import Callable

import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines.python import PythonEngine
from cnn_tui.core.engines.python.network import EPSILON

TINY = Architecture(filters=2, hidden=5)
TINY_TWO_CONV = Architecture(filters=2, filters2=3, hidden=5)


def make_images(count: int, seed: int, blank_border: bool = True) -> Dataset:
    """Digit-like images: zero background (like MNIST) with random strokes in the middle."""
    rng = random.Random(seed)
    images = bytearray()
    labels = bytearray()
    for n in range(count):
        pixels = [0] * 784
        for r in range(28):
            for c in range(28):
                inside = 6 <= r < 22 and 6 <= c < 22
                if not blank_border or (inside and rng.random() < 0.35):
                    pixels[r * 28 + c] = rng.randrange(1, 256)
        images.extend(pixels)
        labels.append(n % 10)
    return Dataset(bytes(images), bytes(labels))


def batch_loss(engine: PythonEngine, data: Dataset, indices: list[int]) -> float:
    """Mean loss over ``indices`` (the quantity train_batch differentiates)."""
    net = engine._exact_net()  # float64: finite differences need more than the lanes' 1e-7
    total = 0.0
    for i in indices:
        p = net.forward(data.image(i)).probabilities
        total -= math.log(p[data.labels[i]] + EPSILON)  # L = −log(p_label + ε)
    return total / len(indices)


def analytic_gradient(arch: Architecture, params: dict, data: Dataset, indices: list[int]) -> dict:
    """The gradient train_batch used, recovered from one plain SGD step:
    w_new = w − lr·g  ⇒  g = (w − w_new) / lr. A small lr keeps dense1's step in lanes
    (LaneWeights), so the step itself is checked too."""
    lr = 1e-3
    engine = PythonEngine(arch, params)
    engine.train_batch(data, indices, Hyperparameters(lr=lr))
    if arch.filters2 == 0:
        assert engine._velocity.packed_step is not None  # dense1 stepped in lanes
    after = engine.get_params()
    return {name: [(a - b) / lr for a, b in zip(params[name], after[name])] for name in params}


def shift_biases(params: dict, amount: float) -> dict:
    """Positive conv biases make the background windows' ReLU open (the hard case)."""
    out = {k: list(v) for k, v in params.items()}
    for name in out:
        if name.startswith("conv") and name.endswith(".bias"):
            out[name] = [amount + 0.01 * i for i in range(len(out[name]))]
        if name.endswith(".bias") and name.startswith("dense"):
            out[name] = [0.05 * ((i % 3) - 1) for i in range(len(out[name]))]
    return out


def assert_matches_differences(
    analytic: float, f: Callable[[float], float], where: object, eps: float = 1e-6
) -> None:
    """``analytic`` ≈ df/dδ at 0 by central differences; at a kink of ReLU or max-pool (the
    one-sided differences disagree) it must equal one of the one-sided derivatives."""
    f0, fp, fm = f(0.0), f(eps), f(-eps)
    right, left = (fp - f0) / eps, (f0 - fm) / eps
    if right == pytest.approx(left, rel=1e-3, abs=1e-6):
        assert analytic == pytest.approx((fp - fm) / (2 * eps), rel=1e-4, abs=1e-7), where
    else:
        near = [v for v in (left, right) if analytic == pytest.approx(v, rel=1e-3, abs=1e-6)]
        assert near, (where, analytic, left, right)
