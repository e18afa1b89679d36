"""Tests for the fast pure-Python engine: gradients against finite differences, the SGD formula,
learning on a tiny synthetic set, output shapes, and that it never imports NumPy.
(Its fixed-point lanes on their own: test_python_lanes.py.)"""

# ruff: noqa: B905

from __future__ import annotations

import math
import random
import subprocess
import sys

import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines.params import init_params, param_shapes
from cnn_tui.core.engines.python import PythonEngine
from tests.core.python_engine_checks import (
    TINY,
    TINY_TWO_CONV,
    analytic_gradient,
    assert_matches_differences,
    batch_loss,
    make_images,
    shift_biases,
)


@pytest.mark.parametrize("arch", [TINY, TINY_TWO_CONV], ids=["one-conv", "two-conv"])
@pytest.mark.parametrize("conv_bias", [0.05, -0.05], ids=["b+", "b-"])
def test_every_gradient_matches_finite_differences(arch: Architecture, conv_bias: float) -> None:
    data = make_images(3, seed=1)
    indices = [0, 1, 2]
    params = shift_biases(init_params(arch, seed=3), conv_bias)
    grads = analytic_gradient(arch, params, data, indices)
    rng = random.Random(5)
    for name, shape in param_shapes(arch).items():
        size = math.prod(shape)
        for k in rng.sample(range(size), min(size, 6)):

            def loss_at(delta: float, name: str = name, k: int = k) -> float:
                moved = {n: list(v) for n, v in params.items()}
                moved[name][k] += delta
                return batch_loss(PythonEngine(arch, moved), data, indices)

            assert_matches_differences(grads[name][k], loss_at, (name, k))


def test_relu_gradient_at_exactly_zero_is_zero() -> None:
    """Freshly initialised conv biases are exactly 0, so background windows sit on ReLU's kink.
    Both engines take ReLU'(0) = 0 (gradient where z > 0): the bias gradient then equals the
    one-sided derivative from below."""
    data = make_images(3, seed=1)
    params = init_params(TINY, seed=3)
    assert params["conv1.bias"] == [0.0, 0.0]
    grads = analytic_gradient(TINY, params, data, [0, 1, 2])
    eps = 1e-6
    for c in range(2):
        minus = {n: list(v) for n, v in params.items()}
        minus["conv1.bias"][c] -= eps
        below = (
            batch_loss(PythonEngine(TINY, params), data, [0, 1, 2])
            - batch_loss(PythonEngine(TINY, minus), data, [0, 1, 2])
        ) / eps
        assert grads["conv1.bias"][c] == pytest.approx(below, rel=1e-4, abs=1e-7)


def test_gradients_on_images_without_background() -> None:
    """No zero pixels at all: every window is active (the dense path)."""
    data = make_images(2, seed=2, blank_border=False)
    params = shift_biases(init_params(TINY, seed=4), 0.05)
    grads = analytic_gradient(TINY, params, data, [0, 1])
    for name in ("conv1.weight", "conv1.bias", "dense1.weight", "dense1.bias"):
        for k in (0, 1):

            def loss_at(delta: float, name: str = name, k: int = k) -> float:
                moved = {n: list(v) for n, v in params.items()}
                moved[name][k] += delta
                return batch_loss(PythonEngine(TINY, moved), data, [0, 1])

            assert_matches_differences(grads[name][k], loss_at, (name, k))


@pytest.mark.parametrize("arch", [TINY, TINY_TWO_CONV], ids=["one-conv", "two-conv"])
def test_saliency_matches_finite_differences_on_the_input(arch: Architecture) -> None:
    params = shift_biases(init_params(arch, seed=6), 0.03)
    engine = PythonEngine(arch, params)
    # No blank pixels: on a blank patch all four conv outputs of a window tie, and the tie rule
    # (first maximum) picks a subgradient that finite differences cannot see.
    image = make_images(1, seed=7, blank_border=False).image(0)
    target = 3
    saliency = engine.saliency(image, target)
    assert len(saliency) == 784
    net = engine._exact_net()
    base = [b / 255 for b in image]

    def logit(pixel: int, delta: float) -> float:
        x = list(base)
        x[pixel] += delta
        return net.forward_pixels(x).logits[target]

    rng = random.Random(8)
    for pixel in rng.sample(range(784), 20) + [0, 27, 783]:
        assert_matches_differences(saliency[pixel], lambda d, p=pixel: logit(p, d), pixel)
    assert any(abs(v) > 1e-6 for v in saliency)


def test_sgd_step_with_momentum_and_weight_decay_follows_the_formula() -> None:
    """g ← g + wd·w (weights only); v ← μ·v + g; w ← w − lr·v."""
    arch = TINY
    data = make_images(4, seed=9)
    params = shift_biases(init_params(arch, seed=10), 0.02)
    grads = analytic_gradient(arch, params, data, [0, 1, 2, 3])
    rng = random.Random(11)
    velocity = {n: [rng.uniform(-0.1, 0.1) for _ in v] for n, v in params.items()}
    lr, mu, wd = 0.1, 0.9, 0.01
    engine = PythonEngine(arch, params)
    engine.set_velocity(velocity)
    engine.train_batch(data, [0, 1, 2, 3], Hyperparameters(lr=lr, momentum=mu, weight_decay=wd))
    new_params, new_velocity = engine.get_params(), engine.get_velocity()
    for name, w in params.items():
        decay = wd if name.endswith(".weight") else 0.0
        for k in range(len(w)):
            g = grads[name][k] + decay * w[k]
            v = mu * velocity[name][k] + g
            # (the two gradients come from different lane sums: each within ~1e-9 of float64)
            assert new_velocity[name][k] == pytest.approx(v, rel=1e-7, abs=1e-9), (name, k)
            assert new_params[name][k] == pytest.approx(w[k] - lr * v, rel=1e-7, abs=1e-9)


def test_loss_falls_when_training_repeatedly_on_a_small_set() -> None:
    data = make_images(10, seed=12)
    engine = PythonEngine(TINY, init_params(TINY, seed=13))
    hyper = Hyperparameters(lr=0.1, momentum=0.5)
    first = engine.train_batch(data, range(10), hyper).loss
    for _ in range(60):
        last = engine.train_batch(data, range(10), hyper)
    assert last.loss < 0.5 * first
    assert last.correct >= 8


def test_background_shortcut_equals_the_dense_computation() -> None:
    """Skipping blank windows must not change any output (biases of both signs)."""
    data = make_images(3, seed=14)
    arch = Architecture(filters=3, hidden=6)
    params = init_params(arch, seed=15)
    params["conv1.bias"] = [0.07, -0.03, 0.0]
    engine = PythonEngine(arch, params)
    net = engine._exact_net()
    for i in range(3):
        sparse = net.forward(data.image(i)).logits
        dense = net.forward(data.image(i), dense=True).logits
        assert sparse == pytest.approx(dense, rel=1e-12, abs=1e-12)


def test_training_network_in_lanes_matches_the_exact_one() -> None:
    """The training network's fixed-point dense1 products agree with plain floats to ~1e-7,
    forward (z1, logits) and backward (∂L/∂z1 and every accumulated gradient)."""
    data = make_images(4, seed=21)
    arch = Architecture(filters=4, hidden=24)
    params = shift_biases(init_params(arch, seed=22), 0.02)
    engine = PythonEngine(arch, params)
    fast, exact = engine._net(), engine._exact_net()
    assert type(fast.dense1).__name__ == "PackedMatrix"
    assert type(exact.dense1).__name__ == "FloatMatrix"
    for i in range(4):
        image = data.image(i)
        got, expected = fast.forward(image), exact.forward(image)
        assert got.z1 == pytest.approx(expected.z1, rel=1e-6, abs=1e-7)
        assert got.logits == pytest.approx(expected.logits, rel=1e-6, abs=1e-7)
        grad_logits = [p - (k == i) for k, p in enumerate(expected.probabilities)]
        grads_fast, grads_exact = engine._zero_grads(), engine._zero_grads()
        g_fast = fast.backward(got, grad_logits, grads_fast)
        g_exact = exact.backward(expected, grad_logits, grads_exact)
        assert g_fast == pytest.approx(g_exact, rel=1e-6, abs=1e-8)
        for name, values in grads_exact.items():
            flat_got = [
                v for row in grads_fast[name] for v in (row if isinstance(row, list) else [row])
            ]
            flat_expected = [v for row in values for v in (row if isinstance(row, list) else [row])]
            assert flat_got == pytest.approx(flat_expected, rel=1e-5, abs=1e-8), name


@pytest.mark.parametrize("arch", [TINY, TINY_TWO_CONV], ids=["one-conv", "two-conv"])
def test_predict_and_inspect_shapes(arch: Architecture) -> None:
    data = make_images(5, seed=16)
    engine = PythonEngine(arch, init_params(arch, seed=17))
    pred = engine.predict(data, 1, 4)
    assert len(pred.predicted) == len(pred.probabilities) == 3
    for p, k in zip(pred.probabilities, pred.predicted):
        assert len(p) == 10 and sum(p) == pytest.approx(1.0)
        assert p[k] == max(p)
    assert pred.loss > 0.0
    view = engine.inspect(data.image(0))
    assert sum(view.probabilities) == pytest.approx(1.0)
    assert view.probabilities == pytest.approx(pred_probs(engine, data, 0))
    assert len(view.layers) == len(arch.conv_layers)
    for layer, (c_in, c_out, side, pooled) in zip(view.layers, arch.conv_shapes()):
        assert (layer.in_channels, layer.channels) == (c_in, c_out)
        assert (layer.side, layer.pooled_side) == (side, pooled)
        assert len(layer.maps) == c_out * side * side
        assert len(layer.pooled) == c_out * pooled * pooled
        assert len(layer.kernels) == c_out * c_in * 9
        assert len(layer.biases) == c_out
        assert min(layer.maps) >= 0.0  # after ReLU
        # each pooled value is the max of its 2×2 window of maps
        assert layer.pooled[0] == max(
            layer.maps[0], layer.maps[1], layer.maps[side], layer.maps[side + 1]
        )


def pred_probs(engine: PythonEngine, data: Dataset, index: int) -> list[float]:
    return engine.predict(data, index, index + 1).probabilities[0]


def test_params_and_velocity_round_trip_and_bad_shapes_are_refused() -> None:
    params = init_params(TINY_TWO_CONV, seed=18)
    engine = PythonEngine(TINY_TWO_CONV, params)
    assert engine.get_params() == params
    assert all(v == [0.0] * len(params[n]) for n, v in engine.get_velocity().items())
    broken = dict(params, **{"dense1.weight": params["dense1.weight"][:-1]})
    with pytest.raises(ValueError, match="dense1.weight"):
        engine.set_params(broken)
    with pytest.raises(ValueError, match="saliency target"):
        engine.saliency(bytes(784), 10)


def test_importing_the_engine_does_not_import_numpy() -> None:
    code = (
        "import sys\n"
        "from cnn_tui.core.engines.python import PythonEngine\n"
        "from cnn_tui.core.contract.config import Architecture\n"
        "from cnn_tui.core.engines.params import init_params\n"
        "from cnn_tui.core.data.dataset import Dataset\n"
        "from cnn_tui.core.contract.config import Hyperparameters\n"
        "a = Architecture(filters=2, hidden=4)\n"
        "e = PythonEngine(a, init_params(a, 0))\n"
        "d = Dataset(bytes(range(256)) * 3 + bytes(16), bytes([1]))\n"
        "e.train_batch(d, [0], Hyperparameters())\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_default_network_gradient_with_trained_like_biases() -> None:
    """The default architecture (8 filters, 128 hidden, F = 1352) with biases of both signs —
    the shapes the lanes and the background constant run at — against finite differences."""
    arch = Architecture()
    data = make_images(2, seed=22)
    params = init_params(arch, seed=23)
    params["conv1.bias"] = [0.04, -0.02, 0.01, 0.0, 0.03, -0.05, 0.02, 0.06]
    grads = analytic_gradient(arch, params, data, [0, 1])
    w1 = grads["dense1.weight"]
    picks = [("conv1.bias", 0), ("conv1.bias", 5), ("conv1.weight", 40)]  # b > 0, b < 0
    # dense1: a background input (channel 0's first window is blank: x = ReLU(0.04)), and the
    # largest gradient (an inked input)
    picks += [
        ("dense1.weight", 0),
        ("dense1.weight", max(range(len(w1)), key=lambda k: abs(w1[k]))),
    ]
    for name, k in picks:

        def loss_at(delta: float, name: str = name, k: int = k) -> float:
            moved = {n: list(v) for n, v in params.items()}
            moved[name][k] += delta
            return batch_loss(PythonEngine(arch, moved), data, [0, 1])

        assert_matches_differences(grads[name][k], loss_at, (name, k))


@pytest.mark.parametrize("where", ["dense2.bias", "conv1.bias"])
def test_a_diverged_network_reports_a_non_finite_loss(where: str) -> None:
    """inf/nan weights (after an overflow) give a non-finite loss, never an exception: the
    fixed-point lanes and the math.dist products fall back to plain floats."""
    arch = Architecture(filters=2, hidden=5)
    params = init_params(arch, 0)
    params[where][:2] = [math.inf, -math.inf]
    engine = PythonEngine(arch, params)
    data = make_images(4, seed=25)
    result = engine.train_batch(data, [0, 1, 2, 3], Hyperparameters())
    assert not math.isfinite(result.loss)
    assert not math.isfinite(engine.predict(data).loss)
    engine.train_batch(data, [0, 1, 2, 3], Hyperparameters())  # and again, on nan weights
