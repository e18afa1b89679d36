"""Provides ``LaneWeights``: dense1's weights during plain SGD, stepped without a pass over them.

W (H×F) is held as W = W0 + S: W0 the float rows at the last reset, S the sum of every SGD step
since, exact in fixed-point lanes (units of 2^-60, finer than float64 resolves weights above
2^-8 in size). A batch's step −lr·∂L/∂W1 arrives packed (``outer_product_totals``), is
subtracted from S with a few int operations per row, and the rounded weights Q = round(W·s) that
the products use are Q0 plus S rescaled, also per row. Plain SGD on
the floats themselves was three Python passes over the 173k weights per batch (the step's
unpacking, w − lr·g, rounding for the next products): about a fifth of the engine's time. The
floats are formed only when read (a snapshot, saliency, a step taken in floats), and W0 is reset
to them when S could outgrow its lanes or the products' scale.

A run resumed from a snapshot (floats) therefore continues within the lanes' precision (≈ 1e-9
relative) of the unbroken run, not bit for bit: the sum carries bits the floats drop, and the
products' rounding is chosen afresh.
"""

# ruff: noqa: B905  (zip in hot loops: lengths are equal by construction; strict= costs time)

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import repeat
from operator import add, mul

from cnn_tui.core.engines.python.lanes.packed_matrix import PackedMatrix
from cnn_tui.core.engines.python.lanes.primitives import (
    lane_scalable,
    lane_top_bits,
    row_norm_peak,
    shift_lanes,
    unpack,
)

STEP_BITS = 60  # S is kept in units of 2^-60
ROOM = 1.0  # S may reach |S| ≤ 1 (2^60 units: inside a lane's ±2^62) before a reset


class LaneWeights:
    """W = W0 + S for a weight matrix trained by plain SGD: the only copy of W while it lasts.

    ``base`` (W0, float rows) and ``sums`` (S, one packed int per row) are the truth; ``rows()``
    forms W's floats from them (cached until the next step), and ``matrix`` is W rounded for the
    products, Q = Q0 + S rescaled (updated with each step, never read back into W).
    """

    @staticmethod
    def can_hold(rows: Sequence[Sequence[float]]) -> bool:
        """Whether these weights fit a lane's scale (finite, not tiny, not huge)."""
        return lane_scalable(row_norm_peak(rows))

    def __init__(self, rows: list[list[float]]) -> None:
        """``rows``: H rows of F floats (kept, not copied); ``can_hold`` must hold."""
        self.height, self.width = len(rows), len(rows[0])
        self.top = lane_top_bits(self.width)
        self.reset(rows)

    def reset(self, rows: list[list[float]]) -> None:
        """W0 ← ``rows``, S ← 0, and the products' scale chosen so W may move by ``self.room``."""
        self.base = rows
        self._rows_cache: list[list[float]] | None = rows  # W's floats (= W0 while S = 0)
        peak = row_norm_peak(rows)  # ≥ max|W0|
        self.room = min(peak, ROOM) or ROOM  # how far W may move from W0 before the next reset
        self.matrix = PackedMatrix(rows, peak=peak + self.room, float_rows=self.rows)
        self.rows0 = self.matrix.rows  # Q0 = round(W0·s)
        self.sums = [0] * self.height  # S, per row, in 2^-60 units
        self.moved = 0.0  # a bound on max|S|
        # Q = Q0 + round(S·2^-60·s): S shifted by log2(s) − 60 bits
        self.q_shift = math.frexp(self.matrix.scale)[1] - 1 - STEP_BITS

    def subtract(self, totals: Sequence[tuple[int, int]]) -> bool:
        """S_j ← S_j − T_j·2^-m_j (in 2^-60 units) for each row's (T_j, m_j): the SGD step
        W ← W − lr·g for a gradient g computed by ``outer_product_totals`` with unit 2^60·lr.
        False (nothing changed) when the step is too large for the lanes: the caller steps the
        floats instead."""
        # T_j's lanes are within 2^62: a weight moves by at most 2^(62 − m_j − 60)
        largest = max((math.ldexp(1.0, 2 - m) for total, m in totals if total), default=0.0)
        if not largest:
            return True  # a zero step
        if self.moved + largest > self.room:
            current = self.rows()
            if not self.can_hold(current):
                return False
            self.reset(current)
            if largest > self.room:
                return False  # W0 moved to the floats, which stay right: nothing else changed
        self.moved += largest
        self._rows_cache = None
        width, top = self.width, self.top
        for j, (total, m) in enumerate(totals):
            if total:
                self.sums[j] -= shift_lanes(total, -m, width, top)
        packed_rows = [
            q0 + shift_lanes(s, self.q_shift, width, top) if s else q0
            for q0, s in zip(self.rows0, self.sums)
        ]
        self.matrix = PackedMatrix.from_packed_rows(
            packed_rows, width, self.matrix.scale, float_rows=self.rows
        )
        return True

    def rows(self) -> list[list[float]]:
        """W = W0 + S·2^-60 as H rows of floats (formed once per step, when asked)."""
        if self._rows_cache is None:
            unit = math.ldexp(1.0, -STEP_BITS)
            width, top = self.width, self.top
            self._rows_cache = [
                list(map(add, w0, map(mul, unpack(s, width, top), repeat(unit)))) if s else w0
                for w0, s in zip(self.base, self.sums)
            ]
        return self._rows_cache
