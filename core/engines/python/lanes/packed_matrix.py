"""Provides ``PackedMatrix``: a fixed weight matrix times many vectors, in fixed-point lanes
(primitives.py) — dense1's W·x and Wᵀ·g, and dense2's Wᵀ·g, while training."""

# ruff: noqa: B905  (zip in hot loops: lengths are equal by construction; strict= costs time)

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import add, mul

from cnn_tui.core.engines.python.fastmath import FloatMatrix, gatherer
from cnn_tui.core.engines.python.lanes.primitives import (
    lane_ones,
    lane_scalable,
    lane_top_bits,
    pack,
    pack_rounded,
    rounding_constant,
    row_norm_peak,
    unpack,
)

FloatRows = Callable[[], Sequence[Sequence[float]]]
"""Gives the float rows a packed matrix was rounded from (formed on demand)."""

WEIGHT_BITS = 31  # |quantised W[j, k]| ≤ 2^31 in a PackedMatrix
SUM_BITS = 30  # Σ_k |quantised x_k| ≤ 2^30: every lane of Σ_k x_k·W[:, k] stays within 2^61


class PackedMatrix:
    """A fixed H×F matrix W (dense1's weights) for W·x and Wᵀ·g, in lanes.

    W is rounded once to integers Q = round(W·s), s a power of two with max|W|·s < 2^31, and
    packed twice: each of the F columns as an int of H lanes, each of the H rows as an int of F
    lanes. Then

        W·x  = Σ_k x_k·W[:, k]   (one int multiply-add per non-zero x_k, H lanes at a time)
        Wᵀ·g = Σ_j g_j·W[j, :]   (one per non-zero g_j, F lanes at a time)

    with the coefficients rounded too: d_k = round(x_k·A), A = 2^30 / Σ|x_k|, so that every lane
    of Σ_k d_k·Q[:, k] is at most 2^30·2^31 = 2^61 in size. Dividing by A·s gives the product
    with an error ≲ √n · 2^-30 · Σ|x_k| · max|W| for n terms: ≈ 1e-7 of a typical dense1 output.
    Non-finite vectors fall back to plain floats (``FloatMatrix``), which propagate inf and nan.
    """

    def __init__(
        self,
        rows: Sequence[Sequence[float]],
        peak: float | None = None,
        float_rows: FloatRows | None = None,
    ) -> None:
        """``rows``: H rows of F floats; ``peak``: a bound on max|W| to scale for (by default the
        largest row norm, which is ≥ max|W|: math.hypot is a C loop, ≈ 3× cheaper than max and
        min). The peak must be ``lane_scalable``. ``float_rows``: where the floats come from when
        a vector has no fixed-point form (by default ``rows`` themselves)."""
        self.height = height = len(rows)
        self.width = width = len(rows[0])
        if peak is None:
            peak = row_norm_peak(rows)
        # s = 2^(31 − e) for max|W| < 2^e: then |round(W·s)| ≤ 2^31
        self.scale = math.ldexp(1.0, WEIGHT_BITS - math.frexp(peak)[1]) if peak else 1.0
        rounding, bits = rounding_constant(self.scale)
        words = array("d")  # W + M, row-major: round(W·s) in disguise
        for row in rows:
            words.extend(map(add, row, repeat(rounding)))
        offset = bits * lane_ones(width)
        self.rows = [
            pack_rounded(words[j * width : (j + 1) * width], offset) for j in range(height)
        ]
        offset = bits * lane_ones(height)
        self.columns = [pack_rounded(words[k::width], offset) for k in range(width)]
        self.top_rows = lane_top_bits(width)
        self.top_columns = lane_top_bits(height)
        self.float_rows: FloatRows = float_rows or (lambda: rows)
        self._float_cache: FloatMatrix | None = None  # the same products in floats, if needed

    @classmethod
    def from_packed_rows(
        cls,
        rows: list[int],
        width: int,
        scale: float,
        *,
        float_rows: FloatRows,
    ) -> PackedMatrix:
        """The matrix whose rows are already rounded and packed: P(round(W[j, :]·``scale``)).

        The columns are the rows transposed: every row unpacked into one flat array of words,
        and each column's H words (a strided slice) packed again — all in C.
        """
        matrix = cls.__new__(cls)
        matrix.height = height = len(rows)
        matrix.width = width
        matrix.scale = scale
        matrix.rows = rows
        matrix.top_rows = top_rows = lane_top_bits(width)
        matrix.top_columns = top_columns = lane_top_bits(height)
        flat = array("q")
        for row in rows:
            flat.extend(unpack(row, width, top_rows))
        matrix.columns = [pack(flat[k::width], top_columns) for k in range(width)]
        matrix.float_rows = float_rows
        matrix._float_cache = None
        return matrix

    def floats(self) -> FloatMatrix:
        """The same products in plain floats (for inputs that have no fixed-point form)."""
        if self._float_cache is None:
            self._float_cache = FloatMatrix(self.float_rows())
        return self._float_cache

    def times(self, indices: Sequence[int], values: Sequence[float]) -> list[float]:
        """W·x for the F-vector x that is ``values`` at ``indices`` and 0 elsewhere (H floats)."""
        total_abs = sum(map(abs, values))
        if total_abs == 0.0:
            return [0.0] * self.height
        if not lane_scalable(total_abs):
            return self.floats().times(indices, values)
        a = (1 << SUM_BITS) / total_abs
        coefficients = map(round, map(mul, values, repeat(a)))  # d_k = round(x_k·A)
        total = sum(map(mul, coefficients, gatherer(indices)(self.columns)))  # Σ_k d_k·Q[:, k]
        words = unpack(total, self.height, self.top_columns)
        # ÷ (A·s), as Σ|x|·2^-30 / s: exact, and no underflow for huge Σ|x|
        return list(map(mul, words, repeat(math.ldexp(total_abs, -SUM_BITS) / self.scale)))

    def column_sums(self, start: int, stop: int) -> list[float]:
        """Σ_{start ≤ k < stop} W[:, k] (H floats), summed exactly in the rounded integers."""
        total = sum(self.columns[start:stop])  # ≤ (stop − start)·2^31 per lane
        words = unpack(total, self.height, self.top_columns)
        return list(map(mul, words, repeat(1 / self.scale)))

    def transpose_times(
        self, g: Sequence[float], wanted: Sequence[int] | None = None
    ) -> list[float]:
        """(Wᵀ·g)_k for k in ``wanted`` (all F when None); g has H floats."""
        total_abs = sum(map(abs, g))
        if total_abs == 0.0:
            return [0.0] * (self.width if wanted is None else len(wanted))
        if not lane_scalable(total_abs):
            return self.floats().transpose_times(g, wanted)
        a = (1 << SUM_BITS) / total_abs
        coefficients = map(round, map(mul, g, repeat(a)))  # d_j = round(g_j·A)
        # Σ_j d_j·Q[j, :], skipping ReLU-closed units (d_j = 0)
        total = sum([d * row for d, row in zip(coefficients, self.rows) if d])
        words = unpack(total, self.width, self.top_rows)
        picked = words if wanted is None else gatherer(wanted)(words)
        return list(map(mul, picked, repeat(math.ldexp(total_abs, -SUM_BITS) / self.scale)))
