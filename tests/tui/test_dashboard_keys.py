"""Pilot tests: every key that steers the trainer against the shared ``FakeLink`` — the command
sent, the pending line at once, and the value only after the trainer's answer."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.screens.value_prompt import ValuePrompt
from tests.tui.dashboard_pilot import SIZE, make, notes, settle, space_label, status


async def test_pause_shows_pausing_until_paused_then_resume() -> None:
    app, link = make(hold=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert link.sent == [cmd.Pause()]
        assert "RUNNING" in status(app) and "pausing…" in status(app)
        link.release()
        await settle(pilot)
        assert "PAUSED" in status(app) and "pausing" not in status(app)
        await pilot.press("space")
        link.release()
        await settle(pilot)
        assert link.sent[-1] == cmd.Resume()
        assert "RUNNING" in status(app)


async def test_footer_says_resume_while_paused_and_pause_while_running() -> None:
    app, link = make(hold=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert space_label(app) == "Pause"
        await pilot.press("space")
        await settle(pilot)
        assert space_label(app) == "Resume"  # pausing…: a second press would resume
        link.release()
        await settle(pilot)
        assert "PAUSED" in status(app) and space_label(app) == "Resume"
        await pilot.press("space")
        link.release()
        await settle(pilot)
        assert link.sent[-1] == cmd.Resume()
        assert "RUNNING" in status(app) and space_label(app) == "Pause"


async def test_step_while_paused_advances_one_batch() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")  # running: refused in the UI, nothing sent
        await settle(pilot)
        assert link.sent == [] and "while paused" in notes(app)
        await pilot.press("space")
        await settle(pilot)
        before = app.state.step
        await pilot.press("n")
        await settle(pilot)
        assert link.sent[-1] == cmd.Step(1)
        assert app.state.step == before + 1
        assert "PAUSED" in status(app)


@pytest.mark.parametrize(
    ("key", "lr", "shown"), [("plus", 0.02, "lr 0.02"), ("minus", 0.005, "lr 0.005")]
)
async def test_lr_double_and_halve(key: str, lr: float, shown: str) -> None:
    app, link = make(hold=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert link.sent == [cmd.SetHyperparameters(lr=lr)]
        assert "lr 0.01" in status(app) and f"lr → {lr:g}…" in status(app)
        link.release()
        await settle(pilot)
        assert shown in status(app) and "→" not in status(app)


async def test_two_quick_doublings_ask_for_four_times() -> None:
    app, link = make(hold=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("plus", "plus")
        assert [c.lr for c in link.sent] == [0.02, 0.04]  # type: ignore[union-attr]


async def test_typed_lr_is_sent_and_shown_after_ack() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        assert isinstance(app.screen, ValuePrompt)
        await pilot.press(*"0.05", "enter")
        await settle(pilot)
        assert link.sent == [cmd.SetHyperparameters(lr=0.05)]
        assert "lr 0.05" in status(app)


async def test_enter_pressed_twice_closes_only_the_prompt() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", *"0.5")
        prompt = app.screen
        assert isinstance(prompt, ValuePrompt)
        # two Enters queued before the prompt is gone (tmux send-keys Enter Enter)
        prompt.post_message(Input.Submitted(prompt.query_one(Input), "0.5"))
        prompt.post_message(Input.Submitted(prompt.query_one(Input), "0.5"))
        await settle(pilot)
        assert link.sent == [cmd.SetHyperparameters(lr=0.5)]
        assert app.screen is app.dashboard  # the dashboard is still there


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("nan", "finite"), ("abc", "not a number"), ("0", "outside"), ("1e400", "finite")],
)
async def test_refused_typed_lr_keeps_old_value(typed: str, reason: str) -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        field = app.screen.query_one("#prompt-input")
        field.value = ""  # type: ignore[attr-defined]
        await pilot.press(*typed, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ValuePrompt)  # still open, with the reason
        error = str(app.screen.query_one("#prompt-error").render())
        assert reason in error and "learning rate" in error
        await pilot.press("escape")
        await settle(pilot)
        assert link.sent == []
        assert "lr 0.01" in status(app)


async def test_trainer_refusal_is_shown_and_old_value_stays() -> None:
    app, link = make()
    link.trainer.answer = lambda c: [  # type: ignore[method-assign]
        ev.CommandRefused(200, "SetHyperparameters", "batch size 4096 is too large for memory")
    ]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.press(*"4096", "enter")
        await settle(pilot)
        assert link.sent == [cmd.SetHyperparameters(batch_size=4096)]
        assert "batch 32" in status(app)
        assert "too large for memory" in status(app) and "too large" in notes(app)


async def test_batch_size_and_momentum() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b", *"64", "enter")
        await settle(pilot)
        await pilot.press("M", *"0.5", "enter")
        await settle(pilot)
        assert link.sent == [
            cmd.SetHyperparameters(batch_size=64),
            cmd.SetHyperparameters(momentum=0.5),
        ]
        assert "batch 64" in status(app) and "momentum 0.5" in status(app)


async def test_evaluate_sample_and_snapshot() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        evals_before = len(app.state.evaluations)
        await pilot.press("e", "r", "s")
        await settle(pilot)
        assert link.sent == [cmd.Evaluate(), cmd.RequestSample(), cmd.SaveSnapshot()]
        assert len(app.state.evaluations) == evals_before + 1
        assert not app.state.pending
        assert "snapshots/run-step0000200.npz" in notes(app)


async def test_snapshot_failure_is_shown() -> None:
    app, link = make(snapshot_fails="disk full: no space left in snapshots/")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "disk full" in notes(app) and "disk full" in status(app)
