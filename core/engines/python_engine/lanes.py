"""Provides ``outer_product_sum``: Σ_i a_i ⊗ b_i for many vectors, as fixed-point "lanes" packed
into one Python int per vector, so the inner loops are big-integer multiply-adds in C.

Packing: a vector v of n integers, |v_k| < 2^62, is the signed int P(v) = Σ_k v_k·2^(64k).
P is linear — P(d·u + e·v) = d·P(u) + e·P(v) for integers d, e — as long as every lane of the
result stays inside ±2^62 (then no lane carries into its neighbour). So a linear combination
Σ_i d_i·v_i of n-vectors costs one int multiply and one int add per term (a C loop over machine
words, ≈ 2·n/8 ns) instead of n Python float operations, and one unpack at the end.

Fixed point: the float vectors are scaled and rounded to integers first, so results carry a
relative error of ≈ 1e-9 of the row's largest possible magnitude (see ``outer_product_sum``).
That is far inside what the engines' parity test needs (losses within 1e-4 relative); it is
the only place where the pure-Python engine is not float64-exact.
"""

# ruff: noqa: B905  (zip in hot loops: lengths are equal by construction; strict= costs time)

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Sequence
from itertools import repeat
from operator import mul

LANE_BYTES = 8  # each lane is one signed 64-bit word ("q")
VECTOR_BITS = 31  # |quantised b_i| ≤ 2^31
COEFFICIENT_BITS = 30  # |quantised a_i[j]| ≤ 2^30 (one CPython digit: the fast multiply)
# Their product, summed over a row's terms, is ≤ 2^61 by the choice of scales: half the lane's
# room, so the rounding slack (≤ 2^31 per term) cannot reach 2^62 for fewer than 2^29 terms.


def lane_top_bits(n: int) -> int:
    """2^63 in every one of n lanes: XOR-ing it maps two's complement ↔ offset binary."""
    return int.from_bytes(b"\x80".rjust(LANE_BYTES, b"\0") * n, "little")


def pack(values: Sequence[int], top: int) -> int:
    """P(v) = Σ_k v_k·2^(64k) for signed ints |v_k| < 2^62; ``top``: ``lane_top_bits(len(v))``.

    array("q") writes two's complement words; read back as one unsigned int, a negative lane
    would count 2^64 too much. XOR with 2^63 per lane turns each word into v_k + 2^63 (offset
    binary, no borrows), and subtracting 2^63 per lane leaves exactly Σ_k v_k·2^(64k).
    """
    words = array("q", values)
    if sys.byteorder != "little":
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


def outer_product_sum(
    lefts: Sequence[Sequence[float]],
    rights: Sequence[tuple[Sequence[int], Sequence[float]]],
    size: int,
) -> list[list[float]]:
    """Σ_i a_i ⊗ b_i as H rows of ``size`` floats: row j = Σ_i a_i[j]·b_i.

    Args:
        lefts: m dense vectors a_i of H floats (e.g. ∂L/∂z1 per image).
        rights: m sparse vectors b_i of ``size`` floats as (indices, values) (e.g. dense1 inputs).
        size: the length of each b_i.

    Scales: b_i is rounded to B_i = round(b_i·σ_i) with σ_i = 2^31 / max|b_i|. Row j uses
    A_j = 2^61 / Σ_i |a_i[j]|·max|b_i| and coefficients d_ij = round(a_i[j]·A_j / σ_i) (≤ 2^30);
    then Σ_i d_ij·B_i ≈ A_j·Σ_i a_i[j]·b_i with every lane inside ±2^62, and row j is that
    divided by A_j. Error per entry ≲ m·2^-30 of Σ_i |a_i[j]|·max|b_i|.
    """
    if not math.isfinite(sum(map(sum, lefts)) + sum(sum(values) for _, values in rights)):
        # inf or nan (a diverged network) has no fixed-point form: floats propagate it
        return outer_product_sum_float(lefts, rights, size)
    top = lane_top_bits(size)
    packed: list[int] = []
    peaks: list[float] = []  # max|b_i|
    kept: list[Sequence[float]] = []  # a_i of the b_i that are not all zero
    for left, (indices, values) in zip(lefts, rights):
        peak = max(map(abs, values), default=0.0)
        if peak == 0.0:
            continue
        sigma = (1 << VECTOR_BITS) / peak
        lanes = [0] * size
        for k, v in zip(indices, map(round, map(mul, values, repeat(sigma)))):
            lanes[k] = v
        packed.append(pack(lanes, top))
        peaks.append(peak)
        kept.append(left)
    rows: list[list[float]] = []
    zero_row = [0.0] * size
    ratios = [peak / (1 << VECTOR_BITS) for peak in peaks]  # 1/σ_i
    for column in zip(*kept):  # column = (a_i[j] for each kept i): row j's coefficients
        bound = sum(map(mul, map(abs, column), peaks))  # Σ_i |a_i[j]|·max|b_i|
        if bound == 0.0:
            rows.append(list(zero_row))
            continue
        a_j = (1 << (VECTOR_BITS + COEFFICIENT_BITS)) / bound
        coefficients = map(round, map(mul, column, map(mul, ratios, repeat(a_j))))
        # Σ_i d_ij·B_i: one lane per entry. Zero coefficients (a_i[j] = 0: ReLU closed) are
        # skipped — 0·B_i still allocates and clears a B_i-sized int.
        total = sum([d * b for d, b in zip(coefficients, packed) if d])
        rows.append(list(map(mul, unpack(total, size, top), repeat(1.0 / a_j))))
    if not kept:
        rows = [list(zero_row) for _ in lefts[0]] if lefts else []
    return rows


def outer_product_sum_float(
    lefts: Sequence[Sequence[float]],
    rights: Sequence[tuple[Sequence[int], Sequence[float]]],
    size: int,
) -> list[list[float]]:
    """The same Σ_i a_i ⊗ b_i in plain float64 (row j += a_i[j]·b_i): exact to rounding, ≈ 4×
    slower on the default network. Used where the dense layer's input is small and dense (after
    a second conv layer), and as the reference in tests."""
    rows = [[0.0] * size for _ in range(len(lefts[0]) if lefts else 0)]
    for left, (indices, values) in zip(lefts, rights):
        for row, a in zip(rows, left):
            if a:
                for k, product in zip(indices, map(mul, values, repeat(a))):
                    row[k] += product
    return rows
