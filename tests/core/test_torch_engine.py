"""The torch engine matches the NumPy engine: same seed, same batches → the same numbers.

Both in float64: every batch's loss and, after 20 batches, every weight and momentum value within
1e-6 relative (in practice ~1e-14), with and without momentum and weight decay, one and two conv
layers; then predict, inspect and saliency on the trained weights. float32 within a looser bound.
The CI installs PyTorch (the README's install block), so these run there; ``importorskip`` only
spares a checkout without the [torch] extra.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines import Engine, make_engine
from cnn_tui.core.engines.params import FlatParams, init_params
from tests.synthetic import blobs

pytest.importorskip("torch")

SMALL = Architecture(filters=2, hidden=8)
TWO_CONV = Architecture(filters=2, filters2=3, hidden=8)
BATCH, BATCHES = 8, 20
REL = 1e-6


@pytest.fixture(scope="module")
def data() -> Dataset:
    return blobs(BATCH * BATCHES, seed=3)


def pair(arch: Architecture, precision: str = "float64", seed: int = 0) -> tuple[Engine, Engine]:
    torch_engine = make_engine(RunConfig(arch=arch, engine="torch", precision=precision, seed=seed))
    numpy_engine = make_engine(RunConfig(arch=arch, engine="numpy", precision=precision, seed=seed))
    assert (torch_engine.name, numpy_engine.name) == ("torch", "numpy")
    return torch_engine, numpy_engine


def relative_error(mine: FlatParams, theirs: FlatParams) -> dict[str, float]:
    """Per parameter: max |mine − theirs| over max |theirs| (the parameter's scale)."""
    errors = {}
    for name, values in theirs.items():
        a, b = np.asarray(mine[name]), np.asarray(values)
        errors[name] = float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-300))
    return errors


def train_both(
    data: Dataset, arch: Architecture, hyper: Hyperparameters, precision: str = "float64"
) -> tuple[Engine, Engine, list[tuple[float, float]]]:
    """20 batches of 8 in a shuffled order on both engines; (torch, numpy) loss per batch."""
    torch_engine, numpy_engine = pair(arch, precision, seed=4)
    order = np.random.default_rng(1).permutation(len(data)).tolist()
    losses = []
    for b in range(BATCHES):
        indices = order[b * BATCH : (b + 1) * BATCH]
        mine = torch_engine.train_batch(data, indices, hyper)
        theirs = numpy_engine.train_batch(data, indices, hyper)
        assert mine.correct == theirs.correct
        losses.append((mine.loss, theirs.loss))
    return torch_engine, numpy_engine, losses


def test_starts_from_the_shared_seeded_params() -> None:
    torch_engine, _ = pair(TWO_CONV, seed=5)
    assert torch_engine.get_params() == init_params(TWO_CONV, 5)  # float64: bit for bit
    assert all(v == 0.0 for vs in torch_engine.get_velocity().values() for v in vs)


@pytest.mark.parametrize("arch", [SMALL, TWO_CONV, Architecture()], ids=["small", "two", "default"])
@pytest.mark.parametrize(
    "hyper",
    [
        Hyperparameters(lr=0.05, batch_size=BATCH),
        Hyperparameters(lr=0.05, momentum=0.9, weight_decay=0.01, batch_size=BATCH),
    ],
    ids=["plain", "momentum+decay"],
)
def test_20_batches_match_numpy_in_float64(
    data: Dataset, arch: Architecture, hyper: Hyperparameters
) -> None:
    torch_engine, numpy_engine, losses = train_both(data, arch, hyper)
    for mine, theirs in losses:
        assert mine == pytest.approx(theirs, rel=REL)
    assert losses[0][1] > losses[-1][1]  # it learned: the comparison is not of two idle engines
    assert max(relative_error(torch_engine.get_params(), numpy_engine.get_params()).values()) < REL
    velocity = relative_error(torch_engine.get_velocity(), numpy_engine.get_velocity())
    assert max(velocity.values()) < REL


def test_float32_follows_float64_closely(data: Dataset) -> None:
    hyper = Hyperparameters(lr=0.05, momentum=0.5, batch_size=BATCH)
    torch_engine, numpy_engine, losses = train_both(data, TWO_CONV, hyper, precision="float32")
    for mine, theirs in losses:
        assert mine == pytest.approx(theirs, rel=1e-4)
    assert max(relative_error(torch_engine.get_params(), numpy_engine.get_params()).values()) < 1e-4


@pytest.fixture(scope="module")
def trained(data: Dataset) -> tuple[Engine, Engine]:
    """Both engines after 20 batches of the two-conv network (nothing at its initial value)."""
    hyper = Hyperparameters(lr=0.1, batch_size=BATCH)
    torch_engine, numpy_engine, _ = train_both(data, TWO_CONV, hyper)
    return torch_engine, numpy_engine


def test_predict_matches(trained: tuple[Engine, Engine], data: Dataset) -> None:
    torch_engine, numpy_engine = trained
    mine, theirs = torch_engine.predict(data, 10, 150), numpy_engine.predict(data, 10, 150)
    assert mine.loss == pytest.approx(theirs.loss, rel=REL)
    assert mine.predicted == theirs.predicted
    np.testing.assert_allclose(mine.probabilities, theirs.probabilities, rtol=REL, atol=1e-12)
    assert torch_engine.predict(data, 5, 5).predicted == []


def test_inspect_and_saliency_match(trained: tuple[Engine, Engine], data: Dataset) -> None:
    torch_engine, numpy_engine = trained
    image = data.image(7)
    mine, theirs = torch_engine.inspect(image), numpy_engine.inspect(image)
    np.testing.assert_allclose(mine.probabilities, theirs.probabilities, rtol=REL, atol=1e-12)
    assert len(mine.layers) == len(theirs.layers) == 2
    for a, b in zip(mine.layers, theirs.layers, strict=True):
        assert (a.channels, a.in_channels, a.side, a.pooled_side) == (
            b.channels,
            b.in_channels,
            b.side,
            b.pooled_side,
        )
        for field in ("maps", "pooled", "kernels", "biases"):
            np.testing.assert_allclose(getattr(a, field), getattr(b, field), rtol=REL, atol=1e-12)
    for target in (0, data.labels[7], 9):
        np.testing.assert_allclose(
            torch_engine.saliency(image, target),
            numpy_engine.saliency(image, target),
            rtol=REL,
            atol=1e-12,
        )
    before = torch_engine.get_params()
    torch_engine.saliency(image, 3)
    assert torch_engine.get_params() == before  # saliency never touches the weights


def test_refuses_bad_input_and_changes_nothing(data: Dataset) -> None:
    torch_engine, _ = pair(SMALL)
    before = torch_engine.get_params()
    broken = dict(before, **{"dense2.bias": [0.0] * 3})
    with pytest.raises(ValueError, match="dense2.bias"):
        torch_engine.set_params(broken)
    with pytest.raises(ValueError, match="missing"):
        torch_engine.set_velocity({"conv1.weight": [0.0] * 18})
    assert torch_engine.get_params() == before
    with pytest.raises(ValueError, match="at least one"):
        torch_engine.train_batch(data, [], Hyperparameters())
    with pytest.raises(ValueError, match="784 bytes"):
        torch_engine.inspect(b"\0" * 10)
    with pytest.raises(ValueError, match="target class"):
        torch_engine.saliency(data.image(0), 10)
    with pytest.raises(ValueError, match="outside"):
        torch_engine.predict(data, 0, len(data) + 1)
