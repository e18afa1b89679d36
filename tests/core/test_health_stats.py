"""Layer health's numbers (core/engines/observation.py, core/health/): every engine against
values worked out by hand on a tiny network, the engines against each other, and the window's
formulas."""

from __future__ import annotations

import math
import random

import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines.interface import Engine
from cnn_tui.core.engines.numpy import NumpyEngine
from cnn_tui.core.engines.observation import (
    Observation,
    ReluStats,
    StepObservation,
    TensorStats,
)
from cnn_tui.core.engines.params import init_params, param_shapes
from cnn_tui.core.engines.python import PythonEngine
from cnn_tui.core.engines.reference import ReferenceEngine
from cnn_tui.core.health.window import HealthWindow

TINY = Architecture(filters=2, hidden=2)
LR = 0.5


def engines(arch: Architecture, params: dict[str, list[float]]) -> list[Engine]:
    return [
        ReferenceEngine(arch, params),
        PythonEngine(arch, params),
        NumpyEngine(arch, params, dtype="float64"),
    ]


def hand_params() -> dict[str, list[float]]:
    """Kernels 0 with biases (0.5, −0.5): every pooled conv1 output is 0.5 in channel 0 and 0 in
    channel 1. dense1 weights 0, biases (1, −1): hidden = (1, 0). dense2 all 0: p = 0.1 each."""
    params = {name: [0.0] * math.prod(s) for name, s in param_shapes(TINY).items()}
    params["conv1.bias"] = [0.5, -0.5]
    params["dense1.bias"] = [1.0, -1.0]
    return params


def two_threes() -> Dataset:
    rng = random.Random(0)
    return Dataset(bytes(rng.randrange(256) for _ in range(2 * 784)), bytes([3, 3]))


@pytest.mark.parametrize("index", [0, 1, 2], ids=["reference", "python", "numpy"])
def test_every_engine_measures_the_hand_computed_values(index: int) -> None:
    engine = engines(TINY, hand_params())[index]
    result = engine.train_batch(two_threes(), [0, 1], Hyperparameters(lr=LR), Observation(bins=5))
    observed = result.observed
    assert observed is not None
    conv1, dense1 = observed.relus
    # conv1: 2 channels × 13×13 pooled units; channel 0 is 0.5 everywhere, channel 1 is 0
    assert (conv1.layer, conv1.channels, conv1.count) == ("conv1", 2, 2 * 338)
    assert conv1.positive == bytes([1]) * 169 + bytes(169)
    assert conv1.total == pytest.approx(2 * 169 * 0.5)
    assert conv1.total_sq == pytest.approx(2 * 169 * 0.25)
    # dense1: hidden = (1, 0) for both images
    assert (dense1.positive, dense1.total, dense1.total_sq, dense1.count) == (b"\1\0", 2, 2, 4)
    tensors = {t.name: t for t in observed.tensors}
    assert list(tensors) == ["conv1.weight", "dense1.weight", "dense2.weight"]  # weights only
    # ∂L/∂logits = (p − onehot)/2 per image, p = 0.1: ∂L/∂W2[r, k] = Σ_n g_n[r]·h_n[k] with
    # h = (1, 0): column 0 is 0.1 (r ≠ 3) and −0.9 (r = 3), column 1 is 0.  Σ g² = 9·0.01 + 0.81
    w2 = tensors["dense2.weight"]
    assert w2.count == 20
    assert w2.grad_sq == pytest.approx(0.9)
    assert w2.update_sq == pytest.approx(LR * LR * 0.9)  # Δw = −lr·g
    assert w2.weight_sq == pytest.approx(LR * LR * 0.9)  # w was 0: w = Δw
    # W2 = 0 sends nothing back: the other layers have no gradient and do not move
    for name in ("conv1.weight", "dense1.weight"):
        t = tensors[name]
        assert (t.weight_sq, t.grad_sq, t.update_sq) == (0.0, 0.0, 0.0)
    # histograms over ±max|x| in 5 bins: W2 after the step is −lr·g: nine −0.05, one 0.45, ten 0
    assert w2.weights is not None and w2.grads is not None
    assert w2.weights.limit == pytest.approx(0.45)
    assert w2.weights.counts == (0, 0, 19, 0, 1)  # −0.05 lies in the middle bin (±0.09)
    assert w2.grads.limit == pytest.approx(0.9)
    assert w2.grads.counts == (1, 0, 19, 0, 0)
    w1_hist = tensors["dense1.weight"].weights
    assert w1_hist is not None and w1_hist.counts == (0, 0, 2 * 338, 0, 0)  # all 0: middle


def test_without_observe_nothing_is_measured() -> None:
    for engine in engines(TINY, hand_params()):
        assert engine.train_batch(two_threes(), [0, 1], Hyperparameters(lr=LR)).observed is None


def noise(count: int) -> Dataset:
    rng = random.Random(1)
    pixels = bytes(rng.choice((0, 0, 0, rng.randrange(256))) for _ in range(784 * count))
    return Dataset(pixels, bytes(rng.randrange(10) for _ in range(count)))


@pytest.mark.parametrize("filters2", [0, 3])
@pytest.mark.parametrize("momentum,decay", [(0.0, 0.0), (0.9, 0.01)])
def test_the_engines_agree(filters2: int, momentum: float, decay: float) -> None:
    arch = Architecture(filters=2, filters2=filters2, hidden=6)
    hyper = Hyperparameters(lr=0.1, momentum=momentum, weight_decay=decay)
    data = noise(8)
    seen: list[StepObservation] = []
    for engine in engines(arch, init_params(arch, 3)):
        engine.train_batch(data, [0, 1, 2, 3], hyper)  # a velocity to carry into the next
        observed = engine.train_batch(data, [4, 5, 6, 7], hyper, Observation(bins=5)).observed
        assert observed is not None
        seen.append(observed)
    reference = seen[0]
    for other in seen[1:]:
        for a, b in zip(reference.relus, other.relus, strict=True):
            assert (a.layer, a.positive, a.count) == (b.layer, b.positive, b.count)
            assert b.total == pytest.approx(a.total, rel=1e-6)
            assert b.total_sq == pytest.approx(a.total_sq, rel=1e-6)
        for s, t in zip(reference.tensors, other.tensors, strict=True):
            assert (s.name, s.count) == (t.name, t.count)
            for field in ("weight_sq", "grad_sq", "update_sq"):
                assert getattr(t, field) == pytest.approx(getattr(s, field), rel=1e-6)
            for h, k in ((s.weights, t.weights), (s.grads, t.grads)):
                assert h is not None and k is not None
                assert (k.limit, k.counts) == (pytest.approx(h.limit, rel=1e-6), h.counts)


def test_the_window_folds_observed_steps_by_its_formulas() -> None:
    def step(
        positive: bytes, total: float, sq: float, w: float, g: float, u: float
    ) -> StepObservation:
        relu = ReluStats("conv1", 2, positive, total, sq, 4 * len(positive))
        conv = TensorStats("conv1.weight", 10, w, g, u)
        dense2 = TensorStats("dense2.weight", 10, 4.0, 1.0, 0.0)
        return StepObservation((relu,), (conv, dense2))

    window = HealthWindow()
    window.add(step(b"\1\0\0\0", 8.0, 40.0, 10.0, 0.4, 1e-5), images=4)
    window.add(step(b"\0\0\1\0", 8.0, 24.0, 30.0, 0.6, 3e-5), images=4)
    event = window.measured(first_step=1, step=50)
    assert event is not None
    assert (event.step, event.first_step, event.observed, event.images) == (50, 1, 2, 8)
    conv1, dense2 = event.layers
    assert conv1.weight_rms == pytest.approx(math.sqrt(40 / 20))  # √(Σ w² / Σ n)
    assert conv1.gradient_rms == pytest.approx(math.sqrt(1 / 20))
    assert conv1.update_ratio == pytest.approx(math.sqrt(4e-5 / 40))  # = RMS(Δw) / RMS(w)
    assert conv1.dead_share == 0.5  # units 1 and 3 never positive
    assert conv1.dead_channels == (0.5, 0.5)  # channel 0 = units 0, 1; channel 1 = 2, 3
    assert conv1.activation_mean == pytest.approx(16 / 32)
    assert conv1.activation_std == pytest.approx(math.sqrt(64 / 32 - 0.25))
    assert math.isnan(dense2.dead_share) and math.isnan(dense2.activation_mean)  # no ReLU
    assert dense2.dead_channels == ()
    assert dense2.update_ratio == 0.0
    assert window.measured(51, 100) is None  # a fresh window: nothing observed yet
