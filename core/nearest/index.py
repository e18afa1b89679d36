"""Provides ``NearestIndex``: a training set's dense-layer features under one set of weights,
computed once, and the search for the training digits nearest to a query digit among them.

The features are h = ReLU(W1·flat + b1), the dense layer's output (``Engine.dense_features``):
what the last layer classifies, so digits near each other there get similar answers. The
distance is Euclidean (search.py). An index belongs to the weights of one engine: the caller
gives it an engine that nobody trains meanwhile (the trainer extension a copy of the run's,
``cnn-tui inspect`` its own), and makes a new index when the weights change.

Memory: the features of the searched digits, searched × hidden × itemsize (60,000 × 128 × 4 B
= 31 MB for the default float32 network), kept while the index lives. Time with NumPy: about a
second for the features of all 60,000 training digits, then about 10 ms a search
(benchmarks/bench_nearest.py). The pure-Python engines take 1 ms (python) and 30 ms (reference)
per image, so they search the first ``SLOW_SIZES[engine]`` training digits only, and the answer
says so (``NearestFound.searched``).
"""

from __future__ import annotations

import threading
import time

import numpy as np

from cnn_tui.core.contract.nearest_events import NearestFound
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines.interface import Engine
from cnn_tui.core.nearest.search import nearest

K = 5
"""Neighbours shown by the inspector."""
MAX_K = 20
SLOW_SIZES = {"python": 1000, "reference": 50}
"""Training digits searched by the pure-Python engines (about a second of features each)."""
ROWS_PER_CALL = 5000
"""Rows asked of a non-NumPy engine's ``dense_features`` at once (its lists stay small)."""


def search_size(engine_name: str, train_size: int) -> int:
    """How many training digits (the first ones) an engine searches: all with numpy and torch."""
    return min(train_size, SLOW_SIZES.get(engine_name, train_size))


def feature_array(engine: Engine, data: Dataset, start: int, stop: int) -> np.ndarray:
    """h (stop − start, hidden) of images ``start:stop`` as one array: straight from the NumPy
    and torch engines, else from the engine's lists, ``ROWS_PER_CALL`` images at a time."""
    from cnn_tui.core.engines.numpy.engine import NumpyEngine

    if isinstance(engine, NumpyEngine):
        from cnn_tui.core.engines.numpy.features import dense_feature_array

        return dense_feature_array(engine, data, start, stop)
    as_array = getattr(engine, "dense_feature_array", None)  # the torch engine's
    if as_array is not None:
        array: np.ndarray = as_array(data, start, stop)
        return array
    out = np.empty((stop - start, engine.arch.hidden), np.float64)
    for lo in range(start, stop, ROWS_PER_CALL):
        hi = min(lo + ROWS_PER_CALL, stop)
        out[lo - start : hi - start] = np.asarray(engine.dense_features(data, lo, hi), np.float64)
    return out


class NearestIndex:
    """The dense features of the first ``size`` digits of ``train`` under ``engine``'s weights
    (the weights of ``step``), computed on the first search and kept; thread-safe."""

    def __init__(self, engine: Engine, train: Dataset, *, step: int, size: int | None = None):
        self.engine = engine
        self.train = train
        self.step = step
        self.size = search_size(engine.name, len(train)) if size is None else min(size, len(train))
        self.builds = 0
        """How many times the training features were computed (once, unless the cache failed)."""
        self._features: np.ndarray | None = None
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        """True once the training features are computed (a search is then quick)."""
        return self._features is not None

    def features(self) -> np.ndarray:
        """h of the searched training digits (size, hidden), computed on first use."""
        with self._lock:
            if self._features is None:
                self._features = feature_array(self.engine, self.train, 0, self.size)
                self.builds += 1
            return self._features

    def query(self, image: bytes) -> np.ndarray:
        """h of one 28×28 uint8 image (hidden,), under the same weights."""
        one = Dataset(image, bytes(1), "query")  # the label plays no part in the features
        with self._lock:  # the engine's buffers are not for two threads at once
            row: np.ndarray = feature_array(self.engine, one, 0, 1)[0]
        return row

    def find(self, image: bytes, k: int = K) -> tuple[list[int], list[float], float]:
        """The training positions of the ``k`` digits nearest to ``image``, nearest first,
        their distances, and the length of the image's own features."""
        features = self.features()
        query = self.query(image)
        rows, distances = nearest(features, query, k)
        norm = float(np.sqrt(np.dot(query.astype(np.float64), query.astype(np.float64))))
        return [int(r) for r in rows], [float(d) for d in distances], norm

    def answer(self, test: Dataset, test_index: int, k: int = K) -> NearestFound:
        """The event for test digit ``test_index`` (IndexError outside ``test``)."""
        if not 0 <= test_index < len(test):
            raise IndexError(f"test index {test_index} is outside 0–{len(test) - 1}")
        began = time.perf_counter()
        indices, distances, norm = self.find(test.image(test_index), k)
        return NearestFound(
            step=self.step,
            test_index=test_index,
            indices=tuple(indices),
            labels=tuple(self.train.labels[i] for i in indices),
            distances=tuple(distances),
            images=tuple(self.train.image(i) for i in indices),
            searched=self.size,
            train_size=len(self.train),
            hidden=self.engine.arch.hidden,
            query_norm=norm,
            seconds=time.perf_counter() - began,
        )
