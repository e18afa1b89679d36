"""Provides ``BufferCache``: a layer's work buffers, made once per batch size and reused.

A training step then allocates almost nothing: every layer writes its outputs and gradients into
arrays it already holds for that batch size (``out=`` arguments throughout the layers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import numpy as np

Array = np.ndarray
T = TypeVar("T")

MAX_CACHED_SIZES = 4
"""Batch sizes whose buffers a layer keeps at once (training, its last batch, evaluation, 1)."""


class BufferCache(Generic[T]):
    """Work buffers keyed by batch size, the least recently used dropped past MAX_CACHED_SIZES."""

    def __init__(self, make: Callable[[int], T]) -> None:
        self._make = make
        self._by_size: dict[int, T] = {}

    def get(self, n: int) -> T:
        found = self._by_size.pop(n, None)  # re-inserted below: the dict's order is recency
        if found is None:
            if len(self._by_size) >= MAX_CACHED_SIZES:
                del self._by_size[next(iter(self._by_size))]  # the least recently used
            found = self._make(n)
        self._by_size[n] = found
        return found
