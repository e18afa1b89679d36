"""Provides ``outer_product_totals`` and ``outer_product_sum``: Σ_i a_i ⊗ b_i over a batch (the
dense layers' weight gradients) in fixed-point lanes (primitives.py), and the same in floats."""

# ruff: noqa: B905  (zip in hot loops: lengths are equal by construction; strict= costs time)

from __future__ import annotations

import math
from array import array
from collections import deque
from collections.abc import Sequence
from itertools import repeat
from operator import add, mul

from cnn_tui.core.engines.python.lanes.primitives import (
    lane_ones,
    lane_scalable,
    lane_top_bits,
    pack_rounded,
    rounding_constant,
    unpack,
)

PackedRows = list[tuple[int, int]]
"""A matrix as packed rows (T_j, m_j): row j = T_j / (unit·2^m_j) for the unit it was made with."""

VECTOR_BITS = 31  # |quantised b_i| ≤ 2^31
COEFFICIENT_BITS = 30  # Σ_i |quantised a_i[j]|·|B_i| ≤ 2^(31+30) (a coefficient alone ≤ 2^31)
# Their product, summed over a row's terms, is ≤ 2^61 by the choice of scales: half the lane's
# room, so the rounding slack (≤ 2^31 per term) cannot reach 2^62 for fewer than 2^29 terms.


def outer_product_totals(
    lefts: Sequence[Sequence[float]],
    rights: Sequence[tuple[Sequence[int], Sequence[float]]],
    size: int,
    unit: float = 1.0,
) -> PackedRows | None:
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
    totals: PackedRows = []
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
) -> list[list[float]]:
    """Σ_i a_i ⊗ b_i as H rows of ``size`` floats (row j = Σ_i a_i[j]·b_i), in
    lanes (``outer_product_totals``), or in floats when an input is not finite."""
    totals = outer_product_totals(lefts, rights, size)
    if totals is None:  # no fixed-point form (inf, nan, tiny, huge): floats
        return outer_product_sum_float(lefts, rights, size)
    return totals_to_floats(totals, size, 1.0)


def outer_product_sum_float(
    lefts: Sequence[Sequence[float]],
    rights: Sequence[tuple[Sequence[int], Sequence[float]]],
    size: int,
) -> list[list[float]]:
    """The same Σ_i a_i ⊗ b_i in plain float64 (row j += a_i[j]·b_i): exact to rounding, ≈ 4×
    slower on the default network. Used where the dense layer's input is small and dense (after
    a second conv layer), and in tests to check the lanes against."""
    rows = [[0.0] * size for _ in range(len(lefts[0]) if lefts else 0)]
    for left, (indices, values) in zip(lefts, rights):
        for row, a in zip(rows, left):
            if a:
                for k, product in zip(indices, map(mul, values, repeat(a))):
                    row[k] += product
    return rows
