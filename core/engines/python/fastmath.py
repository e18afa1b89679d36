"""Provides the few vector primitives the pure-Python engine is built from, and their index tables.

Everything here runs its inner loop inside a C builtin (``map``, ``sum``, ``zip``, ``itemgetter``)
so no Python bytecode executes per element. Vectors are plain lists (or tuples) of floats.
"""

# ruff: noqa: B905  (zip in hot loops: lengths are equal by construction; strict= costs time)

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import add, itemgetter, mul
from typing import TypeVar

T = TypeVar("T")

PIXEL_SCALE: tuple[float, ...] = tuple(p / 255.0 for p in range(256))
"""pixel byte → float in [0, 1]: x = pixel / 255 (a lookup, not a division per pixel)."""

HAS_SUMPROD = hasattr(math, "sumprod")  # Python 3.12+
_times: Callable[[float, float], float] = mul  # operator.mul, typed for floats

if HAS_SUMPROD:  # one C loop, ~1.4× faster than the math.dist identity below
    _sumprod: Callable[[Sequence[float], Sequence[float]], float]
    _sumprod = math.sumprod  # type: ignore[attr-defined]  # typeshed for 3.10 lacks it

    def dot(a: Sequence[float], b: Sequence[float]) -> float:
        """Σ_k a_k·b_k."""
        return _sumprod(a, b)

else:

    def dot(a: Sequence[float], b: Sequence[float]) -> float:
        """Σ_k a_k·b_k (map/sum keep the loop in C)."""
        return sum(map(_times, a, b))


NORM_LOW, NORM_HIGH = 1e-150, 1e150  # norms whose squares and ratios stay finite and normal


class RowProducts:
    """M·x for a fixed matrix M (kept as rows) and many vectors x: (M·x)_j = row_j·x.

    Python 3.12+: ``math.sumprod`` per row. Before that, the norm identity
    row·x = (‖row‖² + ‖x‖² − ‖row − x‖²) / 2, with ‖row − x‖ from ``math.dist`` (a C loop over
    doubles, ≈ 11 ns/element against ≈ 55 for ``sum(map(mul))``) and ‖row‖² computed once here.
    x is first scaled by α so that ‖αx‖ ≈ the rows' typical norm: the rounding error is then
    ≈ 1e-16·‖row‖·‖x‖ instead of 1e-16·(‖row‖² + ‖x‖²).
    """

    def __init__(self, rows: Sequence[Sequence[float]]) -> None:
        """``rows``: R rows of equal length N (lists or tuples of floats)."""
        self.rows = rows
        if not HAS_SUMPROD:
            norms = [math.hypot(*row) for row in rows]
            # ‖row‖² (h·h rather than h**2: float ** raises on overflow, · gives inf)
            self.norms2 = [h * h for h in norms]
            # the root mean square of the norms, by hypot: no underflow for tiny rows (0 only
            # when every row is exactly 0)
            self.typical = math.hypot(*norms) / math.sqrt(len(rows)) if rows else 0.0

    def times(self, x: Sequence[float], which: Sequence[int] | None = None) -> list[float]:
        """[row_r·x for r in ``which``] (all R rows when ``which`` is None); x has N floats."""
        rows = self.rows if which is None else gatherer(which)(self.rows)
        if HAS_SUMPROD:
            return list(map(_sumprod, rows, repeat(x)))
        x_norm = math.hypot(*x)
        if x_norm == 0.0 or self.typical == 0.0:
            return [0.0] * len(rows)
        if not (NORM_LOW < x_norm < NORM_HIGH and NORM_LOW < self.typical < NORM_HIGH):
            # inf/nan (a diverged network), or so tiny or huge that α or ‖row‖² would leave the
            # float range: plain products, which propagate and round as NumPy's do
            return [sum(map(mul, row, x)) for row in rows]
        alpha = self.typical / x_norm
        # αx, ‖αx‖ ≈ typical ‖row‖; a tuple, because math.dist copies any other sequence into
        # one on every call
        ax = tuple(map(mul, x, repeat(alpha)))
        norms2 = self.norms2 if which is None else gatherer(which)(self.norms2)
        # row·x = (‖row‖² + ‖αx‖² − ‖row − αx‖²) / (2α)
        half = 0.5 / alpha
        ax_norm = math.hypot(*ax)
        ax_norm2 = ax_norm * ax_norm
        return [
            (n + ax_norm2 - d * d) * half for n, d in zip(norms2, map(math.dist, rows, repeat(ax)))
        ]


class FloatMatrix:
    """A fixed H×F matrix W for W·x (x sparse) and Wᵀ·g, in plain floats (float64-exact)."""

    def __init__(self, rows: Sequence[Sequence[float]]) -> None:
        """``rows``: H rows of F floats."""
        self.rows = rows
        self.width = len(rows[0])
        # W·x: H rows of F, as tuples (math.dist copies any other sequence on every call)
        self.by_rows = RowProducts([tuple(row) for row in rows])
        self._by_columns: RowProducts | None = None

    def times(self, indices: Sequence[int], values: Sequence[float]) -> list[float]:
        """W·x for the F-vector x that is ``values`` at ``indices`` and 0 elsewhere (H floats)."""
        x = [0.0] * self.width
        for k, v in zip(indices, values):
            x[k] = v
        return self.by_rows.times(x)

    def transpose_times(
        self, g: Sequence[float], wanted: Sequence[int] | None = None
    ) -> list[float]:
        """(Wᵀ·g)_k = Σ_j W[j, k]·g_j for k in ``wanted`` (all F when None); g has H floats."""
        if self._by_columns is None:
            # F columns of H. Column k is the strided slice flat[k::F] of a flat row-major copy,
            # made into a tuple of fresh floats that sit next to each other in memory (a column
            # straight from zip(*rows) points into H different rows: ≈ 4× slower to read).
            flat = array("d")
            for row in self.rows:
                flat.extend(row)
            width = self.width
            self._by_columns = RowProducts([tuple(flat[k::width]) for k in range(width)])
        return self._by_columns.times(g, wanted)

    def column_sums(self, start: int, stop: int) -> list[float]:
        """Σ_{start ≤ k < stop} W[:, k] (H floats)."""
        return [sum(row[start:stop]) for row in self.rows]


def axpy(alpha: float, x: Sequence[float], y: Sequence[float]) -> list[float]:
    """y + alpha·x, elementwise (a new list)."""
    return list(map(add, y, map(mul, x, repeat(alpha))))


def gatherer(indices: Sequence[int]) -> Callable[[Sequence[T]], tuple[T, ...]]:
    """A function seq → (seq[i] for i in indices) as a tuple, for any number of indices.

    ``itemgetter`` does the gathering in C but returns a bare item for one index and refuses none.
    """
    if len(indices) >= 2:
        return itemgetter(*indices)
    if len(indices) == 1:
        only = indices[0]
        return lambda seq: (seq[only],)
    return lambda seq: ()


def softmax(logits: Sequence[float]) -> list[float]:
    """p_i = exp(z_i − max z) / Σ_j exp(z_j − max z) (max subtracted so exp never overflows)."""
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return [e / total for e in exps]
