"""Provides the first conv layer fused with its max-pool, computed only where the image has ink.

Shapes (CHW, flat row-major lists): input 1×28×28 → conv 3×3 (valid) C×26×26 → ReLU → max-pool
2×2 stride 2 → C×13×13. Each pooled cell ("window") w = i·13 + j sees conv positions
(2i+du, 2j+dv) for du, dv ∈ {0, 1}, and through them the 4×4 input patch at rows 2i..2i+3,
columns 2j..2j+3.

The constant background, treated separately: MNIST's background is exactly 0, so wherever a
window's 4×4 patch is all zero, every conv output in it is just the bias b_c, and the pooled value
is ReLU(b_c) — no arithmetic needed. Only the "active" windows (≈ 44 % of them on MNIST) are
computed; the caller treats the rest as the constant ReLU(b_c). Passing every window as active
gives the plain dense computation (used for inspection and saliency).

Pool ties: the gradient goes to the first maximum in row-major order of the window (sub-positions
(0,0), (0,1), (1,0), (1,1)); ``tuple.index`` finds exactly that one.

Two forms of the layer share the backward pass (``FirstConvLayer``): ``FirstConvPool`` here, in
floats, and ``PackedFirstConvPool`` (lanes/packed_first_conv.py), in fixed-point lanes from the
pixel bytes, for training.
"""

# ruff: noqa: B905  (zip in hot loops: lengths are equal by construction; strict= costs time)

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import compress, repeat
from operator import add, and_, gt, itemgetter

from cnn_tui.core.engines.python.fastmath import PIXEL_SCALE, dot, gatherer

SIDE = 28  # input side
CONV_SIDE = 26  # 28 − 3 + 1
POOL_SIDE = 13  # 26 // 2
WINDOWS = POOL_SIDE * POOL_SIDE  # 169
ALL_WINDOWS: tuple[int, ...] = tuple(range(WINDOWS))

# Top-left input pixel of each window's 4×4 patch.
_ORIGIN = [2 * (w // POOL_SIDE) * SIDE + 2 * (w % POOL_SIDE) for w in range(WINDOWS)]
# The 16 pixels of each window's patch, row-major: patch[u*4 + v] = x[origin + u*28 + v].
PATCH16 = [itemgetter(*[o + u * SIDE + v for u in range(4) for v in range(4)]) for o in _ORIGIN]
# Sub-position s = du*2 + dv reads the 3×3 taps (a, b) at patch16 index (du+a)*4 + (dv+b).
SUB_TAPS = [
    [(du + a) * 4 + (dv + b) for a in range(3) for b in range(3)] for du in (0, 1) for dv in (0, 1)
]
# Input offset of the top-left tap of sub-position s = du*2 + dv, from the window's origin.
SUB_OFFSET = (0, 1, SIDE, SIDE + 1)
# Input offset of each of the 9 taps (a, b) from a conv position's top-left pixel.
TAP_OFFSET = tuple(a * SIDE + b for a in range(3) for b in range(3))
# The 9 input pixels under the conv position whose top-left pixel is p, for the weight gradient.
PATCH9_AT = [itemgetter(*[p + t for t in TAP_OFFSET]) for p in range((SIDE - 2) * SIDE)]
# Bit masks over a 28-byte row band, one per window column j (bytes 2j..2j+3, big-endian).
_COLUMN_MASKS = [0xFFFFFFFF << (8 * (SIDE - 4 - 2 * j)) for j in range(POOL_SIDE)]

Pixels = Sequence[float] | bytes
"""What a form of the layer reads: floats in [0, 1], or the pixel bytes 0–255 (packed form)."""
ConvOutputs = tuple[
    Sequence[float], Sequence[float], Sequence[float], Sequence[float], Sequence[float]
]
"""One channel's conv outputs at n windows: (z0, z1, z2, z3, top), pre-ReLU at each
sub-position, and top = max(0, z0, z1, z2, z3) in the same units (what got pooled)."""
Forward = tuple[Pixels, list[ConvOutputs], list[list[float]]]
"""(what was read, every channel's ``ConvOutputs``, every channel's n pooled values)."""


def active_windows(image: bytes) -> list[int]:
    """Windows whose 4×4 input patch holds a non-zero pixel, ascending.

    Rows are read as 28-byte integers; OR-ing four rows marks every column with ink in the band.
    """
    rows = [int.from_bytes(image[r : r + SIDE], "big") for r in range(0, SIDE * SIDE, SIDE)]
    active: list[int] = []
    for i in range(POOL_SIDE):
        band = rows[2 * i] | rows[2 * i + 1] | rows[2 * i + 2] | rows[2 * i + 3]
        if band:
            base = i * POOL_SIDE
            active.extend(base + j for j, mask in enumerate(_COLUMN_MASKS) if band & mask)
    return active


def make_kernel(weights: Sequence[float], bias: float) -> Callable[..., float]:
    """The conv of one filter at one position: z = b + Σ_{a,b} w[a,b]·x[a,b] (9 taps)."""
    w0, w1, w2, w3, w4, w5, w6, w7, w8 = weights

    def conv3x3(
        p0: float,
        p1: float,
        p2: float,
        p3: float,
        p4: float,
        p5: float,
        p6: float,
        p7: float,
        p8: float,
    ) -> float:
        return (
            bias
            + w0 * p0
            + w1 * p1
            + w2 * p2
            + w3 * p3
            + w4 * p4
            + w5 * p5
            + w6 * p6
            + w7 * p7
            + w8 * p8
        )

    return conv3x3


class FirstConvLayer:
    """What both forms of the layer share: the weights, the backward pass and the full maps."""

    pixel_unit = 1.0  # the value of one unit of what the forward pass reads

    def __init__(self, weights: list[float], biases: list[float]) -> None:
        """``weights``: C×1×3×3 flat; ``biases``: C."""
        self.channels = len(biases)
        self.weights = weights
        self.biases = biases

    def channel_unit(self, c: int) -> float:
        """The value of one unit of channel c's conv outputs in the forward pass's zs."""
        return 1.0

    def backward(
        self,
        x: Pixels,
        windows: Sequence[int],
        zs: list[ConvOutputs],
        pooled: list[list[float]],
        grad_pooled: list[list[float]],
        grad_weights: list[float],
        grad_biases: list[float],
        grad_input: list[float] | None = None,
    ) -> None:
        """Accumulate ∂L/∂w and ∂L/∂b (and ∂L/∂x if asked) from ∂L/∂pooled at ``windows``.

        The pooled gradient reaches only the window's first maximum, and only through an open
        ReLU (pooled > 0); there ∂z/∂w[a,b] = x[a,b] under that position and ∂z/∂b = 1.
        Background windows are the caller's business (their patch is 0: they feed the bias only).
        """
        origins = list(map(_ORIGIN.__getitem__, windows))
        unit = self.pixel_unit
        for c in range(self.channels):
            g_c = grad_pooled[c]
            # Windows with an open ReLU (pooled > 0) and a non-zero gradient. (Not g·(pooled > 0)
            # ≠ 0: a nan gradient from a diverged network would make closed windows look live.)
            open_ = map(gt, pooled[c], repeat(0.0))
            live = list(compress(range(len(g_c)), map(and_, open_, map(bool, g_c))))
            if not live:
                continue
            pick = gatherer(live)
            z0, z1, z2, z3, top = zs[c]
            # First maximum of (z0, z1, z2, z3) in row-major order = the one that got pooled.
            subs = map(tuple.index, zip(pick(z0), pick(z1), pick(z2), pick(z3)), pick(top))
            # Its top-left input pixel: the window's origin + (du·28 + dv).
            corners = list(map(add, pick(origins), map(SUB_OFFSET.__getitem__, subs)))
            g_live = pick(g_c)
            grad_biases[c] += sum(g_live)  # ∂z/∂b = 1
            patches = [PATCH9_AT[p](x) for p in corners]
            base = 9 * c
            for t, column in enumerate(zip(*patches)):  # ∂L/∂w[t] = Σ g·x[tap t]
                grad_weights[base + t] += dot(g_live, column) * unit
            if grad_input is not None:  # ∂L/∂x[tap t] += g·w[t]
                kernel = self.weights[base : base + 9]
                for corner, g in zip(corners, g_live):
                    for offset, w in zip(TAP_OFFSET, kernel):
                        grad_input[corner + offset] += g * w

    def feature_maps(self, zs: list[ConvOutputs]) -> list[float]:
        """Full C×26×26 maps after ReLU, from a forward pass over every window."""
        maps = [0.0] * (self.channels * CONV_SIDE * CONV_SIDE)
        for c, z in enumerate(zs):
            unit = self.channel_unit(c)
            for s, values in enumerate(z[:4]):
                if unit != 1.0:
                    values = [v * unit for v in values]
                du, dv = divmod(s, 2)
                for w, value in enumerate(values):
                    i, j = divmod(w, POOL_SIDE)
                    pos = (2 * i + du) * CONV_SIDE + 2 * j + dv
                    maps[c * CONV_SIDE * CONV_SIDE + pos] = value if value > 0.0 else 0.0
        return maps


class FirstConvPool(FirstConvLayer):
    """Conv 3×3 (1 → C channels) + ReLU + max-pool 2×2, evaluated on chosen windows only, in floats
    (float64-exact: saliency, prediction of networks that have no lane form, gradient checks)."""

    def __init__(self, weights: list[float], biases: list[float]) -> None:
        """``weights``: C×1×3×3 flat; ``biases``: C."""
        super().__init__(weights, biases)
        self.kernels = [
            make_kernel(weights[9 * c : 9 * c + 9], biases[c]) for c in range(len(biases))
        ]

    def forward_image(self, image: bytes, windows: Sequence[int]) -> Forward:
        """The 784 pixel bytes through the layer at ``windows``, read as x = pixel / 255 (a
        lookup, not a division per pixel)."""
        x = list(map(PIXEL_SCALE.__getitem__, image))
        zs, pooled = self.forward(x, windows)
        return x, zs, pooled

    def forward(
        self, x: Sequence[float], windows: Sequence[int]
    ) -> tuple[list[ConvOutputs], list[list[float]]]:
        """Conv outputs and pooled values at ``windows``.

        Args:
            x: the 784 input pixels in [0, 1].
            windows: the n windows to evaluate.

        Returns:
            (zs, pooled): zs[c] the channel's ``ConvOutputs``; pooled[c] the n values
            maxpool(ReLU(z)) = top.
        """
        # the 4×4 patches of the n windows, transposed: 16 tuples of n pixels
        cols = list(zip(*[PATCH16[w](x) for w in windows])) if windows else [()] * 16
        taps = [[cols[t] for t in sub] for sub in SUB_TAPS]  # 4 sub-positions × 9 tuples
        zs: list[ConvOutputs] = []
        pooled: list[list[float]] = []
        for kernel in self.kernels:
            z0, z1, z2, z3 = [list(map(kernel, *tap)) for tap in taps]  # 4 × n conv outputs
            top = list(map(max, z0, z1, z2, z3, repeat(0.0)))
            zs.append((z0, z1, z2, z3, top))
            pooled.append(top)
        return zs, pooled
