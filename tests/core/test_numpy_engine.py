"""Tests for the NumPy engine: gradients against finite differences, the SGD rule, max-pool ties,
learning, both precisions, and the parameter exchange. Tiny architectures, synthetic images."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters
from cnn_tui.core.data.dataset import PIXELS, Dataset
from cnn_tui.core.engines.numpy import NumpyEngine
from cnn_tui.core.engines.numpy import engine as engine_module
from cnn_tui.core.engines.numpy.pool import MaxPoolReLU
from cnn_tui.core.engines.params import init_params, param_shapes
from tests.synthetic import blobs

ONE_CONV = Architecture(filters=2, hidden=5)
TWO_CONV = Architecture(filters=2, filters2=3, hidden=5)  # conv2 side 11: odd edge dropped


def noisy_images(count: int, seed: int) -> Dataset:
    """Random pixels 1–255 (no exact zeros, so no ReLU or pool sits exactly on a kink)."""
    rng = np.random.default_rng(seed)
    images = rng.integers(1, 256, (count, PIXELS), dtype=np.uint8)
    labels = rng.integers(0, 10, count, dtype=np.uint8)
    return Dataset(images.tobytes(), labels.tobytes(), "noise")


def engine_with_biases(arch: Architecture, seed: int = 3, dtype: str = "float64") -> NumpyEngine:
    """An engine from init_params, with small random biases (init sets them to 0)."""
    engine = NumpyEngine(arch, init_params(arch, seed), dtype=dtype)
    rng = np.random.default_rng(seed)
    for name, array in engine.param_arrays().items():
        if name.endswith(".bias"):
            array[...] = rng.normal(0.0, 0.1, array.shape)
    return engine


@pytest.mark.parametrize("arch", [ONE_CONV, TWO_CONV], ids=["one-conv", "two-conv"])
def test_every_gradient_matches_central_differences(arch: Architecture) -> None:
    engine = engine_with_biases(arch)
    data = noisy_images(3, seed=1)
    batch = [0, 1, 2]
    _, grads = engine.loss_and_gradients(data, batch)
    rng = np.random.default_rng(0)
    eps = 1e-6
    for name, array in engine.param_arrays().items():
        assert grads[name].shape == param_shapes(arch)[name]
        assert np.any(grads[name] != 0.0), name
        for flat in rng.choice(array.size, min(12, array.size), replace=False):
            at = np.unravel_index(flat, array.shape)
            old = array[at]
            array[at] = old + eps
            loss_plus, _ = engine.loss_and_gradients(data, batch)
            array[at] = old - eps
            loss_minus, _ = engine.loss_and_gradients(data, batch)
            array[at] = old
            numeric = (loss_plus - loss_minus) / (2 * eps)
            assert grads[name][at] == pytest.approx(numeric, rel=1e-5, abs=1e-9), (name, at)


@pytest.mark.parametrize("arch", [ONE_CONV, TWO_CONV], ids=["one-conv", "two-conv"])
def test_saliency_matches_central_differences(arch: Architecture) -> None:
    engine = engine_with_biases(arch)
    image = noisy_images(1, seed=2).image(0)
    target = 7
    saliency = np.array(engine.saliency(image, target))
    assert saliency.shape == (PIXELS,)
    x = np.frombuffer(image, np.uint8).astype(np.float64) / 255.0
    rng = np.random.default_rng(1)
    eps = 1e-6
    for pixel in rng.choice(PIXELS, 40, replace=False):
        plus, minus = x.copy(), x.copy()
        plus[pixel] += eps
        minus[pixel] -= eps
        numeric = (engine.logits(plus[None])[0, target] - engine.logits(minus[None])[0, target]) / (
            2 * eps
        )
        assert saliency[pixel] == pytest.approx(numeric, rel=1e-5, abs=1e-9), pixel


def test_sgd_with_momentum_and_weight_decay_follows_the_formula() -> None:
    """g ← g + wd·w (weights only); v ← mu·v + g; w ← w − lr·v — two steps, so v carries over."""
    hyper = Hyperparameters(lr=0.05, momentum=0.9, weight_decay=0.01, batch_size=4)
    engine = engine_with_biases(ONE_CONV)
    data = noisy_images(8, seed=4)
    w = {k: v.copy() for k, v in engine.param_arrays().items()}
    v = {k: np.zeros_like(a) for k, a in w.items()}
    for batch in ([0, 1, 2, 3], [4, 5, 6, 7]):
        _, grads = engine.loss_and_gradients(data, batch)
        for name in w:
            g = grads[name] + (hyper.weight_decay * w[name] if name.endswith(".weight") else 0.0)
            v[name] = hyper.momentum * v[name] + g
            w[name] = w[name] - hyper.lr * v[name]
        engine.train_batch(data, batch, hyper)
    params, velocity = engine.get_params(), engine.get_velocity()
    for name in w:
        np.testing.assert_allclose(params[name], w[name].ravel(), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(velocity[name], v[name].ravel(), rtol=1e-12, atol=1e-15)


def test_plain_sgd_step_and_its_velocity_then_momentum_continues_from_it() -> None:
    """Momentum 0: w ← w − lr·g and v = g (as the rule says); switching momentum on uses that v."""
    engine = engine_with_biases(ONE_CONV)
    data = noisy_images(8, seed=5)
    w0 = {k: v.copy() for k, v in engine.param_arrays().items()}
    _, g1 = engine.loss_and_gradients(data, [0, 1, 2, 3])
    engine.train_batch(data, [0, 1, 2, 3], Hyperparameters(lr=0.1))
    params, velocity = engine.get_params(), engine.get_velocity()
    w1 = {}
    for name in w0:
        w1[name] = w0[name] - 0.1 * g1[name]
        np.testing.assert_allclose(params[name], w1[name].ravel(), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(velocity[name], g1[name].ravel(), rtol=1e-12, atol=1e-15)
    # without reading the velocity in between: the pending v = g1 must still be used
    engine2 = engine_with_biases(ONE_CONV)
    engine2.train_batch(data, [0, 1, 2, 3], Hyperparameters(lr=0.1))
    _, g2 = engine2.loss_and_gradients(data, [4, 5, 6, 7])
    engine2.train_batch(data, [4, 5, 6, 7], Hyperparameters(lr=0.1, momentum=0.5))
    params2 = engine2.get_params()
    for name in w0:
        expected = w1[name] - 0.1 * (0.5 * g1[name] + g2[name])
        np.testing.assert_allclose(params2[name], expected.ravel(), rtol=1e-12, atol=1e-15)


def test_max_pool_gradient_goes_to_the_first_maximum() -> None:
    """Windows (row-major: top-left, top-right, bottom-left, bottom-right), after ReLU."""
    windows = [
        [2.0, 2.0, 2.0, 2.0],  # all tied → top-left
        [1.0, 3.0, 3.0, 2.0],  # tie top-right / bottom-left → top-right
        [1.0, 2.0, 3.0, 3.0],  # tie bottom row → bottom-left
        [0.5, 1.0, 2.0, 4.0],  # no tie → bottom-right
        [-1.0, -1.0, -2.0, -1.0],  # max ≤ 0: ReLU closed, no gradient
        [0.0, 0.0, 0.0, 0.0],  # max = 0: ReLU closed at its kink, no gradient
    ]
    n = len(windows)
    pool = MaxPoolReLU(channels=1, pooled_side=1, dtype=np.dtype(np.float64))
    z = np.array(windows).T.reshape(1, 2, 2, 1, 1, n)  # window-major: corner (a, b), batch
    out = pool.forward(z)
    np.testing.assert_array_equal(out.ravel(), [2.0, 3.0, 3.0, 4.0, 0.0, 0.0])
    grad_out = np.arange(1.0, n + 1).reshape(1, 1, 1, n)
    grad_z = pool.backward(grad_out).reshape(4, n).T  # per window, corners in row-major order
    expected = np.zeros((n, 4))
    for window, corner in enumerate([0, 1, 2, 3]):
        expected[window, corner] = window + 1.0
    np.testing.assert_array_equal(grad_z, expected)


def test_ties_in_a_real_conv_layer_send_the_gradient_to_top_left_corners() -> None:
    """A constant image makes every conv output equal (positive): the first maximum of each window
    is its top-left corner (even row, even column), whose 3×3 patches never touch pixel row 27
    or column 27; a last-maximum rule would reach them and skip row 0 instead."""
    engine = NumpyEngine(ONE_CONV, init_params(ONE_CONV, 0), dtype="float64")
    engine.param_arrays()["conv1.bias"][...] = 1.0  # outputs > 0 everywhere: ReLU open
    saliency = np.array(engine.saliency(bytes([128]) * PIXELS, target=3)).reshape(28, 28)
    assert np.all(saliency[27, :] == 0.0) and np.all(saliency[:, 27] == 0.0)
    assert np.any(saliency[0, :] != 0.0) and np.any(saliency[:, 0] != 0.0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_loss_falls_on_a_small_synthetic_set(dtype: str) -> None:
    arch = Architecture(filters=4, hidden=32)
    engine = NumpyEngine(arch, init_params(arch, 0), dtype=dtype)
    data = blobs(200, seed=1)
    hyper = Hyperparameters(lr=0.05, momentum=0.9, batch_size=20)
    before = engine.predict(data)
    order = np.random.default_rng(0)
    for _ in range(5):
        indices = order.permutation(len(data)).tolist()
        for start in range(0, len(data), 20):
            result = engine.train_batch(data, indices[start : start + 20], hyper)
            assert math.isfinite(result.loss) and 0 <= result.correct <= 20
    after = engine.predict(data)
    assert after.loss < 0.5 * before.loss
    labels = list(data.labels)
    accuracy = sum(p == y for p, y in zip(after.predicted, labels, strict=True)) / len(labels)
    assert accuracy > 0.9
    assert all(a.dtype == np.dtype(dtype) for a in engine.param_arrays().values())


def test_float32_and_float64_agree_closely() -> None:
    arch = Architecture(filters=3, filters2=4, hidden=16)
    data = noisy_images(16, seed=6)
    hyper = Hyperparameters(lr=0.02, momentum=0.5, batch_size=8)
    engines = [NumpyEngine(arch, init_params(arch, 1), dtype=d) for d in ("float32", "float64")]
    for batch in ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 14, 15], [3, 1, 4]):
        r32, r64 = (e.train_batch(data, batch, hyper) for e in engines)
        assert r32.loss == pytest.approx(r64.loss, rel=1e-4)
    p32, p64 = (e.predict(data).probabilities for e in engines)
    np.testing.assert_allclose(p32, p64, rtol=1e-3, atol=1e-5)


def test_params_and_velocity_round_trip_in_the_canonical_layout() -> None:
    params = init_params(TWO_CONV, 7)
    engine = NumpyEngine(TWO_CONV, params, dtype="float64")
    assert engine.get_params() == params
    assert all(v == [0.0] * len(v) for v in engine.get_velocity().values())
    velocity = {k: [float(i) for i in range(len(v))] for k, v in params.items()}
    engine.set_velocity(velocity)
    assert engine.get_velocity() == velocity
    # a conv kernel lands in place: conv1.weight[o, 0, di, dj] is flat index o·9 + 3·di + dj
    engine.param_arrays()["conv1.weight"][1, 0, 2, 0] = 5.0
    assert engine.get_params()["conv1.weight"][1 * 9 + 3 * 2 + 0] == 5.0


def test_set_params_refuses_a_wrong_size_or_a_missing_name() -> None:
    params = init_params(ONE_CONV, 0)
    engine = NumpyEngine(ONE_CONV, params)
    with pytest.raises(ValueError, match="dense1.weight"):
        engine.set_params({**params, "dense1.weight": [0.0] * 3})
    with pytest.raises(ValueError, match="conv1.bias"):
        engine.set_params({k: v for k, v in params.items() if k != "conv1.bias"})
    with pytest.raises(ValueError, match="float16"):
        NumpyEngine(ONE_CONV, params, dtype="float16")


def test_predict_in_chunks_matches_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = engine_with_biases(TWO_CONV)
    data = noisy_images(23, seed=8)
    whole = engine.predict(data, 2, 21)
    monkeypatch.setattr(engine_module, "PREDICT_CHUNK", 4)
    chunked = engine.predict(data, 2, 21)
    assert chunked.predicted == whole.predicted
    np.testing.assert_allclose(chunked.probabilities, whole.probabilities, rtol=1e-12)
    assert chunked.loss == pytest.approx(whole.loss, rel=1e-12)
    p = np.array(whole.probabilities)
    assert p.shape == (19, 10)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    labels = np.frombuffer(data.labels, np.uint8)[2:21]
    assert whole.loss == pytest.approx(float(np.mean(-np.log(p[np.arange(19), labels] + 1e-10))))
    assert whole.predicted == p.argmax(axis=1).tolist()
    assert engine.predict(data, 5, 5).predicted == []
    with pytest.raises(ValueError, match="outside"):
        engine.predict(data, 0, 24)


def test_batch_sizes_can_change_between_steps() -> None:
    engine = NumpyEngine(ONE_CONV, init_params(ONE_CONV, 0))
    data = noisy_images(40, seed=9)
    for size in (32, 1, 7, 32, 40, 3, 1):
        result = engine.train_batch(data, list(range(size)), Hyperparameters(batch_size=size))
        assert math.isfinite(result.loss)
    with pytest.raises(ValueError, match="at least one"):
        engine.train_batch(data, [], Hyperparameters())


def test_inspect_shows_each_conv_layer_as_flat_floats() -> None:
    engine = engine_with_biases(TWO_CONV)
    image = noisy_images(1, seed=10).image(0)
    view = engine.inspect(image)
    assert len(view.probabilities) == 10 and sum(view.probabilities) == pytest.approx(1.0)
    first, second = view.layers
    assert (first.channels, first.in_channels, first.side, first.pooled_side) == (2, 1, 26, 13)
    assert (second.channels, second.in_channels, second.side, second.pooled_side) == (3, 2, 11, 5)
    for layer in view.layers:
        c, s, p = layer.channels, layer.side, layer.pooled_side
        assert all(type(v) is float for v in layer.maps + layer.pooled + layer.kernels)
        assert len(layer.kernels) == c * layer.in_channels * 9 and len(layer.biases) == c
        maps = np.array(layer.maps).reshape(c, s, s)
        assert maps.min() >= 0.0  # after ReLU
        # pooled = 2×2 max of the maps, the odd last row and column dropped
        expected = maps[:, : 2 * p, : 2 * p].reshape(c, p, 2, p, 2).max(axis=(2, 4))
        np.testing.assert_allclose(np.array(layer.pooled).reshape(c, p, p), expected)
    # conv1's maps against the definition, computed naively
    x = np.frombuffer(image, np.uint8).reshape(28, 28) / 255.0
    kernels = np.array(first.kernels).reshape(2, 3, 3)
    for o, i, j in [(0, 0, 0), (1, 25, 25), (1, 7, 19)]:
        z = float((kernels[o] * x[i : i + 3, j : j + 3]).sum() + first.biases[o])
        assert first.maps[o * 26 * 26 + i * 26 + j] == pytest.approx(max(z, 0.0), abs=1e-12)
    assert view.probabilities == pytest.approx(
        engine.predict(Dataset(image, b"\x00")).probabilities[0]
    )


def test_inspect_and_saliency_refuse_bad_input() -> None:
    engine = NumpyEngine(ONE_CONV, init_params(ONE_CONV, 0))
    with pytest.raises(ValueError, match="784"):
        engine.inspect(b"\x00" * 100)
    with pytest.raises(ValueError, match="target"):
        engine.saliency(b"\x00" * PIXELS, 10)


def test_a_diverged_network_reports_a_non_finite_loss_without_warnings() -> None:
    engine = NumpyEngine(ONE_CONV, init_params(ONE_CONV, 0))
    engine.param_arrays()["dense2.bias"][:2] = [np.inf, -np.inf]  # as after an overflow
    data = noisy_images(4, seed=11)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a NumPy RuntimeWarning would fail the test
        result = engine.train_batch(data, [0, 1, 2, 3], Hyperparameters())
        predictions = engine.predict(data)
    assert not math.isfinite(result.loss)
    assert not math.isfinite(predictions.loss)
