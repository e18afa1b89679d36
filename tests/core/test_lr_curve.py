"""The range test's arithmetic (core/training/lr_curve.py) against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from cnn_tui.core.training.lr_curve import Smoother, schedule, suggest, sweep_problem


def test_the_schedule_takes_equal_steps_in_log_lr() -> None:
    lrs = schedule(1e-4, 1e-2, 3)
    assert lrs == pytest.approx([1e-4, 1e-3, 1e-2], rel=1e-12)
    assert schedule(1e-5, 1.0, 6) == pytest.approx([1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0])


def test_the_smoothed_loss_is_a_bias_corrected_ema() -> None:
    smoother = Smoother(beta=0.98)
    # a_0 = 0.02·2 = 0.04, s_0 = 0.04 / (1 − 0.98) = 2 (the first loss itself)
    assert smoother.add(2.0) == pytest.approx(2.0)
    # a_1 = 0.98·0.04 + 0.02·1 = 0.0592, s_1 = 0.0592 / (1 − 0.98²) = 0.0592 / 0.0396
    assert smoother.add(1.0) == pytest.approx(0.0592 / 0.0396)
    assert smoother.best == pytest.approx(0.0592 / 0.0396)


def test_the_sweep_stops_above_four_times_the_best_or_at_a_non_finite_loss() -> None:
    smoother = Smoother()
    smoother.add(1.0)  # best 1.0
    assert not smoother.exploded(4.0)
    assert smoother.exploded(4.0001)
    assert smoother.exploded(math.nan)
    assert smoother.exploded(math.inf)


def test_the_suggestion_is_the_steepest_descent_against_log_lr() -> None:
    lrs = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]  # log10: −4 … 0, one decade apart
    smoothed = [2.0, 1.9, 1.0, 0.8, 3.0]
    # central differences: d_1 = (1.0 − 2.0)/2 = −0.5, d_2 = (0.8 − 1.9)/2 = −0.55,
    # d_3 = (3.0 − 1.0)/2 = +1.0 → the steepest descent is at lr_2 = 1e-2
    found = suggest(lrs, smoothed)
    assert found.lr == pytest.approx(1e-2)
    assert found.index == 2
    assert found.slope == pytest.approx(-0.55)


@pytest.mark.parametrize(
    "smoothed",
    [
        [2.0, 2.0, 2.0, 2.0],  # flat
        [2.0, 2.1, 2.5, 3.0],  # only rising
        [2.0, 1.99, 1.97, 2.5],  # a fall of 0.03 < 2 % of 2.0: noise, not a descent
    ],
)
def test_no_clear_descent_gives_no_suggestion(smoothed: list[float]) -> None:
    found = suggest([1e-4, 1e-3, 1e-2, 1e-1], smoothed)
    assert found.lr is None and found.index == -1


def test_too_few_points_give_no_suggestion() -> None:
    assert suggest([1e-3, 1e-2], [2.0, 1.0]).lr is None


@pytest.mark.parametrize(
    ("start", "end", "batches", "reason"),
    [
        (0.0, 1.0, 100, "sweep start 0.0 is outside 1e-06–10"),
        (1e-5, 20.0, 100, "sweep end 20.0 is outside 1e-06–10"),
        (math.nan, 1.0, 100, "sweep start nan is outside 1e-06–10"),
        (1e-5, math.inf, 100, "sweep end inf is outside 1e-06–10"),
        (0.1, 0.01, 100, "sweep start 0.1 must be below its end 0.01"),
        (0.1, 0.1, 100, "sweep start 0.1 must be below its end 0.1"),
        (1e-5, 1.0, 5, "sweep batches 5 is outside 10–1000"),
        (1e-5, 1.0, 5000, "sweep batches 5000 is outside 10–1000"),
        (1e-5, 1.0, True, "sweep batches True is not a whole number"),
        ("1", 1.0, 100, "sweep start '1' is not a number"),
    ],
)
def test_a_range_out_of_bounds_is_refused_with_the_reason(
    start: float, end: float, batches: int, reason: str
) -> None:
    assert sweep_problem(start, end, batches) == reason


def test_a_range_within_bounds_is_accepted() -> None:
    assert sweep_problem(1e-6, 10.0, 10) is None
    assert sweep_problem(1e-5, 1.0, 1000) is None


def test_a_long_curve_skips_its_young_start_and_differences_over_a_wider_span() -> None:
    # 80 points a hundredth of a decade apart: k = 80 // 40 = 2, q = min(10, 80 // 10) = 8
    lrs = [10 ** (-4 + i / 100) for i in range(80)]
    smoothed = [2.0 - 0.001 * i for i in range(80)]  # a gentle fall: 0.1 per decade …
    smoothed[3] = 0.5  # … and one sharp dip among the first 8 points, which is skipped
    smoothed[40] -= 0.01  # a dip at 40, seen from i = 38 and i = 42 (k = 2)
    found = suggest(lrs, smoothed)
    # d_38 = (s_40 − s_36)/0.04 = (1.95 − 1.964)/0.04 = −0.35; elsewhere −0.1,
    # and d_42 = (s_44 − s_40)/0.04 = (1.956 − 1.95)/0.04 = +0.15
    assert found.index == 38
    assert found.slope == pytest.approx(-0.35)
    assert found.lr == pytest.approx(lrs[38])
