"""The two fast engines agree: same seed, same batches → the same numbers.

Both compute the math of core/engines/interface.py (and both are held to the reference engine in
test_reference_engine.py). Here the NumPy engine in float64 must match the fast pure-Python one
(per-batch losses within relative 1e-4; in practice ~1e-8, the python engine's fixed-point lanes),
and in float32 within a looser bound — including the python engine's switches between lanes and
floats. Small architectures and few images per batch keep it fast; some runs use the default
architecture.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines import Engine, make_engine
from cnn_tui.core.engines.params import init_params
from tests.synthetic import blobs

SMALL = Architecture(filters=2, hidden=8)
SMALL_TWO_CONV = Architecture(filters=2, filters2=3, hidden=8)
BATCH = 4
BATCHES = 60


@pytest.fixture(scope="module")
def data() -> Dataset:
    return blobs(BATCH * BATCHES, seed=3)


def engines(arch: Architecture, precision: str = "float64", seed: int = 0) -> tuple[Engine, Engine]:
    python = make_engine(RunConfig(arch=arch, engine="python", seed=seed))
    numpy = make_engine(RunConfig(arch=arch, engine="numpy", precision=precision, seed=seed))
    assert (python.name, numpy.name) == ("python", "numpy")
    return python, numpy


def batches(count: int, size: int, total: int, seed: int = 0) -> list[list[int]]:
    """``count`` batches drawn from a seeded shuffle of ``total`` images."""
    order = np.random.default_rng(seed).permutation(total).tolist()
    return [order[(i * size) % total : (i * size) % total + size] for i in range(count)]


@pytest.mark.parametrize("arch", [Architecture(), SMALL_TWO_CONV], ids=["default", "two-conv"])
def test_both_start_from_identical_params(arch: Architecture) -> None:
    python, numpy = engines(arch, seed=5)
    expected = init_params(arch, 5)
    assert python.get_params() == expected
    assert numpy.get_params() == expected
    assert python.get_velocity() == numpy.get_velocity()


@pytest.mark.parametrize(
    ("arch", "hyper"),
    [
        (SMALL, Hyperparameters(lr=0.05, batch_size=BATCH)),
        (SMALL_TWO_CONV, Hyperparameters(lr=0.03, momentum=0.9, weight_decay=1e-3)),
    ],
    ids=["one-conv-plain-sgd", "two-conv-momentum-decay"],
)
def test_losses_agree_batch_by_batch_in_float64(
    data: Dataset, arch: Architecture, hyper: Hyperparameters
) -> None:
    python, numpy = engines(arch)
    for indices in batches(BATCHES, BATCH, len(data)):
        expected = python.train_batch(data, indices, hyper)
        got = numpy.train_batch(data, indices, hyper)
        assert got.loss == pytest.approx(expected.loss, rel=1e-4)
        assert got.correct == expected.correct
    for name, values in python.get_params().items():
        np.testing.assert_allclose(numpy.get_params()[name], values, rtol=1e-6, atol=1e-9)
    for name, values in python.get_velocity().items():
        np.testing.assert_allclose(numpy.get_velocity()[name], values, rtol=1e-6, atol=1e-9)


def test_default_architecture_agrees_for_a_few_batches(data: Dataset) -> None:
    python, numpy = engines(Architecture())
    hyper = Hyperparameters(lr=0.01, momentum=0.5, batch_size=2)
    for indices in batches(3, 2, len(data), seed=1):
        expected = python.train_batch(data, indices, hyper)
        got = numpy.train_batch(data, indices, hyper)
        assert got.loss == pytest.approx(expected.loss, rel=1e-4)
    np.testing.assert_allclose(
        numpy.get_params()["dense1.weight"],
        python.get_params()["dense1.weight"],
        rtol=1e-6,
        atol=1e-9,
    )


def test_plain_sgd_in_lanes_hands_over_to_momentum_and_back(data: Dataset) -> None:
    """The default network steps dense1 in lanes under plain SGD; switching momentum on mid-run
    (the velocity is formed from the packed step) and off again keeps the engines together."""
    python, numpy = engines(Architecture(), seed=2)
    plain, heavy = Hyperparameters(lr=0.02), Hyperparameters(lr=0.02, momentum=0.9)
    for k, indices in enumerate(batches(12, 8, len(data), seed=4)):
        hyper = heavy if 5 <= k < 9 else plain
        expected = python.train_batch(data, indices, hyper)
        got = numpy.train_batch(data, indices, hyper)
        assert got.loss == pytest.approx(expected.loss, rel=1e-4)
        if k == 4:  # the velocity after a plain step is that step's gradient
            np.testing.assert_allclose(
                numpy.get_velocity()["dense1.weight"],
                python.get_velocity()["dense1.weight"],
                rtol=1e-6,
                atol=1e-9,
            )
    for name, values in python.get_params().items():
        np.testing.assert_allclose(numpy.get_params()[name], values, rtol=1e-6, atol=1e-9)
    # prediction and inspection run the training network (lanes): within ~1e-7 of float64
    expected, got = python.predict(data, 0, 40), numpy.predict(data, 0, 40)
    assert got.predicted == expected.predicted
    np.testing.assert_allclose(got.probabilities, expected.probabilities, rtol=1e-5, atol=1e-8)
    view_p, view_n = python.inspect(data.image(3)), numpy.inspect(data.image(3))
    np.testing.assert_allclose(view_n.probabilities, view_p.probabilities, rtol=1e-5, atol=1e-8)
    for field in ("maps", "pooled", "kernels", "biases"):
        got_field, expected_field = (
            getattr(view_n.layers[0], field),
            getattr(view_p.layers[0], field),
        )
        np.testing.assert_allclose(got_field, expected_field, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    ("layer", "factor"),
    [("conv1.weight", 1e-300), ("dense1.weight", 1e-300), ("dense2.weight", 1400.0)],
    ids=["tiny-conv", "tiny-dense", "confident"],
)
def test_magnitudes_outside_the_lanes_fall_back_to_floats(
    data: Dataset, layer: str, factor: float
) -> None:
    """Weights too tiny for a lane's scale, or outputs so confident that p − onehot ≈ 1e-300:
    the Python engine computes those in floats and still agrees with NumPy — no exception.

    (After one step a tiny dense1 is normal-sized except the rows of units that were closed:
    those stay ≈ 1e-300, below the lanes' resolution next to the others, so their ReLU sign —
    and the run — can part from float64's there, as it would in float32. Only the first batch
    is compared for it.)"""
    python, numpy = engines(SMALL, seed=6)
    params = python.get_params()
    params[layer] = [v * factor for v in params[layer]]
    python.set_params(params)
    numpy.set_params(params)
    compared = 1 if layer == "dense1.weight" else 3
    for k, indices in enumerate(batches(3, BATCH, len(data), seed=7)):
        expected = python.train_batch(data, indices, Hyperparameters(lr=0.1))
        got = numpy.train_batch(data, indices, Hyperparameters(lr=0.1))
        assert math.isfinite(expected.loss)
        if k < compared:
            assert got.loss == pytest.approx(expected.loss, rel=1e-6, abs=1e-12)
    expected, got = python.predict(data, 0, 8), numpy.predict(data, 0, 8)
    if compared == 3:
        np.testing.assert_allclose(got.probabilities, expected.probabilities, rtol=1e-5, atol=1e-8)
    assert len(python.inspect(data.image(0)).probabilities) == 10


def test_plain_sgd_resumes_from_its_own_params_within_rounding(data: Dataset) -> None:
    """Under plain SGD dense1 is a sum of steps in lanes; its floats, reloaded, continue the run
    within the lanes' precision (not bit for bit: the sum carries bits the floats drop, and the
    products' rounding is chosen afresh)."""
    runs = [engines(Architecture(), seed=8)[0] for _ in range(2)]
    hyper = Hyperparameters(lr=0.05)
    plan = batches(8, 8, len(data), seed=9)
    for indices in plan[:4]:
        for engine in runs:
            engine.train_batch(data, indices, hyper)
    runs[1].set_params(runs[0].get_params())
    runs[1].set_velocity(runs[0].get_velocity())
    for indices in plan[4:]:
        losses = [engine.train_batch(data, indices, hyper).loss for engine in runs]
        assert losses[1] == pytest.approx(losses[0], rel=1e-7)
    for name, values in runs[0].get_params().items():
        np.testing.assert_allclose(runs[1].get_params()[name], values, rtol=0, atol=1e-9)


def test_float32_stays_close(data: Dataset) -> None:
    python, numpy = engines(SMALL, precision="float32")
    hyper = Hyperparameters(lr=0.05, momentum=0.9, batch_size=BATCH)
    for indices in batches(20, BATCH, len(data)):
        expected = python.train_batch(data, indices, hyper)
        got = numpy.train_batch(data, indices, hyper)
        assert got.loss == pytest.approx(expected.loss, rel=2e-3)


def test_predict_inspect_and_saliency_agree(data: Dataset) -> None:
    python, numpy = engines(SMALL_TWO_CONV)
    hyper = Hyperparameters(lr=0.05, momentum=0.9, batch_size=BATCH)
    for indices in batches(10, BATCH, len(data)):
        python.train_batch(data, indices, hyper)
        numpy.train_batch(data, indices, hyper)
    expected, got = python.predict(data, 0, 20), numpy.predict(data, 0, 20)
    assert got.predicted == expected.predicted
    assert got.loss == pytest.approx(expected.loss, rel=1e-9)
    np.testing.assert_allclose(got.probabilities, expected.probabilities, rtol=1e-9, atol=1e-12)
    image = data.image(7)
    view_p, view_n = python.inspect(image), numpy.inspect(image)
    np.testing.assert_allclose(view_n.probabilities, view_p.probabilities, rtol=1e-9, atol=1e-12)
    assert len(view_n.layers) == len(view_p.layers) == 2
    for layer_p, layer_n in zip(view_p.layers, view_n.layers, strict=True):
        for field in ("channels", "in_channels", "side", "pooled_side"):
            assert getattr(layer_n, field) == getattr(layer_p, field), field
        for field in ("maps", "pooled", "kernels", "biases"):
            np.testing.assert_allclose(
                getattr(layer_n, field), getattr(layer_p, field), rtol=1e-9, atol=1e-12
            )
    for target in (0, 4):
        np.testing.assert_allclose(
            numpy.saliency(image, target), python.saliency(image, target), rtol=1e-7, atol=1e-10
        )
