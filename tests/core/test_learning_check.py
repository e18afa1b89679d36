"""LearningCheck: a run stuck at chance level is noticed once, with which way to move the
learning rate; a learning one — however slowly — never."""

from __future__ import annotations

import math

from cnn_tui.core.training.learning_check import LOSS_WINDOW, MIN_STEPS, LearningCheck


def test_a_flat_loss_at_chance_is_reported_once() -> None:
    check = LearningCheck()
    assert check.batches([2.31] * (LOSS_WINDOW - 1), lr=0.01) is None  # not a full window yet
    stuck = check.batches([2.29], lr=0.01)
    assert stuck is not None and "not learning" in stuck.reason and "2.30" in stuck.reason
    assert stuck.summary == "loss 2.31, chance 2.30"
    assert check.batches([2.31] * LOSS_WINDOW, lr=0.01) is None  # said once


def test_the_advice_follows_the_loss_and_the_rate() -> None:
    overshooting = LearningCheck().batches([15.0] * LOSS_WINDOW, lr=0.0001)
    assert overshooting is not None and overshooting.move == "lower"  # above chance: too high
    dead = LearningCheck().batches([2.3026] * LOSS_WINDOW, lr=0.5)
    assert dead is not None and dead.move == "lower"  # flat at chance with a big rate
    frozen = LearningCheck().batches([2.34] * LOSS_WINDOW, lr=0.00003)
    assert frozen is not None and frozen.move == "higher"  # flat with a tiny rate


def test_a_falling_loss_even_a_slow_one_and_a_diverged_one_are_not_reported() -> None:
    fast = [2.3 * math.exp(-k / 100) for k in range(2 * LOSS_WINDOW)]
    assert LearningCheck().batches(fast, lr=0.01) is None
    # lr 1e-4 on MNIST: still above 2.3 after 300 batches, but falling ≈ 0.01 per 100 batches
    slow = [2.37 - 0.0001 * k for k in range(LOSS_WINDOW)]
    assert LearningCheck().batches(slow, lr=0.0001) is None
    assert LearningCheck().batches([math.nan] * LOSS_WINDOW, lr=0.01) is None  # divergence


def test_chance_test_accuracy_is_reported_after_enough_steps_unless_the_loss_falls() -> None:
    check = LearningCheck()
    check.batches([2.31] * (MIN_STEPS - 1), lr=0.01)
    assert check.evaluated(0.10, lr=0.01) is None  # too early to judge
    check.batches([2.31], lr=0.01)
    stuck = check.evaluated(0.101, lr=0.01)
    assert stuck is not None and "10.1%" in stuck.reason
    assert LearningCheck().evaluated(0.5, lr=0.01) is None
    slow = LearningCheck()
    slow.batches([2.37 - 0.0002 * k for k in range(2 * MIN_STEPS)], lr=0.0001)
    assert slow.evaluated(0.11, lr=0.0001) is None  # slow, but on its way


def test_a_change_of_hyperparameters_starts_the_judgement_over() -> None:
    check = LearningCheck()
    assert check.batches([2.4] * LOSS_WINDOW, lr=0.01) is not None
    check.changed()
    assert check.batches([2.4] * (LOSS_WINDOW - 1), lr=0.01) is None
    assert check.batches([2.4], lr=0.01) is not None
