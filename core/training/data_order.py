"""Provides ``data_order`` and ``steps_in_epoch``: which images an epoch trains on, in which order.

Data order is a pure function of (seed, epoch), so a run's position is just (epoch, images
consumed): that is what makes an exact resume possible (see core/contract/run_state.py).
"""

from __future__ import annotations

import math
import random


def data_order(seed: int, epoch: int, size: int) -> list[int]:
    """The shuffled order of an epoch's images: a pure function of (seed, epoch)."""
    order = list(range(size))
    random.Random(f"cnn-tui:{seed}:{epoch}").shuffle(order)
    return order


def steps_in_epoch(size: int, batch_size: int) -> int:
    """Batches per epoch; the last one may be smaller."""
    return math.ceil(size / batch_size)
