"""Provides ``GoodCopy``: the divergence guard's copy of the weights to fall back on.

Every ``GOOD_COPY_SECONDS`` (and before the first batch) the trainer keeps the engine's weights
and momentum buffers; when a batch's loss is not finite it puts them back (``Trainer._diverged``).
"""

from __future__ import annotations

import math
import time

from cnn_tui.core.engines.interface import Engine
from cnn_tui.core.engines.params import FlatParams

GOOD_COPY_SECONDS = 2.0
"""How often the trainer keeps a copy of the weights to fall back on if the loss diverges."""


class GoodCopy:
    """The last weights known to be finite, with the step they are from."""

    def __init__(self) -> None:
        self._kept: tuple[int, FlatParams, FlatParams] | None = None  # (step, params, velocity)
        self._kept_at = 0.0

    def keep_if_due(self, engine: Engine, step: int) -> None:
        """Copy the engine's weights if none is kept yet or the copy is older than the period."""
        now = time.perf_counter()
        if self._kept is not None and now - self._kept_at < GOOD_COPY_SECONDS:
            return
        params = engine.get_params()
        # One update can leave inf weights behind a finite (ε-capped) loss: never keep those.
        if self._kept is None or all(math.isfinite(sum(v)) for v in params.values()):
            self._kept = (step, params, engine.get_velocity())
        self._kept_at = now

    def restore(self, engine: Engine) -> int:
        """Put the kept weights back into ``engine``; returns the step they are from."""
        assert self._kept is not None, "restore before the first keep_if_due"
        step, params, velocity = self._kept
        engine.set_params(params)
        engine.set_velocity(velocity)
        return step
