"""The python engine's fixed-point lanes on their own: packing, lane-by-lane ReLU, max and
shifts, the packed first conv layer, the outer products of the weight gradients, and dense1's
weights stepped as a sum in lanes — each against plain integers or floats."""

# ruff: noqa: B905

from __future__ import annotations

import math
import random

import pytest

from cnn_tui.core.engines.python.dense_gradients import dense1_weight_grad
from cnn_tui.core.engines.python.first_conv import ALL_WINDOWS, FirstConvPool, active_windows
from cnn_tui.core.engines.python.lanes.lane_weights import STEP_BITS, LaneWeights
from cnn_tui.core.engines.python.lanes.outer_products import (
    outer_product_sum,
    outer_product_sum_float,
    outer_product_totals,
    totals_to_floats,
)
from cnn_tui.core.engines.python.lanes.packed_first_conv import PackedFirstConvPool
from cnn_tui.core.engines.python.lanes.primitives import (
    lane_top_bits,
    max_lanes,
    pack,
    relu_lanes,
    shift_lanes,
    split_lanes,
    unpack,
)
from tests.core.python_engine_checks import make_images


def test_lane_split_relu_and_max_work_lane_by_lane() -> None:

    rng = random.Random(23)
    n = 7
    values = [rng.choice([0, 1, -1, 2**61 - 1, -(2**61)]) for _ in range(4)] + [
        rng.randrange(-(2**61), 2**61) for _ in range(4 * n - 4)
    ]
    top4, top = lane_top_bits(4 * n), lane_top_bits(n)
    blocks = split_lanes(pack(values, top4), n, 4, top4)
    assert [list(unpack(b, n, top)) for b in blocks] == [
        values[i * n : (i + 1) * n] for i in range(4)
    ]
    a, b = blocks[0], blocks[1]
    assert list(unpack(relu_lanes(a, top), n, top)) == [max(v, 0) for v in values[:n]]
    expected = [max(u, v) for u, v in zip(values[:n], values[n : 2 * n])]
    assert list(unpack(max_lanes(a, b, top), n, top)) == expected


@pytest.mark.parametrize("bias", [0.3, -0.2, 0.0])
def test_packed_first_conv_matches_the_float_one(bias: float) -> None:
    """The training conv (integer lanes from the pixel bytes) = the float conv to ~1e-8, and
    both pick the same pooled position (ties included: blank and repeated patches)."""
    rng = random.Random(24)
    weights = [rng.gauss(0, 0.4) for _ in range(2 * 9)] + [0.0] * 9  # a dead kernel too
    biases = [bias, -bias, bias / 2]
    exact, packed = FirstConvPool(weights, biases), PackedFirstConvPool(weights, biases)
    data = make_images(3, seed=25)
    flat = bytes([9] * 784)  # every conv position ties with its neighbours
    for image in [data.image(i) for i in range(3)] + [flat]:
        for windows in (active_windows(image), ALL_WINDOWS):
            _, zs_f, pooled_f = exact.forward_image(image, windows)
            read, zs_p, pooled_p = packed.forward_image(image, windows)
            assert read is image  # the packed layer reads the bytes themselves
            for c in range(3):
                assert pooled_p[c] == pytest.approx(pooled_f[c], rel=1e-8, abs=1e-8)
                chosen_f = [z.index(t) for *z, t in zip(*zs_f[c]) if t > 0]
                chosen_p = [z.index(t) for *z, t in zip(*zs_p[c]) if t > 0]
                assert chosen_p == chosen_f


def test_shift_lanes_scales_every_lane_with_rounding() -> None:

    rng = random.Random(26)
    n = 9
    top = lane_top_bits(n)
    values = [0, 1, -1, 2**40 + 2**9, -(2**40) - 2**9, 3 * 2**9, -3 * 2**9] + [
        rng.randrange(-(2**61), 2**61) for _ in range(n - 7)
    ]
    for shift in (-10, -1, -70):
        m = -shift
        expected = [(v + (1 << (m - 1))) >> m for v in values]  # round half up, per lane
        assert list(unpack(shift_lanes(pack(values, top), shift, n, top), n, top)) == (
            expected if m < 63 else [0] * n
        )
    small = [v >> 4 for v in values]
    assert list(unpack(shift_lanes(pack(small, top), 3, n, top), n, top)) == [v * 8 for v in small]


def test_lane_weights_keep_the_exact_sum_of_steps_and_reset_when_they_run_out_of_room() -> None:

    rng = random.Random(27)
    height, width = 5, 40
    rows = [[rng.gauss(0, 0.05) for _ in range(width)] for _ in range(height)]
    weights = LaneWeights([list(r) for r in rows])
    first_base = weights.base
    expected = [list(r) for r in rows]
    lr = 0.05
    unit = math.ldexp(lr, STEP_BITS)
    for step in range(30):
        lefts = [[rng.gauss(0, 0.2) if rng.random() < 0.7 else 0.0 for _ in range(height)]]
        indices = sorted(rng.sample(range(width), 12))
        rights = [(indices, [rng.random() for _ in indices])]
        totals = outer_product_totals(lefts, rights, width, unit)
        assert weights.subtract(totals)
        gradient = totals_to_floats(totals, width, 1 / unit)
        expected = [[w - lr * g for w, g in zip(er, gr)] for er, gr in zip(expected, gradient)]
        if step % 7 == 0:
            got = weights.rows()
            for got_row, expected_row in zip(got, expected):
                assert got_row == pytest.approx(expected_row, rel=0, abs=1e-15)
            # the products' integers are round(W·s), give or take one
            scale = weights.matrix.scale
            for packed, row in zip(weights.matrix.rows, got):
                ints = unpack(packed, width, lane_top_bits(width))
                assert all(abs(q - w * scale) <= 1.5 for q, w in zip(ints, row))
    assert weights.moved <= weights.room
    assert weights.base is not first_base  # the steps outgrew the room once: W0 was reset
    # a step larger than the room the lanes leave is refused, and changes nothing
    before = weights.rows()
    huge = [(1 << 61, -5)] * height
    assert not weights.subtract(huge)
    assert weights.rows() == before


def test_lanes_pack_and_unpack_are_inverse_for_signed_values() -> None:

    values = [0, 1, -1, 2**62 - 1, -(2**62) + 1, -5, 0, -1]
    top = lane_top_bits(len(values))
    packed = pack(values, top)
    assert packed == sum(v << (64 * k) for k, v in enumerate(values))  # P(v) = Σ v_k·2^(64k)
    assert list(unpack(packed, len(values), top)) == values
    # linear while lanes stay in range: 3·P(u) − 2·P(v) = P(3u − 2v)
    other = [7, -7, 3, -(2**40), 2**40, 0, -9, 1]
    combined = 3 * pack(other, top) - 2 * pack([v // 4 for v in values], top)
    assert list(unpack(combined, len(values), top)) == [
        3 * o - 2 * (v // 4) for o, v in zip(other, values)
    ]


@pytest.mark.parametrize("background", [0.0, 0.3], ids=["no-background", "background"])
def test_lane_outer_products_match_floats(background: float) -> None:
    """Σ_i a_i ⊗ b_i in fixed-point lanes ≈ float64, to ~1e-9 of each row's magnitude,
    with sparse b_i, mixed signs, dead rows (a_i[j] = 0 for all i) and an empty b_i."""

    rng = random.Random(21)
    hidden, size, count = 7, 60, 9
    lefts = [[rng.gauss(0, 1e-3) if j % 3 else 0.0 for j in range(hidden)] for _ in range(count)]
    rights = []
    for i in range(count):
        indices = sorted(rng.sample(range(size), 0 if i == 4 else 25))
        rights.append((indices, [rng.uniform(-1.0, 2.0) for _ in indices]))
    expected = outer_product_sum_float(lefts, rights, size)
    got = outer_product_sum(lefts, rights, size)
    for row_got, row_expected in zip(got, expected, strict=True):
        scale = max(map(abs, row_expected), default=0.0)
        assert row_got == pytest.approx(row_expected, rel=0, abs=1e-8 * scale + 1e-300)
    assert got[0] == [0.0] * size  # a dead row stays exactly zero
    # the background term (Σ_i a_i) ⊗ base, as in dense1's weight gradient
    records = [(list(ix), list(vs), a) for (ix, vs), a in zip(rights, lefts)]
    base = [background, 0.0, background / 2]
    grad_bias = [sum(col) for col in zip(*lefts)]
    approx = dense1_weight_grad(records, size, base, grad_bias)
    exact = dense1_weight_grad(records, size, base, grad_bias, exact=True)
    for row_got, row_expected in zip(approx, exact, strict=True):
        scale = max(map(abs, row_expected), default=0.0)
        assert row_got == pytest.approx(row_expected, rel=0, abs=1e-8 * scale + 1e-300)
