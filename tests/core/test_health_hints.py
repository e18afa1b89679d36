"""The hints read from layer health (core/health/hints.py): each fires on its evidence with a
why and a fix, and none fires from too little data."""

from __future__ import annotations

import math

from cnn_tui.core.contract.health_events import HealthMeasured, LayerHealth
from cnn_tui.core.health.hints import Window, hints


def window(
    step: int, loss: float, ratio: float = 1e-3, dead: float = 0.0, images: int = 160
) -> Window:
    layers = (
        LayerHealth("conv1", 0.3, 0.01, ratio, 0.0, (0.0,), 0.1, 0.2),
        LayerHealth("dense1", 0.03, 0.005, ratio, dead, (), 0.2, 0.3),
        LayerHealth("dense2", 0.1, 0.01, ratio, math.nan, (), math.nan, math.nan),
    )
    return Window(HealthMeasured(step, step - 99, 5, images, layers), loss)


def run(losses: list[float], **kwargs: float) -> list[Window]:
    return [window(100 * (i + 1), loss, **kwargs) for i, loss in enumerate(losses)]  # type: ignore[arg-type]


def test_a_healthy_run_has_no_hint() -> None:
    assert hints(run([0.9, 0.7, 0.5]), [(100, 0.6), (150, 0.5), (200, 0.45)]) == []


def test_rising_loss_and_big_updates_say_the_lr_is_too_high() -> None:
    (hint,) = hints(run([0.5, 0.6, 0.8], ratio=0.05), [])
    assert (hint.kind, hint.title, hint.fix) == (
        "lr-high",
        "learning rate looks too high",
        "halve-lr",
    )
    assert "0.5 to 0.8" in hint.why and "10^-1.3" in hint.why
    assert hints(run([0.8, 0.6, 0.5], ratio=0.05), []) == []  # big steps, but the loss falls


def test_tiny_updates_say_the_lr_is_too_low() -> None:
    (hint,) = hints(run([0.9, 0.9, 0.89], ratio=1e-5), [])
    assert (hint.kind, hint.fix) == ("lr-low", "double-lr") and "10^-5.0" in hint.why


def test_a_dead_share_that_stays_is_a_hint_without_a_fix_key() -> None:
    (hint,) = hints(run([0.9, 0.7, 0.5], dead=0.3), [])
    assert (hint.kind, hint.title, hint.fix) == ("dead", "30% of dense1 is dead", "")
    assert hints(run([0.9, 0.7, 0.5], dead=0.1), []) == []  # below the threshold


def test_test_loss_rising_while_training_loss_falls_is_overfitting() -> None:
    windows = run([0.5, 0.4, 0.3, 0.2, 0.15, 0.1])
    (hint,) = hints(windows, [(200, 0.30), (400, 0.32), (600, 0.35)])
    assert (hint.kind, hint.fix) == ("overfitting", "weight-decay")
    assert "0.3 to 0.35" in hint.why and "0.4 to 0.1" in hint.why
    assert hints(windows, [(200, 0.30), (400, 0.29), (600, 0.35)]) == []  # not rising each time


def test_a_network_that_no_longer_moves_is_dead_not_slow() -> None:
    found = hints(run([2.3, 2.3, 2.3], ratio=0.0, dead=1.0), [])
    assert [(h.kind, h.title) for h in found] == [("dead", "100% of dense1 is dead")]


def test_never_a_hint_from_too_little_data() -> None:
    assert hints(run([0.5, 0.8], ratio=0.05), []) == []  # two windows only
    assert hints(run([0.9, 0.9], ratio=1e-5, dead=0.5), []) == []
    few = [window(100 * (i + 1), 0.5, dead=0.5, images=40) for i in range(3)]
    assert hints(few, []) == []  # too few images observed for a dead share to mean much
    assert hints(run([0.5, 0.4, 0.3]), [(100, 0.3), (150, 0.35)]) == []  # two evaluations
