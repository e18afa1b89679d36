"""LearningCheck: a run stuck at chance level is noticed once, a learning one never."""

from __future__ import annotations

import math

from cnn_tui.core.learning_check import LOSS_WINDOW, MIN_STEPS, LearningCheck


def test_a_loss_stuck_at_chance_is_reported_once() -> None:
    check = LearningCheck()
    assert check.batches([2.31] * (LOSS_WINDOW - 1)) is None  # not a full window yet
    reason = check.batches([2.29])
    assert reason is not None and "not learning" in reason and "2.30" in reason
    assert check.batches([2.31] * LOSS_WINDOW) is None  # said once


def test_a_falling_loss_and_a_diverged_one_are_not_reported() -> None:
    check = LearningCheck()
    losses = [2.3 * math.exp(-k / 100) for k in range(2 * LOSS_WINDOW)]
    assert check.batches(losses) is None
    assert LearningCheck().batches([math.nan] * LOSS_WINDOW) is None  # divergence: elsewhere


def test_chance_test_accuracy_is_reported_after_enough_steps() -> None:
    check = LearningCheck()
    check.batches([1.0] * (MIN_STEPS - 1))
    assert check.evaluated(0.10) is None  # too early to judge
    check.batches([1.0])
    reason = check.evaluated(0.101)
    assert reason is not None and "10.1%" in reason
    assert LearningCheck().evaluated(0.5) is None


def test_a_change_of_hyperparameters_starts_the_judgement_over() -> None:
    check = LearningCheck()
    assert check.batches([2.4] * LOSS_WINDOW) is not None
    check.changed()
    assert check.batches([2.4] * (LOSS_WINDOW - 1)) is None
    assert check.batches([2.4]) is not None
