"""Provides fixed-point "lanes": many numbers packed into one Python int per vector, so the inner
loops are big-integer multiply-adds in C. ``PackedMatrix`` multiplies a fixed matrix by vectors
(dense1 forward and backward); ``outer_product_sum`` forms Σ_i a_i ⊗ b_i (dense1's weight gradient).

Packing: a vector v of n integers, |v_k| < 2^62, is the signed int P(v) = Σ_k v_k·2^(64k).
P is linear — P(d·u + e·v) = d·P(u) + e·P(v) for integers d, e — as long as every lane of the
result stays inside ±2^62 (then no lane carries into its neighbour). So a linear combination
Σ_i d_i·v_i of n-vectors costs one int multiply and one int add per term (a C loop over machine
words, ≈ 2·n/8 ns) instead of n Python float operations, and one unpack at the end.

Fixed point: the float vectors are scaled and rounded to integers first, so results carry a
relative error of ≈ 1e-9 of the row's largest possible magnitude (see ``outer_product_sum``), or
≈ 1e-7 of a product's typical size (``PackedMatrix``). That is far inside what the engines' parity
test needs (losses within 1e-4 relative). Training, prediction and inspection use lanes; saliency,
two-conv networks, and numbers too tiny or too huge for a lane's scale (see ``lane_scalable``) use
plain floats.
"""

# ruff: noqa: B905  (zip in hot loops: lengths are equal by construction; strict= costs time)

from __future__ import annotations

import math
import struct
import sys
from array import array
from collections import deque
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import add, mul

from .fastmath import FloatMatrix, gatherer

LANE_BYTES = 8  # each lane is one signed 64-bit word ("q")
VECTOR_BITS = 31  # |quantised b_i| ≤ 2^31
COEFFICIENT_BITS = 30  # Σ_i |quantised a_i[j]|·|B_i| ≤ 2^(31+30) (a coefficient alone ≤ 2^31)
# Their product, summed over a row's terms, is ≤ 2^61 by the choice of scales: half the lane's
# room, so the rounding slack (≤ 2^31 per term) cannot reach 2^62 for fewer than 2^29 terms.


def lane_top_bits(n: int) -> int:
    """2^63 in every one of n lanes: XOR-ing it maps two's complement ↔ offset binary."""
    return int.from_bytes(b"\x80".rjust(LANE_BYTES, b"\0") * n, "little")


SAFE_LOW, SAFE_HIGH = 2.0**-900, 2.0**900


def lane_scalable(peak: float) -> bool:
    """Whether numbers up to ``peak`` in size can be scaled into lanes: 0, or a size whose
    power-of-two scale factors (up to 2^±62 around it) stay well inside the float range. Tiny,
    huge, inf and nan are left to floats, which treat them as NumPy does."""
    return peak == 0.0 or SAFE_LOW < peak < SAFE_HIGH


def row_norm_peak(rows: Sequence[Sequence[float]]) -> float:
    """The largest row norm: ≥ max|W| (math.hypot is a C loop, ≈ 3× cheaper than max and min);
    inf or nan when W is not finite."""
    return max((math.hypot(*row) for row in rows), default=0.0)


def rounding_constant(scale: float) -> tuple[float, int]:
    """(M, bits of M) with M = 1.5·2^52 / ``scale``, for a power-of-two ``scale`` s.

    The doubles near M are spaced exactly 1/s apart, so w + M rounds w to the nearest multiple
    n/s, and its bit pattern is bits(M) + n (for |n| < 2^51): float → integer at C speed, one
    addition per number instead of a multiply, a round() and an int.
    """
    m = 1.5 * 2.0**52 / scale
    return m, int.from_bytes(struct.pack("<d", m), "little")


def pack_rounded(shifted: array, offset: int) -> int:
    """P(n_k) from the doubles w_k + M in ``shifted`` (see ``rounding_constant``); ``offset``:
    bits(M)·Σ_k 2^(64k) for that many lanes.

    Each word reads as bits(M) + n_k ≥ 0, so the whole array read as one unsigned int is
    P(n_k) + ``offset``.
    """
    if sys.byteorder != "little":
        shifted = array("d", shifted)
        shifted.byteswap()
    return int.from_bytes(shifted.tobytes(), "little") - offset


def lane_ones(n: int) -> int:
    """1 in every one of n lanes: Σ_k 2^(64k)."""
    return int.from_bytes(b"\1".ljust(LANE_BYTES, b"\0") * n, "little")


def pack(values: Sequence[int], top: int) -> int:
    """P(v) = Σ_k v_k·2^(64k) for signed ints |v_k| < 2^62; ``top``: ``lane_top_bits(len(v))``.

    array("q") writes two's complement words; read back as one unsigned int, a negative lane
    would count 2^64 too much. XOR with 2^63 per lane turns each word into v_k + 2^63 (offset
    binary, no borrows), and subtracting 2^63 per lane leaves exactly Σ_k v_k·2^(64k).
    """
    words = values if isinstance(values, array) else array("q", values)
    if sys.byteorder != "little":
        words = array("q", words)
        words.byteswap()
    return (int.from_bytes(words.tobytes(), "little") ^ top) - top


def unpack(packed: int, n: int, top: int) -> array:
    """The n signed lanes of ``packed`` (the inverse of ``pack``), as array("q").

    Adding 2^63 per lane makes every lane non-negative (offset binary: no borrows between lanes),
    XOR with 2^63 turns each word back into two's complement, and array("q") reads them.
    """
    words = array("q")
    words.frombytes(((packed + top) ^ top).to_bytes(LANE_BYTES * n, "little"))
    if sys.byteorder != "little":
        words.byteswap()
    return words


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

    def __init__(self, rows: Sequence[Sequence[float]], peak: float | None = None) -> None:
        """``rows``: H rows of F floats; ``peak``: a bound on max|W| to scale for (by default the
        largest row norm, which is ≥ max|W|: math.hypot is a C loop, ≈ 3× cheaper than max and
        min). The peak must be ``lane_scalable``."""
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
        self.float_rows: Callable[[], Sequence[Sequence[float]]] = lambda: rows
        self._floats: FloatMatrix | None = None

    @classmethod
    def from_packed_rows(
        cls,
        rows: list[int],
        width: int,
        scale: float,
        float_rows: Callable[[], Sequence[Sequence[float]]],
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
        matrix._floats = None
        return matrix

    def floats(self) -> FloatMatrix:
        """The same products in plain floats (for inputs that have no fixed-point form)."""
        if self._floats is None:
            self._floats = FloatMatrix(self.float_rows())
        return self._floats

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


FULL_LANE = (1 << (8 * LANE_BYTES)) - 1


def split_lanes(packed: int, n: int, blocks: int, top: int) -> list[int]:
    """P(v) of blocks·n lanes → the ``blocks`` consecutive P(v[b·n : (b+1)·n]); ``top``:
    ``lane_top_bits(blocks·n)``.

    In offset binary (+2^63 per lane) every lane is non-negative, so shifting and masking
    cut whole lanes without borrows.
    """
    shifted = packed + top
    width = 8 * LANE_BYTES * n
    mask = (1 << width) - 1
    block_top = top & mask  # lane_top_bits(n)
    return [((shifted >> (b * width)) & mask) - block_top for b in range(blocks)]


def relu_lanes(packed: int, top: int) -> int:
    """P(max(v_k, 0)) from P(v) (|v_k| < 2^62); ``top``: ``lane_top_bits(n)``."""
    shifted = packed + top  # lane k = v_k + 2^63: its top bit is set iff v_k ≥ 0
    keep = ((shifted & top) >> (8 * LANE_BYTES - 1)) * FULL_LANE  # all ones where v_k ≥ 0
    return (shifted & keep) - (top & keep)


def max_lanes(a: int, b: int, top: int) -> int:
    """P(max(a_k, b_k)) = b + ReLU(a − b), lane by lane (|a_k − b_k| < 2^62)."""
    return b + relu_lanes(a - b, top)


def outer_product_totals(
    lefts: Sequence[Sequence[float]],
    rights: Sequence[tuple[Sequence[int], Sequence[float]]],
    size: int,
    unit: float = 1.0,
) -> list[tuple[int, int]] | None:
    """Σ_i a_i ⊗ b_i as H packed rows: row j = T_j / (unit·2^m_j) for the returned (T_j, m_j).

    Args:
        lefts: m dense vectors a_i of H floats (e.g. ∂L/∂z1 per image).
        rights: m sparse vectors b_i of ``size`` floats as (indices, values) (e.g. dense1 inputs).
        size: the length of each b_i: the lanes of each T_j.
        unit: the scale's fixed factor (see ``LaneWeights``); any positive float.

    Returns None when an input is inf or nan (a diverged network), or too tiny or huge for a
    lane's scale: the caller computes in floats.

    Scales: b_i is rounded to B_i = round(b_i·σ_i), σ_i the power of two with max|b_i|·σ_i < 2^31.
    Row j has the scale A_j = unit·2^m_j, the largest such with A_j·Σ_i |a_i[j]|·max|b_i| ≤ 2^61,
    and coefficients d_ij = round(a_i[j]·A_j / σ_i) (≤ 2^31); then T_j = Σ_i d_ij·B_i ≈
    A_j·Σ_i a_i[j]·b_i with every lane inside ±2^62. Error per entry ≲ m·2^-29 of
    Σ_i |a_i[j]|·max|b_i|.
    """
    if not math.isfinite(sum(map(sum, lefts)) + sum(sum(values) for _, values in rights)):
        return None
    ones = lane_ones(size)
    packed: list[int] = []
    peaks: list[float] = []  # max|b_i|
    ratios: list[float] = []  # 1/σ_i
    kept: list[Sequence[float]] = []  # a_i of the b_i that are not all zero
    for left, (indices, values) in zip(lefts, rights):
        peak = max(max(values, default=0.0), -min(values, default=0.0))
        if peak == 0.0:
            continue
        if not lane_scalable(peak):
            return None
        sigma = math.ldexp(1.0, VECTOR_BITS - math.frexp(peak)[1])  # a power of two
        rounding, bits = rounding_constant(sigma)
        # B_i = round(b_i·σ_i): b + M in every lane that has a b, M (for 0) in the others
        words = array("d", [rounding]) * size
        deque(map(words.__setitem__, indices, map(add, values, repeat(rounding))), maxlen=0)
        packed.append(pack_rounded(words, bits * ones))
        peaks.append(peak)
        ratios.append(1.0 / sigma)
        kept.append(left)
    if not kept:
        return [(0, 0)] * (len(lefts[0]) if lefts else 0)
    totals: list[tuple[int, int]] = []
    for column in zip(*kept):  # column = (a_i[j] for each kept i): row j's coefficients
        bound = sum(map(mul, map(abs, column), peaks))  # Σ_i |a_i[j]|·max|b_i|
        if bound == 0.0:
            totals.append((0, 0))
            continue
        if not lane_scalable(bound * unit):
            return None
        # A_j = unit·2^m ≤ 2^61 / bound
        m = math.frexp((1 << (VECTOR_BITS + COEFFICIENT_BITS)) / (bound * unit))[1] - 1
        a_j = math.ldexp(unit, m)
        coefficients = map(round, map(mul, column, map(mul, ratios, repeat(a_j))))
        # Σ_i d_ij·B_i: one lane per entry. Zero coefficients (a_i[j] = 0: ReLU closed) are
        # skipped — 0·B_i still allocates and clears a B_i-sized int.
        totals.append((sum([d * b for d, b in zip(coefficients, packed) if d]), m))
    return totals


def totals_to_floats(
    totals: Sequence[tuple[int, int]], size: int, factor: float
) -> list[list[float]]:
    """factor·T_j·2^-m_j, as rows of ``size`` floats (``factor``: e.g. 1/unit)."""
    top = lane_top_bits(size)
    return [
        list(map(mul, unpack(total, size, top), repeat(math.ldexp(factor, -m))))
        if total
        else [0.0] * size
        for total, m in totals
    ]


def outer_product_sum(
    lefts: Sequence[Sequence[float]],
    rights: Sequence[tuple[Sequence[int], Sequence[float]]],
    size: int,
    scale: float = 1.0,
) -> list[list[float]]:
    """``scale``·Σ_i a_i ⊗ b_i as H rows of ``size`` floats (row j = scale·Σ_i a_i[j]·b_i), in
    lanes (``outer_product_totals``), or in floats when an input is not finite."""
    totals = outer_product_totals(lefts, rights, size)
    if totals is None:  # inf or nan: floats propagate it
        return outer_product_sum_float(lefts, rights, size, scale)
    return totals_to_floats(totals, size, scale)


def outer_product_sum_float(
    lefts: Sequence[Sequence[float]],
    rights: Sequence[tuple[Sequence[int], Sequence[float]]],
    size: int,
    scale: float = 1.0,
) -> list[list[float]]:
    """The same scale·Σ_i a_i ⊗ b_i in plain float64 (row j += a_i[j]·b_i): exact to rounding, ≈ 4×
    slower on the default network. Used where the dense layer's input is small and dense (after
    a second conv layer), and as the reference in tests."""
    rows = [[0.0] * size for _ in range(len(lefts[0]) if lefts else 0)]
    for left, (indices, values) in zip(lefts, rights):
        for row, a in zip(rows, left):
            if a:
                for k, product in zip(indices, map(mul, values, repeat(a))):
                    row[k] += product
    return rows if scale == 1.0 else [list(map(mul, row, repeat(scale))) for row in rows]
