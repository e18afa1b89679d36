"""Provides ``dense_feature_array``: the NumPy engine's dense-layer features as one array.

h = ReLU(W1·flat + b1) for every image of a range, (count, hidden) in the engine's dtype — what
``NumpyEngine.dense_features`` returns as lists, kept as an array for the nearest-neighbour search
(60,000 × 128 float32 is 31 MB; as Python lists it would be several times that and slow to build).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cnn_tui.core.data.dataset import Dataset

if TYPE_CHECKING:
    from cnn_tui.core.engines.numpy.engine import NumpyEngine


def dense_feature_array(
    engine: NumpyEngine, data: Dataset, start: int = 0, stop: int | None = None
) -> np.ndarray:
    """h (stop − start, hidden) for images ``start:stop`` of ``data``, forward in chunks of
    ``PREDICT_CHUNK`` (the engine's fastest size); ValueError for a range outside ``data``."""
    from cnn_tui.core.engines.numpy.engine import PREDICT_CHUNK, quiet

    images, _ = engine._view(data)
    stop = len(data) if stop is None else stop
    if not 0 <= start <= stop <= len(data):
        raise ValueError(f"range {start}:{stop} is outside {data.name} (0:{len(data)})")
    out = np.empty((stop - start, engine.arch.hidden), engine.dtype)
    for lo in range(start, stop, PREDICT_CHUNK):
        hi = min(lo + PREDICT_CHUNK, stop)
        with quiet():
            engine._forward(engine._to_input(images[lo:hi]))  # leaves h (hidden, n) in _hidden
        assert engine._hidden is not None
        out[lo - start : hi - start] = engine._hidden.T  # copied: the buffer is reused per size
    return out
