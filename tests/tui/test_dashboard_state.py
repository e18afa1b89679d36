"""TrainingState.apply / requested: acknowledged values only, pending until answered, bounded."""

from __future__ import annotations

import math

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.dashboard.series import BucketSeries, ema
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.demo.synthetic import synthetic_stream


def started_state() -> TrainingState:
    trainer, events = synthetic_stream(100)
    state = TrainingState()
    for e in events:
        state.apply(e)
    return state


def test_started_sets_run_and_hyperparameters() -> None:
    state = TrainingState()
    trainer, events = synthetic_stream(0)
    changed = state.apply(events[0])
    assert "status" in changed
    assert state.engine == "numpy" and state.lr == 0.01 and state.batch_size == 32
    assert state.run_state == "running"


def test_batches_extend_history_and_position() -> None:
    state = started_state()
    assert state.step == 100
    assert state.losses.last_step == 100
    assert state.step_in_epoch == 100
    assert state.eta_seconds is not None and state.eta_seconds > 0


def test_pause_is_pending_until_paused_arrives() -> None:
    state = started_state()
    assert state.requested(cmd.Pause()) == {"status"}
    assert state.run_state == "running"
    assert state.status_word == "running · pausing…"
    state.apply(ev.Paused(step=100))
    assert state.status_word == "paused"
    assert state.markers[-1].kind == "paused"


def test_lr_changes_only_on_acknowledgement() -> None:
    state = started_state()
    state.requested(cmd.SetHyperparameters(lr=0.02))
    assert state.lr == 0.01 and state.pending["hyper"] == "lr → 0.02…"
    state.apply(ev.HyperparametersChanged(100, 0.02, 0.9, 32, 0.0, ("lr",)))
    assert state.lr == 0.02 and "hyper" not in state.pending
    assert state.markers[-1].text == "lr 0.01→0.02"


def test_refusal_keeps_old_value_and_says_why() -> None:
    state = started_state()
    state.requested(cmd.SetHyperparameters(lr=50.0))
    state.apply(
        ev.CommandRefused(100, "SetHyperparameters", "learning rate 50 is outside 1e-06–10")
    )
    assert state.lr == 0.01
    assert "hyper" not in state.pending
    assert "outside" in state.message


def test_evaluations_keep_previous_per_class_and_latest_mistakes() -> None:
    state = started_state()
    trainer, _ = synthetic_stream(0)
    first = trainer.evaluate()
    state.apply(first)
    trainer.train(500)
    second = trainer.evaluate()
    changed = state.apply(second)
    assert "classes" in changed
    assert state.previous_class_accuracy == first.per_class_accuracy
    assert state.latest_eval is second and len(second.mistakes) > 0


def test_diverged_then_resume() -> None:
    state = started_state()
    state.apply(ev.Diverged(step=101, loss=math.inf, restored_step=100, message="lower the lr"))
    state.apply(ev.Paused(step=100, reason="diverged"))
    assert state.run_state == "diverged" and state.message == "lower the lr"
    state.apply(ev.Resumed(step=100))
    assert state.run_state == "running" and state.message == ""


def test_finished_clears_pending() -> None:
    state = started_state()
    state.requested(cmd.Stop(save=True))
    assert state.pending["run"] == "stopping (saving)…"
    state.apply(ev.Finished(step=100, epoch=1, reason="stopped"))
    assert state.run_state == "stopped" and not state.pending


def test_epoch_boundary_recorded() -> None:
    trainer, events = synthetic_stream(40, train_size=640, batch_size=32, epochs=3)
    state = TrainingState()
    for e in events:
        state.apply(e)
    assert state.epoch_starts == [21]  # 640 / 32 = 20 steps per epoch


def test_bucket_series_is_bounded_and_keeps_the_mean() -> None:
    series = BucketSeries(capacity=64)
    for step in range(1, 100_001):
        series.append(step, float(step % 2))  # alternating 0, 1: mean 0.5
    assert len(series) <= 64
    xs, ys, ns = series.points(16)
    assert len(xs) <= 16 and sum(ns) == 100_000
    assert all(abs(y - 0.5) < 1e-9 for y in ys)
    assert xs[0] < xs[-1]


def test_bucket_series_skips_non_finite() -> None:
    series = BucketSeries()
    series.append(1, math.nan)
    series.append(2, math.inf)
    assert len(series) == 0


def test_ema_treats_a_point_of_n_steps_like_n_steps() -> None:
    per_step = ema([1.0, 1.0, 0.0, 0.0], [1, 1, 1, 1], 0.5)
    grouped = ema([1.0, 0.0], [2, 2], 0.5)
    assert abs(per_step[-1] - grouped[-1]) < 1e-12
    assert ema([3.0, 5.0], [1, 1], 0.0) == [3.0, 5.0]


def test_a_not_learning_verdict_is_shown_until_the_user_changes_something() -> None:
    state = started_state()
    assert state.warning == ""
    changed = state.not_learning("not learning: the loss sits", "loss 2.31, chance 2.30", "lower")
    assert changed == {"status"}
    assert state.warning == "not learning: the loss sits — try a lower learning rate (− halves it)"
    # the status line gets the short form: it fits 80 columns
    assert state.message == "not learning (loss 2.31, chance 2.30) · − halves the lr"
    frozen = started_state()
    frozen.not_learning("not learning: flat", "loss 2.34, chance 2.30", "higher")
    assert frozen.message == "not learning (loss 2.34, chance 2.30) · + doubles the lr"
    state.apply(ev.HyperparametersChanged(400, 0.005, 0.9, 32, 0.0, ("lr",)))
    assert state.warning == "" and state.message == ""


def test_a_verdict_does_not_hide_a_message_already_shown() -> None:
    state = started_state()
    state.apply(ev.CommandRefused(100, "Step", "step works while paused"))
    state.not_learning("not learning: the loss sits", "loss 2.31, chance 2.30", "lower")
    assert state.message == "refused: step works while paused" and state.warning
