"""Provides ``LocalImages``: test digit i's image for the embedding map's cursor, from this
machine's copy of the test set, read on first use (the dashboard's inspector reads the same).

A set that cannot be read is tried once: the map then shows its digits without their pictures
and ``problem`` says why, instead of reading the disk again at every move of the cursor.
"""

from __future__ import annotations

from collections.abc import Callable

from cnn_tui.core.data.dataset import Dataset


class LocalImages:
    """``images(i)``: the 28×28 bytes of test digit i, or None (out of range, or no test set)."""

    def __init__(self, load: Callable[[], Dataset]) -> None:
        self._load = load
        self._test: Dataset | None = None
        self.problem = ""

    def __call__(self, index: int) -> bytes | None:
        if self._test is None and not self.problem:
            try:
                self._test = self._load()
            except Exception as error:  # a DataError, a missing folder: say it once
                self.problem = str(error) or type(error).__name__
        if self._test is None or not 0 <= index < len(self._test):
            return None
        return self._test.image(index)
