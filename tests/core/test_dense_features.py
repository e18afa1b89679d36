"""``Engine.dense_features``: the dense layer's post-ReLU features h = ReLU(W1·flat + b1), held to
hand-computed values on a tiny network, and every engine against the reference engine."""

from __future__ import annotations

import importlib.util

import pytest

from cnn_tui.core.contract.config import Architecture, RunConfig
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines import make_engine
from cnn_tui.core.engines.params import init_params
from tests.synthetic import blobs

TINY = Architecture(filters=1, hidden=2)
ENGINES = ["reference", "python", "numpy"] + (
    ["torch"] if importlib.util.find_spec("torch") is not None else []
)


def tiny_params() -> dict[str, list[float]]:
    """conv1 passes the centre pixel through (kernel centre 1, the rest 0, bias 0), so a pooled
    map is the 2×2 max of x; dense1 has every weight 0.01 and biases (0.1, −2.0)."""
    params = init_params(TINY, 0)
    params["conv1.weight"] = [1.0 if i == 4 else 0.0 for i in range(9)]  # (1, 1, 3, 3)
    params["conv1.bias"] = [0.0]
    params["dense1.weight"] = [0.01] * (2 * 169)  # (2, 1·13·13)
    params["dense1.bias"] = [0.1, -2.0]
    return params


@pytest.mark.parametrize("engine_name", ENGINES)
def test_tiny_network_matches_hand_computed_features(engine_name: str) -> None:
    # A white image (x = 1): every pooled value 1, so z1_j = 169 · 0.01 · 1 + b1_j
    # = (1.69 + 0.1, 1.69 − 2.0) = (1.79, −0.31) → h = ReLU(z1) = (1.79, 0).
    # A black image (x = 0): z1 = b1 = (0.1, −2.0) → h = (0.1, 0).
    data = Dataset(bytes([255]) * 784 + bytes(784), bytes([1, 0]), "tiny")
    config = RunConfig(arch=TINY, engine=engine_name, precision="float64")
    features = make_engine(config, tiny_params()).dense_features(data)
    assert len(features) == 2
    assert features[0] == pytest.approx([1.79, 0.0], abs=1e-6)
    assert features[1] == pytest.approx([0.1, 0.0], abs=1e-6)


@pytest.mark.parametrize("engine_name", [e for e in ENGINES if e != "reference"])
def test_every_engine_agrees_with_the_reference(engine_name: str) -> None:
    arch = Architecture(filters=2, hidden=8)
    data = blobs(12, seed=4)
    expected = make_engine(RunConfig(arch=arch, engine="reference", seed=2)).dense_features(
        data, 3, 11
    )
    config = RunConfig(arch=arch, engine=engine_name, precision="float64", seed=2)
    got = make_engine(config).dense_features(data, 3, 11)
    assert len(got) == 8 and all(len(row) == 8 for row in got)
    for row, want in zip(got, expected, strict=True):
        assert row == pytest.approx(want, abs=1e-6)
    assert any(v > 0 for row in got for v in row)  # not all units dead: the test can fail


@pytest.mark.parametrize("engine_name", ENGINES)
def test_a_range_outside_the_data_is_refused(engine_name: str) -> None:
    engine = make_engine(RunConfig(arch=TINY, engine=engine_name))
    with pytest.raises(ValueError, match="outside"):
        engine.dense_features(blobs(3, seed=0), 1, 5)
