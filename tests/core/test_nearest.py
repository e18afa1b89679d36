"""The nearest training digits (core/nearest/): the search against hand-computed Euclidean
distances, the index on a tiny network whose features are known by hand, in every engine."""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest

from cnn_tui.core.contract.config import Architecture, RunConfig
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines import make_engine
from cnn_tui.core.engines.params import init_params
from cnn_tui.core.nearest import search
from cnn_tui.core.nearest.index import NearestIndex, search_size
from cnn_tui.core.nearest.search import nearest

POINTS = np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0], [-1.0, 0.0], [6.0, 8.0]])


def test_the_nearest_rows_come_nearest_first_with_their_distances() -> None:
    # from (0, 0): row 0 at 0, row 3 at 1, row 2 at √2, row 1 at 5 (3-4-5), row 4 at 10
    rows, distances = nearest(POINTS, np.array([0.0, 0.0]), 4)
    assert rows.tolist() == [0, 3, 2, 1]
    assert distances.tolist() == pytest.approx([0.0, 1.0, math.sqrt(2), 5.0])
    # from (3, 4): row 1 at 0, row 2 at √(4 + 9) = √13, row 0 and row 4 both at 5 (the lower first)
    rows, distances = nearest(POINTS, np.array([3.0, 4.0]), 4)
    assert rows.tolist() == [1, 2, 0, 4]
    assert distances.tolist() == pytest.approx([0.0, math.sqrt(13), 5.0, 5.0])


def test_ties_at_the_cut_go_to_the_lower_rows() -> None:
    ring = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0], [0.0, 0.0]])
    rows, distances = nearest(ring, np.zeros(2), 3)
    assert rows.tolist() == [4, 0, 1]  # the centre, then the first two of four at distance 1
    assert distances.tolist() == [0.0, 1.0, 1.0]


def test_fewer_rows_than_asked_gives_them_all_and_none_gives_nothing() -> None:
    assert nearest(POINTS[:2], np.zeros(2), 5)[0].tolist() == [0, 1]
    rows, distances = nearest(POINTS, np.zeros(2), 0)
    assert rows.size == distances.size == 0


def test_a_query_of_the_wrong_size_is_refused() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        nearest(POINTS, np.zeros(3), 1)


def test_chunks_give_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(50, 6))
    query = rng.normal(size=6)
    whole = nearest(features, query, 5)
    monkeypatch.setattr(search, "CHUNK", 7)  # 8 chunks, the last one short
    chunked = nearest(features, query, 5)
    assert chunked[0].tolist() == whole[0].tolist()
    assert chunked[1].tolist() == pytest.approx(whole[1].tolist())
    expected = np.sqrt(((features - query) ** 2).sum(axis=1))
    assert whole[1].tolist() == pytest.approx(np.sort(expected)[:5].tolist())


def test_small_distances_between_large_features_stay_exact_in_float32() -> None:
    # ‖x‖² − 2x·q + ‖q‖² would be 2·10⁶-sized sums whose float32 rounding (≈ 0.1) swamps 0.25
    features = np.array([[1000.0, 1000.0], [1000.0, 1000.5]], np.float32)
    rows, distances = nearest(features, np.array([1000.0, 1000.25], np.float32), 2)
    assert distances.tolist() == [0.25, 0.25]
    assert rows.tolist() == [0, 1]


# --- the index on a tiny network ------------------------------------------------------------

TINY = Architecture(filters=1, hidden=2)
ENGINES = ["reference", "python", "numpy"] + (
    ["torch"] if importlib.util.find_spec("torch") is not None else []
)


def tiny_params() -> dict[str, list[float]]:
    """conv1 passes the centre pixel through, dense1's weights are all 0.01, its biases
    (0.1, −2.0): a flat image of shade x has h = (169 · 0.01 · x + 0.1, 0) = (1.69x + 0.1, 0)
    (test_dense_features.py works the same network through)."""
    params = init_params(TINY, 0)
    params["conv1.weight"] = [1.0 if i == 4 else 0.0 for i in range(9)]
    params["conv1.bias"] = [0.0]
    params["dense1.weight"] = [0.01] * (2 * 169)
    params["dense1.bias"] = [0.1, -2.0]
    return params


def flat(*shades: int) -> bytes:
    return b"".join(bytes([s]) * 784 for s in shades)


@pytest.mark.parametrize("engine_name", ENGINES)
def test_the_index_finds_the_digits_with_the_nearest_features(engine_name: str) -> None:
    # training shades 0, 255, 102, 204 → h₀ = 0.1, 1.79, 1.69·0.4 + 0.1 = 0.776, 1.69·0.8 + 0.1
    # = 1.452; the query, shade 77, has h₀ = 1.69·77/255 + 0.1 ≈ 0.6103: the distance is
    # |h₀ − q₀| (h₁ is 0 for all): 0.1657 (102), 0.5103 (0), 0.8417 (204), 1.1797 (255)
    train = Dataset(flat(0, 255, 102, 204), bytes([3, 1, 4, 1]), "train")
    test = Dataset(flat(77), bytes([9]), "test")
    q = 1.69 * 77 / 255 + 0.1
    config = RunConfig(arch=TINY, engine=engine_name, precision="float64")
    index = NearestIndex(make_engine(config, tiny_params()), train, step=7)
    found = index.answer(test, 0, k=3)
    assert found.indices == (2, 0, 3)
    assert found.distances == pytest.approx((0.776 - q, q - 0.1, 1.452 - q), abs=1e-6)
    assert found.labels == (4, 3, 1)
    assert found.images == (flat(102), flat(0), flat(204))
    assert (found.step, found.test_index, found.hidden) == (7, 0, 2)
    assert (found.searched, found.train_size) == (4, 4)
    assert found.query_norm == pytest.approx(q, abs=1e-6)  # ‖(q, 0)‖
    assert index.builds == 1


def test_the_features_are_computed_once_for_every_search() -> None:
    train = Dataset(flat(0, 255, 102, 204), bytes(4), "train")
    config = RunConfig(arch=TINY, engine="numpy", precision="float64")
    index = NearestIndex(make_engine(config, tiny_params()), train, step=0)
    assert not index.ready
    first = index.find(flat(51), 2)
    assert index.ready
    assert index.find(flat(51), 2) == first
    assert index.find(flat(255), 1)[0] == [1]
    assert index.find(flat(255), 1)[2] == pytest.approx(1.79)  # ‖(1.79, 0)‖
    assert index.builds == 1


def test_an_index_out_of_the_test_set_is_refused() -> None:
    config = RunConfig(arch=TINY, engine="numpy", precision="float64")
    index = NearestIndex(make_engine(config, tiny_params()), Dataset(flat(0), bytes(1)), step=0)
    with pytest.raises(IndexError, match="outside 0–0"):
        index.answer(Dataset(flat(1), bytes(1)), 1)


def test_the_pure_python_engines_search_a_bounded_subset() -> None:
    assert search_size("numpy", 60000) == search_size("torch", 60000) == 60000
    assert search_size("python", 60000) == 1000
    assert search_size("reference", 60000) == 50
    assert search_size("python", 300) == 300
