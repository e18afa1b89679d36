"""Pilot tests of the dashboard app around its panels: starting the link, quitting (q, ctrl+c),
the mistakes hook, help, a divergence, terminal sizes and the compact layout."""

from __future__ import annotations

import pytest

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.screens.help import HelpScreen
from cnn_tui.tui.screens.too_small import TooSmallScreen
from tests.tui.dashboard_pilot import SIZE, make, notes, settle, status, titles


async def test_starts_link_and_shows_acknowledged_values() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert link.started
        text = status(app)
        assert "RUNNING" in text and "lr 0.01" in text and "batch 32" in text
        assert "momentum 0.9" in text and "epoch 1/5" in text


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
        assert "Training diverged" in titles(app)


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
