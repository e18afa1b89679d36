"""Layer health in the torch engine (core/engines/torch/observe.py): the hand-computed values of
tests/core/test_health_stats.py, and the same observation as the NumPy engine (float64) with
momentum, weight decay and a second conv layer; without ``observe`` nothing is measured."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")  # CI installs PyTorch (see test_torch_engine.py)

from cnn_tui.core.contract.config import Architecture, Hyperparameters  # noqa: E402
from cnn_tui.core.engines.numpy import NumpyEngine  # noqa: E402
from cnn_tui.core.engines.observation import Observation  # noqa: E402
from cnn_tui.core.engines.params import init_params  # noqa: E402
from cnn_tui.core.engines.torch import TorchEngine  # noqa: E402
from tests.core.test_health_stats import LR, TINY, hand_params, noise, two_threes  # noqa: E402


def test_the_hand_computed_values() -> None:
    engine = TorchEngine(TINY, hand_params(), dtype="float64")
    result = engine.train_batch(two_threes(), [0, 1], Hyperparameters(lr=LR), Observation(bins=5))
    observed = result.observed
    assert observed is not None
    conv1, dense1 = observed.relus
    assert (conv1.layer, conv1.channels, conv1.count) == ("conv1", 2, 2 * 338)
    assert conv1.positive == bytes([1]) * 169 + bytes(169)  # channel 0 is 0.5, channel 1 is 0
    assert conv1.total == pytest.approx(169.0) and conv1.total_sq == pytest.approx(84.5)
    assert (dense1.positive, dense1.total, dense1.total_sq, dense1.count) == (b"\1\0", 2, 2, 4)
    tensors = {t.name: t for t in observed.tensors}
    assert list(tensors) == ["conv1.weight", "dense1.weight", "dense2.weight"]
    w2 = tensors["dense2.weight"]
    assert (w2.count, w2.grad_sq) == (20, pytest.approx(0.9))
    assert w2.update_sq == pytest.approx(LR * LR * 0.9)
    assert w2.weight_sq == pytest.approx(LR * LR * 0.9)
    assert w2.weights is not None and w2.grads is not None
    assert (w2.weights.limit, w2.weights.counts) == (pytest.approx(0.45), (0, 0, 19, 0, 1))
    assert (w2.grads.limit, w2.grads.counts) == (pytest.approx(0.9), (1, 0, 19, 0, 0))
    for name in ("conv1.weight", "dense1.weight"):
        t = tensors[name]
        assert (t.weight_sq, t.grad_sq, t.update_sq) == (0.0, 0.0, 0.0)


def test_without_observe_nothing_is_measured() -> None:
    engine = TorchEngine(TINY, hand_params(), dtype="float64")
    assert engine.train_batch(two_threes(), [0, 1], Hyperparameters(lr=LR)).observed is None


@pytest.mark.parametrize("filters2", [0, 3])
@pytest.mark.parametrize("momentum,decay", [(0.0, 0.0), (0.9, 0.01)])
def test_torch_observes_what_numpy_observes(filters2: int, momentum: float, decay: float) -> None:
    arch = Architecture(filters=2, filters2=filters2, hidden=6)
    hyper = Hyperparameters(lr=0.1, momentum=momentum, weight_decay=decay)
    data = noise(8)
    seen = []
    for engine in (
        NumpyEngine(arch, init_params(arch, 3), dtype="float64"),
        TorchEngine(arch, init_params(arch, 3), dtype="float64"),
    ):
        engine.train_batch(data, [0, 1, 2, 3], hyper)  # a velocity to carry into the next
        observed = engine.train_batch(data, [4, 5, 6, 7], hyper, Observation(bins=5)).observed
        assert observed is not None
        seen.append(observed)
    numpy_seen, torch_seen = seen
    for a, b in zip(numpy_seen.relus, torch_seen.relus, strict=True):
        assert (a.layer, a.channels, a.positive, a.count) == (
            b.layer,
            b.channels,
            b.positive,
            b.count,
        )
        assert b.total == pytest.approx(a.total, rel=1e-6)
        assert b.total_sq == pytest.approx(a.total_sq, rel=1e-6)
    for s, t in zip(numpy_seen.tensors, torch_seen.tensors, strict=True):
        assert (s.name, s.count) == (t.name, t.count)
        for field in ("weight_sq", "grad_sq", "update_sq"):
            assert getattr(t, field) == pytest.approx(getattr(s, field), rel=1e-6)
        for h, k in ((s.weights, t.weights), (s.grads, t.grads)):
            assert h is not None and k is not None
            assert (k.limit, k.counts) == (pytest.approx(h.limit, rel=1e-6), h.counts)


def test_a_float32_run_observes_too() -> None:
    """The dashboard observes every run (health on by default), float32 included."""
    arch = Architecture(filters=2, hidden=6)
    engine = TorchEngine(arch, init_params(arch, 3))
    result = engine.train_batch(noise(8), [0, 1, 2, 3], Hyperparameters(), Observation(bins=8))
    observed = result.observed
    assert observed is not None
    assert [r.layer for r in observed.relus] == ["conv1", "dense1"]
    assert all(t.grads is not None and sum(t.grads.counts) == t.count for t in observed.tensors)
