"""Provides ``PackedFirstConvPool``: the first conv layer and its max-pool in fixed-point lanes,
computed from the pixel bytes (for training, prediction and inspection).

Per channel c the 3×3 conv is Z = B + Σ_t K_t·pixel_t in integers, with K_t = round(w_t·S),
B = round(255·b·S) and S the largest power of two with every |K_t| < 2^30 (one CPython digit: the
fast multiply) and 255·(Σ|w| + |b|)·S ≤ 2^60, so z = Z / (255·S) is within ≈ 2^-31 of the
kernel's largest weight of the float result. The n windows' pixels under tap t, at all four
sub-positions, are packed into one int of 4n lanes (primitives.py), so a channel costs 9 int
multiply-adds, and max-pool and ReLU a few more int operations (``max_lanes``, ``relu_lanes``),
instead of 4n Python calls. Geometry, background windows and the backward pass: first_conv.py.
"""

# ruff: noqa: B905  (zip in hot loops: lengths are equal by construction; strict= costs time)

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import repeat
from operator import mul

from cnn_tui.core.engines.python.first_conv import (
    PATCH16,
    SUB_TAPS,
    ConvOutputs,
    FirstConvLayer,
    Forward,
)
from cnn_tui.core.engines.python.lanes.primitives import (
    lane_ones,
    lane_scalable,
    lane_top_bits,
    max_lanes,
    pack,
    relu_lanes,
    split_lanes,
    unpack,
)


class PackedFirstConvPool(FirstConvLayer):
    """Conv 3×3 (1 → C) + ReLU + max-pool 2×2 at chosen windows, in integer lanes; its conv
    outputs (zs) are integers Z, worth ``channel_unit(c)`` each."""

    pixel_unit = 1 / 255  # the forward pass reads the pixel bytes 0–255

    @staticmethod
    def can_pack(weights: Sequence[float], biases: Sequence[float]) -> bool:
        """Whether every channel's numbers fit a lane's scale (else: the float layer)."""
        return all(
            lane_scalable(max(map(abs, weights[9 * c : 9 * c + 9])))
            and lane_scalable(255 * (sum(map(abs, weights[9 * c : 9 * c + 9])) + abs(b)))
            for c, b in enumerate(biases)
        )

    def __init__(self, weights: list[float], biases: list[float]) -> None:
        """``weights``: C×1×3×3 flat; ``biases``: C; ``can_pack`` must hold."""
        super().__init__(weights, biases)
        self.integer_kernels: list[list[int]] = []
        self.integer_biases: list[int] = []
        self.units: list[float] = []  # 1 / (255·S): the value of one unit of Z
        for c, b in enumerate(biases):
            w = weights[9 * c : 9 * c + 9]
            peak = max(map(abs, w))
            bound = 255 * (sum(map(abs, w)) + abs(b))
            s = min(
                math.ldexp(1.0, 30 - math.frexp(peak)[1]) if peak else math.inf,
                math.ldexp(1.0, 60 - math.frexp(bound)[1]) if bound else math.inf,
            )
            s = 1.0 if s == math.inf else s  # all zero: any scale is exact
            self.integer_kernels.append([round(v * s) for v in w])
            self.integer_biases.append(round(255 * b * s))
            self.units.append(1 / (255 * s))

    def channel_unit(self, c: int) -> float:
        """zs hold Z; z = Z / (255·S_c)."""
        return self.units[c]

    def forward_image(self, image: bytes, windows: Sequence[int]) -> Forward:
        """The 784 pixel bytes through the layer at ``windows``: (the bytes, zs in units of Z,
        the pooled values as floats z = Z / (255·S))."""
        n = len(windows)
        if not n:
            empty: ConvOutputs = ((), (), (), (), [])
            return image, [empty] * self.channels, [[] for _ in range(self.channels)]
        cols = list(zip(*[PATCH16[w](image) for w in windows]))  # 16 tuples of n pixels
        lanes = 4 * n
        top_bits = lane_top_bits(lanes)
        # tap t's pixels at sub-positions (0,0), (0,1), (1,0), (1,1), one after the other
        taps = [pack(sum((cols[sub[t]] for sub in SUB_TAPS), ()), top_bits) for t in range(9)]
        ones = lane_ones(lanes)
        zs: list[ConvOutputs] = []
        pooled: list[list[float]] = []
        window_top = lane_top_bits(n)
        for kernel, bias, unit in zip(self.integer_kernels, self.integer_biases, self.units):
            packed = sum(map(mul, kernel, taps), bias * ones)  # Z = B + Σ_t K_t·pixel_t
            # maxpool(ReLU(Z)) = ReLU(max(max(Z0, Z1), max(Z2, Z3))), n lanes at a time
            s0, s1, s2, s3 = split_lanes(packed, n, 4, top_bits)
            pair01, pair23 = max_lanes(s0, s1, window_top), max_lanes(s2, s3, window_top)
            top = unpack(
                relu_lanes(max_lanes(pair01, pair23, window_top), window_top), n, window_top
            )
            z = unpack(packed, lanes, top_bits)  # for backward: which position was pooled
            zs.append((z[:n], z[n : 2 * n], z[2 * n : 3 * n], z[3 * n :], top))
            pooled.append(list(map(mul, top, repeat(unit))))  # z = Z / (255·S)
        return image, zs, pooled
