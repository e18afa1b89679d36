"""Provides ``Network``: one image forward and backward through the whole CNN, in pure Python.

Layers and shapes for the default architecture (CHW, flat row-major lists of floats):

    x        1×28×28   pixels / 255
    conv1    C×26×26   z = b + Σ w·x over each 3×3 patch; ReLU
    pool1    C×13×13   max over 2×2 windows, stride 2
    [conv2   C2×11×11 → pool2 C2×5×5, the same two steps again, when filters2 > 0]
    flatten  F         F = C·13·13 = 1352 (or C2·5·5)
    dense1   H         z1 = W1·x + b1; h = ReLU(z1)            W1: H×F (rows)
    dense2   10        logits = W2·h + b2                       W2: 10×H (rows)
    softmax  10        p = exp(z − max z) / Σ exp(z − max z)
    loss               −log(p_label + 1e-10)

With one conv layer the flattened features are kept as x = base + xd, where base is the constant
ReLU(b_c) every background window gives (see first_conv.py) and xd is non-zero only where the image
has ink (≈ 44 % of the windows), so W1·x = W1·base + W1·xd, with W1·base computed once per batch;
∂L/∂x is needed only at the inked windows (plus one per-channel total for the background's share
of ∂L/∂b_c); and ∂L/∂W1 = Σ_n g_n ⊗ xd_n + (Σ_n g_n) ⊗ base is built once per batch from sparse
records (dense_gradients.py). The weights are fixed while a Network exists: the engine builds a
new one after every update (once per batch) — a Network is a cache of the weights' product forms.

Two kinds of network, one code path: an ``exact`` one computes in float64 throughout (saliency,
and every network with a second conv layer); the other (training, prediction, inspection) runs
the hot spots in fixed-point integer "lanes" (lanes/) — conv1 from the pixel bytes
(lanes/packed_first_conv.py), W1·x, W1ᵀ·g and W2ᵀ·g (lanes/packed_matrix.py) — and the engine
forms ∂L/∂W1 and ∂L/∂W2 there too (dense_gradients.py) and steps W1 in them
(lanes/lane_weights.py): relative errors of ≈ 1e-9 to 1e-7, far below what separates two training
runs, and several times faster. Numbers a lane cannot scale (inf, nan, tiny, huge) go to floats.
"""

# ruff: noqa: B905  (zip in hot loops: lengths are equal by construction; strict= costs time)

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import add, gt, mul, sub

from cnn_tui.core.engines.python.conv_layer import ConvPool
from cnn_tui.core.engines.python.fastmath import FloatMatrix, dot, softmax
from cnn_tui.core.engines.python.first_conv import (
    ALL_WINDOWS,
    POOL_SIDE,
    WINDOWS,
    ConvOutputs,
    FirstConvPool,
    Pixels,
    active_windows,
)
from cnn_tui.core.engines.python.lanes.packed_first_conv import PackedFirstConvPool
from cnn_tui.core.engines.python.lanes.packed_matrix import PackedMatrix
from cnn_tui.core.engines.python.lanes.primitives import lane_scalable, row_norm_peak

EPSILON = 1e-10  # the report's ε in −log(p + ε)

Rows = list[list[float]]
Conv2Trace = tuple[list[tuple[float, ...]], list[list[float]], list[list[float]]]
"""What conv2's backward pass needs: (its input patch per conv position, z per channel, pooled
per channel)."""


@dataclass(slots=True)
class Trace:
    """What a forward pass keeps for its backward pass (one image)."""

    x: Pixels  # the 784 pixels, as conv1 read them
    windows: Sequence[int]  # conv1 windows computed (active ones, or all)
    zs: list[ConvOutputs]  # conv1 outputs per channel (see first_conv.py)
    pooled1: list[list[float]]  # per channel, at ``windows``
    conv2: Conv2Trace | None
    features: list[int]  # indices k with xd_k ≠ 0
    values: list[float]  # xd_k at those indices
    z1: list[float]  # H pre-activations of dense1
    hidden: list[float]  # H = ReLU(z1)
    logits: list[float]  # 10
    probabilities: list[float]  # 10


class Network:
    """Forward and backward of one image with fixed weights."""

    def __init__(
        self,
        vectors: dict[str, list[float]],
        w2: Rows,
        dense1: PackedMatrix | Rows,
        has_conv2: bool,
        exact: bool = False,
    ) -> None:
        """``vectors``: conv kernels and every bias by canonical name; ``w2``: dense2's 10 rows;
        ``dense1``: W1 as float rows, or already packed (the engine keeps it in lanes while
        training the one-conv network)."""
        # Training the one-conv network runs its hot spots — conv1 forward, z1 = W1·x and
        # ∂L/∂x = W1ᵀ·∂L/∂z1 — in fixed-point lanes: conv1 exact to ≈ 2^-31, the dense1 products
        # to ≈ 1e-7 relative, several times faster (its input is sparse). Floats when ``exact``,
        # after a second conv layer (a small dense input: floats keep that network float64-exact),
        # or when weights are not finite or too tiny or huge for a lane's scale (then the engine
        # does not hold W1 packed either).
        w1c, b1c = vectors["conv1.weight"], vectors["conv1.bias"]
        lanes = (
            not exact
            and not has_conv2
            and isinstance(dense1, PackedMatrix)
            and PackedFirstConvPool.can_pack(w1c, b1c)
            and lane_scalable(row_norm_peak(w2))
        )
        self.conv1: FirstConvPool | PackedFirstConvPool = (
            PackedFirstConvPool(w1c, b1c) if lanes else FirstConvPool(w1c, b1c)
        )
        c1 = self.conv1.channels
        self.conv2 = (
            ConvPool(c1, POOL_SIDE, vectors["conv2.weight"], vectors["conv2.bias"])
            if has_conv2
            else None
        )
        self.dense1: PackedMatrix | FloatMatrix
        if isinstance(dense1, PackedMatrix):
            self.dense1 = dense1 if lanes else FloatMatrix(dense1.float_rows())
        else:
            self.dense1 = FloatMatrix(dense1)
        self.w2, self.b2 = w2, vectors["dense2.bias"]
        self.dense2 = PackedMatrix(w2) if lanes else FloatMatrix(w2)  # for W2ᵀ·g
        # The background constant of each pooled conv1 channel: ReLU(b_c) (0 with conv2: its
        # input is rebuilt densely instead).
        self.base = [0.0] * c1 if has_conv2 else [max(b, 0.0) for b in b1c]
        # R[:, c] = Σ_{k in channel c} W1[:, k], for W1·base = Σ_c base_c·R[:, c] and the
        # background's share of ∂L/∂b_c (empty where base_c = 0: not needed)
        self.channel_totals = [
            self.dense1.column_sums(c * WINDOWS, (c + 1) * WINDOWS) if b else []
            for c, b in enumerate(self.base)
        ]
        z1_base = list(vectors["dense1.bias"])  # b1 + W1·base: the output for a blank image
        for base_c, total in zip(self.base, self.channel_totals):
            if base_c:
                z1_base = list(map(add, z1_base, map(mul, total, repeat(base_c))))
        self.z1_base = z1_base

    # ----------------------------------------------------------------------------- forward
    def forward(self, image: bytes, dense: bool = False) -> Trace:
        """One 784-byte image through the network; ``dense`` computes every conv1 window."""
        windows = ALL_WINDOWS if dense else active_windows(image)
        return self._forward_from(windows, *self.conv1.forward_image(image, windows))

    def forward_pixels(self, x: Sequence[float]) -> Trace:
        """784 float pixels in [0, 1] through a float network, every conv1 window computed (for
        gradient checks against the input)."""
        assert isinstance(self.conv1, FirstConvPool), "float pixels need the float conv1"
        return self._forward_from(ALL_WINDOWS, x, *self.conv1.forward(x, ALL_WINDOWS))

    def _forward_from(
        self, windows: Sequence[int], x: Pixels, zs: list[ConvOutputs], pooled1: list[list[float]]
    ) -> Trace:
        """The rest of the network after conv1 (computed at ``windows`` only: the others saw an
        all-zero 4×4 patch)."""
        conv2: Conv2Trace | None = None
        if self.conv2 is None:
            # xd = pooled − ReLU(b_c) at active windows (0 at background windows by construction)
            features: list[int] = []
            values: list[float] = []
            for c, (pooled_c, base_c) in enumerate(zip(pooled1, self.base)):
                offset = c * WINDOWS
                features.extend(map(add, windows, repeat(offset)))
                values.extend(map(sub, pooled_c, repeat(base_c)) if base_c else pooled_c)
        else:
            # conv2 needs the whole C×13×13 map: background windows hold ReLU(b_c).
            grid: list[float] = []
            for c, pooled_c in enumerate(pooled1):
                channel = [max(self.conv1.biases[c], 0.0)] * WINDOWS
                for w, v in zip(windows, pooled_c):
                    channel[w] = v
                grid.extend(channel)
            patches, z2, pooled2 = self.conv2.forward(grid)
            conv2 = (patches, z2, pooled2)
            values = [v for pooled_o in pooled2 for v in pooled_o]  # flatten CHW
            features = list(range(len(values)))
        # keep only non-zero xd: the rest adds nothing to W1·xd
        nonzero_features = list(compress(features, values))
        nonzero_values = list(compress(values, values))
        # z1 = b1 + W1·base + W1·xd, xd zero except at the nonzero features  (H)
        z1 = list(map(add, self.z1_base, self.dense1.times(nonzero_features, nonzero_values)))
        hidden = list(map(max, z1, repeat(0.0)))  # h = ReLU(z1)
        # logits = W2·h + b2                             (10)
        logits = [b + dot(row, hidden) for row, b in zip(self.w2, self.b2)]
        return Trace(
            x,
            windows,
            zs,
            pooled1,
            conv2,
            nonzero_features,
            nonzero_values,
            z1,
            hidden,
            logits,
            softmax(logits),
        )

    # ---------------------------------------------------------------------------- backward
    def backward(
        self,
        trace: Trace,
        grad_logits: Sequence[float],
        grads: dict[str, list[float]],
        grad_input: list[float] | None = None,
    ) -> list[float]:
        """Accumulate every parameter's gradient into ``grads`` except the dense weights'.

        Returns ∂L/∂z1 (H), from which the caller forms ∂L/∂W1 = ∂L/∂z1 ⊗ x once per batch
        (dense_gradients.py), as it forms ∂L/∂W2 = ∂L/∂logits ⊗ h. With ``grad_input``
        (784 zeros) also accumulates ∂L/∂x.
        """
        # dense2: ∂L/∂b2 = g, ∂L/∂h = W2ᵀ·g  (∂L/∂W2 = g ⊗ h: ``dense2_weight_grad``)
        grads["dense2.bias"] = list(map(add, grads["dense2.bias"], grad_logits))
        grad_hidden = self.dense2.transpose_times(grad_logits)
        # ReLU: ∂L/∂z1 = ∂L/∂h · (z1 > 0)
        grad_z1 = list(map(mul, grad_hidden, map(gt, trace.z1, repeat(0.0))))
        grads["dense1.bias"] = list(map(add, grads["dense1.bias"], grad_z1))
        if not any(grad_z1):
            return grad_z1  # nothing flows back to the conv layers
        grad_features = self.dense1.transpose_times  # (g, ks) ↦ ∂L/∂x_k = Σ_j W1[j, k]·g_j

        conv1 = self.conv1
        windows = trace.windows
        g_w1c, g_b1c = grads["conv1.weight"], grads["conv1.bias"]
        if self.conv2 is None:
            # ∂L/∂pooled = ∂L/∂x at every channel's active windows, in one product. (Where the
            # ReLU is closed it is not needed, but computing it there too costs little.)
            n = len(windows)
            wanted = [c * WINDOWS + w for c in range(len(self.base)) for w in windows]
            grad_x = grad_features(grad_z1, wanted)
            grad_pooled = [grad_x[c * n : (c + 1) * n] for c in range(len(self.base))]
            for c, base_c in enumerate(self.base):
                if base_c > 0.0:
                    # background windows: pooled = b_c > 0, patch = 0 → they feed b_c only.
                    # Σ_bg ∂L/∂x = Σ_all − Σ_active, with Σ_all = Σ_j ∂L/∂z1_j·R[j, c] where
                    # R[j, c] = Σ_{k in channel c} W1[j, k]
                    g_b1c[c] += dot(self.channel_totals[c], grad_z1) - sum(grad_pooled[c])
            conv1.backward(
                trace.x, windows, trace.zs, trace.pooled1, grad_pooled, g_w1c, g_b1c, grad_input
            )
            return grad_z1
        assert trace.conv2 is not None, "a two-conv network's trace has conv2's part"
        patches, z2, pooled2 = trace.conv2
        grad_flat = grad_features(grad_z1)
        grad_grid = self.conv2.backward(
            patches, z2, pooled2, grad_flat, grads["conv2.weight"], grads["conv2.bias"]
        )
        grad_pooled = []
        for c in range(conv1.channels):
            g_channel = grad_grid[c * WINDOWS : (c + 1) * WINDOWS]
            g_c = [g_channel[w] for w in windows]
            grad_pooled.append(g_c)
            if conv1.biases[c] > 0.0:  # background windows feed b_c (see above)
                g_b1c[c] += sum(g_channel) - sum(g_c)
        conv1.backward(
            trace.x, windows, trace.zs, trace.pooled1, grad_pooled, g_w1c, g_b1c, grad_input
        )
        return grad_z1
