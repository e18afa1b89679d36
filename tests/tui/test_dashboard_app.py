"""Pilot tests: every control against FakeLink — the command sent, and what the screen shows
only after the trainer's answer."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.screens.help import HelpScreen
from cnn_tui.tui.screens.too_small import TooSmallScreen
from cnn_tui.tui.screens.value_prompt import ValuePrompt
from cnn_tui.tui.widgets.status import StatusBar
from tests.tui.fakes import FakeLink, synthetic_stream

SIZE = (100, 30)


def make(**link_args: object) -> tuple[DashboardApp, FakeLink]:
    trainer, events = synthetic_stream(200, chunk=50, samples=2)
    link = FakeLink(events, trainer=trainer, **link_args)  # type: ignore[arg-type]
    return DashboardApp(link, quit_timeout=0.5), link


def status(app: DashboardApp) -> str:
    bar = app.dashboard.panels["status"]
    assert isinstance(bar, StatusBar)
    return bar.plain


def notes(app: DashboardApp) -> str:
    return " | ".join(n.message for n in app._notifications)


async def settle(pilot) -> None:  # noqa: ANN001
    await pilot.pause(0.12)  # a few pump ticks (30 Hz)


async def test_starts_link_and_shows_acknowledged_values() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert link.started
        text = status(app)
        assert "RUNNING" in text and "lr 0.01" in text and "batch 32" in text
        assert "momentum 0.9" in text and "epoch 1/5" in text


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


def space_label(app: DashboardApp) -> str:
    """What the footer says the space key does."""
    return app.screen.active_bindings["space"].binding.description


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


async def test_quit_sends_stop_waits_for_finished_and_stops_link() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
    assert link.sent == [cmd.Stop(save=True)]
    assert link.stop_calls and not link.alive


async def test_ctrl_c_quits_even_if_trainer_never_answers() -> None:
    app, link = make(answer_stop=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause(0.8)  # quit_timeout is 0.5 s
    assert link.sent == [cmd.Stop(save=True)]
    assert link.stop_calls
    assert app.interrupted  # cnn-tui exits 130, as after Ctrl+C in a headless run


async def test_mistakes_hook_notifies_until_inspector_exists() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert "no misclassified-digit browser" in notes(app)
        assert link.sent == []
        opened = []

        def factory(evaluated: ev.Evaluated) -> HelpScreen:
            opened.append(evaluated)
            return HelpScreen()

        app.inspector_factory = factory
        await pilot.press("m")
        await settle(pilot)
        assert opened == [app.state.latest_eval] and isinstance(app.screen, HelpScreen)


async def test_help_lists_every_binding() -> None:
    app, _ = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_diverged_is_shown_clearly() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        link.feed(
            ev.Diverged(201, float("inf"), 200, "loss became inf at lr 2: press - to lower it"),
            ev.Paused(200, reason="diverged"),
        )
        await settle(pilot)
        assert "DIVERGED" in status(app) and "press - to lower it" in status(app)
        assert app.dashboard.panels["status"].has_class("-alarm")
        assert "Training diverged" in " ".join(str(n.title) for n in app._notifications)


async def test_too_small_terminal_then_back() -> None:
    app, _ = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        message = str(app.screen.query_one("#too-small-message").render())
        assert "Make the terminal larger" in message and "60×20" in message
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert app.screen is app.dashboard


async def test_resize_loop_keeps_layout_sane() -> None:
    app, _ = make()
    async with app.run_test(size=SIZE) as pilot:
        for size in [(80, 24), (200, 50), (79, 30), (140, 45), (120, 36), (81, 25)]:
            await pilot.resize_terminal(*size)
            await pilot.pause(0.02)
        await settle(pilot)
        assert app.screen is app.dashboard
        assert app.dashboard.has_class("-compact")  # 81×25
        for name, panel in app.dashboard.panels.items():
            if panel.display:
                assert panel.size.width > 0 and panel.size.height > 0, name


async def test_compact_view_cycles_lower_panel() -> None:
    app, _ = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panels = app.dashboard.panels
        assert panels["classes"].display and not panels["features"].display
        await pilot.press("v")
        await settle(pilot)
        assert panels["accuracy"].display and not panels["classes"].display
        await pilot.press("v")
        await settle(pilot)
        assert panels["features"].display


async def test_no_color_draws_digit_in_ascii(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app, _ = make()
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        assert app.no_color
        picture = app.dashboard.panels["input"].build(58, 15)
        text = "".join(seg.text for line in picture.lines for seg in line)  # type: ignore[attr-defined]
        assert "▄" not in text and "@" in text


def test_every_binding_has_id_description_and_help_entry() -> None:
    from cnn_tui.tui.dashboard.keys import KEYS
    from cnn_tui.tui.dashboard.screen import DashboardScreen

    documented = " ".join(k for k, _ in KEYS)
    display = {"plus,equals_sign": "+", "minus": "-", "question_mark": "?",
               "left_square_bracket": "[", "right_square_bracket": "]"}  # fmt: skip
    for binding in DashboardScreen.BINDINGS:
        assert binding.id and binding.description  # type: ignore[union-attr]
        key = display.get(binding.key, binding.key)  # type: ignore[union-attr]
        assert key in documented, key
