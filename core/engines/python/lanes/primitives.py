"""Provides fixed-point "lanes": many numbers packed into one Python int per vector, so the inner
loops are big-integer operations in C — packing and unpacking, rounding floats into them, and
lane-by-lane shift, ReLU and max. packed_matrix.py multiplies by a fixed matrix with them,
outer_products.py forms weight gradients, lane_weights.py steps dense1's weights, and
packed_first_conv.py runs the first conv layer.

Packing: a vector v of n integers, |v_k| < 2^62, is the signed int P(v) = Σ_k v_k·2^(64k).
P is linear — P(d·u + e·v) = d·P(u) + e·P(v) for integers d, e — as long as every lane of the
result stays inside ±2^62 (then no lane carries into its neighbour). So a linear combination
Σ_i d_i·v_i of n-vectors costs one int multiply and one int add per term (a C loop over machine
words, ≈ 2·n/8 ns) instead of n Python float operations, and one unpack at the end.

Fixed point: the float vectors are scaled and rounded to integers first, so results carry a
relative error of ≈ 1e-9 of the largest possible magnitude of a sum, ≈ 1e-7 of a product's
typical size. That is far inside what the engines' parity test needs (losses within 1e-4
relative). Training, prediction and inspection use lanes; saliency, two-conv networks, and
numbers too tiny or too huge for a lane's scale (see ``lane_scalable``) use plain floats.
"""

from __future__ import annotations

import math
import struct
import sys
from array import array
from collections.abc import Sequence

LANE_BYTES = 8  # each lane is one signed 64-bit word ("q")


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


def shift_lanes(packed: int, shift: int, n: int, top: int) -> int:
    """P(round(v_k·2^shift)) from P(v) of n lanes (|v_k| < 2^62, and the result too).

    A left shift is exact and linear. A right shift by m rounds each lane: in offset binary
    (+2^63 per lane) every lane is non-negative, so adding 2^(m−1), shifting the whole int and
    masking each lane to its own 64 − m bits gives floor((v + 2^(m−1)) / 2^m) + 2^(63−m) per lane.
    """
    if shift >= 0:
        return packed << shift
    m = -shift
    if m >= 8 * LANE_BYTES - 1:
        return 0  # every |v_k| < 2^62 rounds to 0
    ones = lane_ones(n)
    mask = ((1 << (8 * LANE_BYTES - m)) - 1) * ones
    return (((packed + top + (ones << (m - 1))) >> m) & mask) - (top >> m)
