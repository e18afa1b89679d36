"""The reference engine is the oracle: its gradients match finite differences, and the ``python``
and ``numpy`` (float64) engines match it — per-batch losses, every parameter and momentum buffer
after 20 batches, predictions, the dashboard's views and saliency maps.

Tolerances: every batch's loss within rel 1e-6 of the reference; every parameter and momentum
value within rel 1e-6 plus an absolute floor. The NumPy engine in float64 differs from the
reference only in the order of its sums (observed ≤ 1e-17 absolute): floor 1e-12. The Python
engine's fixed-point lanes leave up to 4e-10 on a weight and 3e-9 on a velocity (a gradient
itself, so larger) after these 20 batches: floors 1e-9 and 1e-8.
"""

from __future__ import annotations

import math
import random
import subprocess
import sys
from functools import cache, lru_cache
from pathlib import Path

import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines import Engine, make_engine
from cnn_tui.core.engines.params import FlatParams, init_params, param_shapes
from cnn_tui.core.engines.reference import ReferenceEngine, pool
from tests.synthetic import blobs

ROOT = Path(__file__).resolve().parents[2]
SMALL = Architecture(filters=2, hidden=8)
SMALL_TWO_CONV = Architecture(filters=2, filters2=3, hidden=8)  # conv2's 11×11 maps: odd edge
BATCH, BATCHES = 4, 20
RUNS = {
    "one-conv-plain-sgd": (SMALL, Hyperparameters(lr=0.05, batch_size=BATCH)),
    "one-conv-momentum-decay": (SMALL, Hyperparameters(lr=0.03, momentum=0.9, weight_decay=1e-3)),
    "two-conv-momentum-decay": (
        SMALL_TWO_CONV,
        Hyperparameters(lr=0.03, momentum=0.9, weight_decay=1e-3),
    ),
}
FLOORS = {"numpy": (1e-12, 1e-12), "python": (1e-9, 1e-8)}  # (weights, velocity): see above


@lru_cache(maxsize=1)
def data() -> Dataset:
    """Blobs; every other one on a blank background, as in MNIST: there conv outputs sit exactly
    on ReLU's kink (z = 0 with fresh zero biases) and pooling windows tie."""
    noisy = blobs(BATCH * BATCHES, seed=3)
    images = [noisy.image(i) for i in range(len(noisy))]
    blanked = [
        bytes(p if p >= 200 else 0 for p in im) if i % 2 else im for i, im in enumerate(images)
    ]
    return Dataset(b"".join(blanked), noisy.labels)


def plan() -> list[list[int]]:
    """20 batches of 4 from a seeded shuffle."""
    order = list(range(len(data())))
    random.Random(1).shuffle(order)
    return [order[k * BATCH : (k + 1) * BATCH] for k in range(BATCHES)]


def engine(name: str, arch: Architecture, seed: int = 0) -> Engine:
    made = make_engine(RunConfig(arch=arch, engine=name, precision="float64", seed=seed))
    assert made.name == name
    return made


def assert_close(got: list[float], expected: list[float], floor: float, what: str) -> None:
    """Element by element: |got − expected| ≤ 1e-6·|expected| + floor."""
    assert len(got) == len(expected), what
    for k, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert abs(g - e) <= 1e-6 * abs(e) + floor, (what, k, g, e)


# --- (1) the reference's gradients against finite differences ---------------------------------


def shifted(arch: Architecture, seed: int) -> FlatParams:
    """Seeded weights with non-zero biases, so no ReLU sits exactly on its kink (z = 0)."""
    params = init_params(arch, seed)
    rng = random.Random(seed)
    for name, values in params.items():
        if name.endswith(".bias"):
            params[name] = [rng.uniform(-0.1, 0.1) for _ in values]
    return params


@pytest.mark.parametrize("arch", [SMALL, SMALL_TWO_CONV], ids=["one-conv", "two-conv"])
def test_every_parameter_group_matches_central_differences(arch: Architecture) -> None:
    images = Dataset(b"".join(data().image(i) for i in range(3)), data().labels[:3])
    tiny = Architecture(filters=arch.filters, filters2=arch.filters2, hidden=5)
    params = shifted(tiny, 4)
    _, _, grads = ReferenceEngine(tiny, params).batch_gradients(images, [0, 1, 2])
    rng = random.Random(5)
    eps = 1e-5
    for name, shape in param_shapes(tiny).items():
        size = math.prod(shape)
        picked = range(size) if size <= 60 else rng.sample(range(size), 12)
        for k in picked:
            losses = []
            for delta in (eps, -eps):
                moved = {n: list(v) for n, v in params.items()}
                moved[name][k] += delta
                losses.append(ReferenceEngine(tiny, moved).predict(images).loss)
            numeric = (losses[0] - losses[1]) / (2 * eps)
            assert grads[name][k] == pytest.approx(numeric, rel=1e-5, abs=1e-9), (name, k)
        assert any(abs(g) > 1e-6 for g in grads[name]), f"{name}: the check saw only zeros"


def test_sgd_step_follows_the_formula() -> None:
    """g ← g + wd·w (weights only); v ← μ·v + g; w ← w − lr·v, from any velocity."""
    params = shifted(SMALL, 6)
    reference = ReferenceEngine(SMALL, params)
    _, _, grads = reference.batch_gradients(data(), [0, 1, 2])
    rng = random.Random(7)
    velocity = {n: [rng.uniform(-0.1, 0.1) for _ in v] for n, v in params.items()}
    reference.set_velocity(velocity)
    lr, mu, wd = 0.1, 0.9, 0.01
    reference.train_batch(data(), [0, 1, 2], Hyperparameters(lr=lr, momentum=mu, weight_decay=wd))
    new_params, new_velocity = reference.get_params(), reference.get_velocity()
    for name, w in params.items():
        decay = wd if name.endswith(".weight") else 0.0
        v = [
            mu * v0 + g + decay * w0
            for v0, g, w0 in zip(velocity[name], grads[name], w, strict=True)
        ]
        assert new_velocity[name] == pytest.approx(v, rel=1e-12, abs=1e-15), name
        assert new_params[name] == pytest.approx(
            [w0 - lr * v0 for w0, v0 in zip(w, v, strict=True)], rel=1e-12, abs=1e-15
        ), name


def test_max_pool_ties_go_to_the_first_maximum_and_the_odd_edge_is_dropped() -> None:
    a = [  # (2, 3, 3): row and column 2 belong to no window
        [[1.0, 1.0, 9.0], [1.0, 1.0, 9.0], [9.0, 9.0, 9.0]],
        [[0.0, 2.0, 9.0], [2.0, 0.0, 9.0], [9.0, 9.0, 9.0]],
    ]
    assert pool.forward(a) == [[[1.0]], [[2.0]]]
    grad = pool.backward(a, [[[5.0]], [[7.0]]])
    assert grad == [
        [[5.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
        [[0.0, 7.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
    ]


# --- (2) the python and numpy engines against the reference, batch by batch --------------------


@cache
def reference_run(run: str) -> tuple[list[tuple[float, int]], FlatParams, FlatParams]:
    """The reference's (loss, correct) per batch, and its final parameters and velocity."""
    arch, hyper = RUNS[run]
    reference = engine("reference", arch)
    results = [reference.train_batch(data(), batch, hyper) for batch in plan()]
    return [(r.loss, r.correct) for r in results], reference.get_params(), reference.get_velocity()


@pytest.mark.parametrize("other", ["python", "numpy"])
@pytest.mark.parametrize("run", list(RUNS))
def test_engines_match_the_reference_for_20_batches(run: str, other: str) -> None:
    arch, hyper = RUNS[run]
    expected, params, velocity = reference_run(run)
    start = init_params(arch, 0)  # the run goes somewhere: distinct losses, weights moved
    assert len({loss for loss, _ in expected}) == BATCHES
    assert max(abs(a - b) for n in params for a, b in zip(params[n], start[n], strict=True)) > 0.01
    tested = engine(other, arch)
    for k, batch in enumerate(plan()):
        got = tested.train_batch(data(), batch, hyper)
        assert got.loss == pytest.approx(expected[k][0], rel=1e-6, abs=0), (k, got, expected[k])
        assert got.correct == expected[k][1], k
    got_params, got_velocity = tested.get_params(), tested.get_velocity()
    assert got_params.keys() == params.keys()
    for name in params:
        floor, velocity_floor = FLOORS[other]
        assert_close(got_params[name], params[name], floor, name)
        assert_close(got_velocity[name], velocity[name], velocity_floor, f"velocity {name}")


def test_same_seed_same_start_and_params_round_trip() -> None:
    reference = engine("reference", SMALL_TWO_CONV, seed=9)
    assert reference.get_params() == init_params(SMALL_TWO_CONV, 9)
    assert all(set(v) == {0.0} for v in reference.get_velocity().values())
    moved = shifted(SMALL_TWO_CONV, 10)
    reference.set_params(moved)
    assert reference.get_params() == moved
    with pytest.raises(ValueError, match="conv2.weight"):
        reference.set_params({**moved, "conv2.weight": [0.0]})


# --- (3) inference, the dashboard's views and saliency against NumPy in float64 -----------------


@pytest.mark.parametrize("arch", [SMALL, SMALL_TWO_CONV], ids=["one-conv", "two-conv"])
def test_predict_inspect_and_saliency_agree_with_numpy(arch: Architecture) -> None:
    reference, numpy = engine("reference", arch, seed=2), engine("numpy", arch, seed=2)
    hyper = Hyperparameters(lr=0.05, momentum=0.9)
    for batch in plan()[:5]:
        for trained in (reference, numpy):
            trained.train_batch(data(), batch, hyper)
    expected, got = numpy.predict(data(), 3, 40), reference.predict(data(), 3, 40)
    assert got.predicted == expected.predicted
    assert got.loss == pytest.approx(expected.loss, rel=1e-9)
    for p_got, p_expected in zip(got.probabilities, expected.probabilities, strict=True):
        assert p_got == pytest.approx(p_expected, rel=1e-9, abs=1e-15)
    image = data().image(7)
    view, expected_view = reference.inspect(image), numpy.inspect(image)
    assert view.probabilities == pytest.approx(expected_view.probabilities, rel=1e-9, abs=1e-15)
    assert len(view.layers) == len(expected_view.layers) == len(arch.conv_layers)
    for layer, expected_layer in zip(view.layers, expected_view.layers, strict=True):
        for field in ("channels", "in_channels", "side", "pooled_side"):
            assert getattr(layer, field) == getattr(expected_layer, field), field
        for field in ("maps", "pooled", "kernels", "biases"):
            values, expected_values = getattr(layer, field), getattr(expected_layer, field)
            assert values == pytest.approx(expected_values, rel=1e-9, abs=1e-12), field
    for target in (0, 3, 9):
        saliency = reference.saliency(image, target)
        assert len(saliency) == 784 and any(abs(v) > 1e-6 for v in saliency)
        assert saliency == pytest.approx(numpy.saliency(image, target), rel=1e-9, abs=1e-12)
    with pytest.raises(ValueError, match="saliency target"):
        reference.saliency(image, 10)


def test_the_reference_engine_never_imports_numpy() -> None:
    code = (
        "import sys\n"
        "from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig\n"
        "from cnn_tui.core.engines import make_engine\n"
        "from tests.synthetic import blobs\n"
        "e = make_engine(RunConfig(arch=Architecture(filters=1, hidden=3), engine='reference'))\n"
        "d = blobs(4)\n"
        "e.train_batch(d, [0, 1], Hyperparameters())\n"
        "e.inspect(d.image(0)); e.saliency(d.image(1), 2); e.predict(d)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('numpy', 'cnn_tui.core.engines.'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded = result.stdout.strip()
    assert "numpy" not in loaded and "cnn_tui.core.engines.reference.conv" in loaded
