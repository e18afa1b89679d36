"""The dashboard's learning-rate finder (L / "Find learning rate…") over the fake link's scripted
sweep (Pilot): the palette opens the range form, a bad range is refused with the reason and
nothing is sent, the chart fills in, `a` applies the suggestion through SetHyperparameters and
shows the answer, escape stops a running sweep, and a sweep that diverges at once says so and
offers nothing to apply."""

from __future__ import annotations

from textual.widgets import Static

from cnn_tui.core.contract import commands as cmd
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.lr_sweep import ScriptedSweep
from cnn_tui.tui.lrfind.chart import LrChart
from cnn_tui.tui.lrfind.form import SweepForm
from cnn_tui.tui.lrfind.screen import LrFindScreen
from tests.tui.dashboard_pilot import make, status

SIZE = (100, 30)


def text(app: DashboardApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def chart(app: DashboardApp) -> str:
    return "\n".join(strip.text for strip in app.screen.query_one(LrChart)._strips)


async def open_form(app: DashboardApp, pilot) -> SweepForm:  # type: ignore[no-untyped-def]
    await pilot.pause(0.2)
    await pilot.press("L")
    await pilot.pause(0.1)
    assert isinstance(app.screen, SweepForm)
    return app.screen


async def test_the_palette_opens_the_range_form_with_its_defaults() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"Find learning")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        form = app.screen
        assert isinstance(form, SweepForm)
        assert [form.field_input(k).value for k in ("start", "end", "batches")] == [
            "1e-05",
            "1",
            "200",
        ]
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert app.screen is app.dashboard and not link.sent_of(cmd.FindLr)


async def test_a_range_out_of_bounds_is_refused_with_the_reason() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(app, pilot)
        form.field_input("start").value = "50"
        await pilot.pause(0.1)
        assert "start lr: sweep start" in text(app, "#form-error")
        assert "outside 1e-06–10" in text(app, "#form-error")
        form.field_input("start").value = "0.5"
        form.field_input("end").value = "0.1"
        await pilot.pause(0.1)
        assert "must be below its end 0.1" in text(app, "#form-error")
        form.field_input("end").value = "1"
        form.field_input("batches").value = "5"
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert "outside 10–1000" in text(app, "#form-error")
        assert isinstance(app.screen, SweepForm) and not link.sent_of(cmd.FindLr)


async def test_the_sweep_draws_and_a_applies_the_suggested_lr() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(app, pilot)
        form.field_input("batches").value = "120"
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert isinstance(app.screen, LrFindScreen)
        assert link.sent_of(cmd.FindLr) == [cmd.FindLr(1e-5, 1.0, 120)]
        await pilot.pause(1.0)  # 6 chunks, one per drain (30 Hz), the screen repaints at 4 Hz
        screen = app.screen
        assert screen.curve.suggested is not None and len(screen.curve.lrs) == 120
        drawn = chart(app)
        assert "0.0001" in drawn and "0.01" in drawn and "▲" in drawn and "┊" in drawn
        assert text(app, "#lrfind-head").endswith("over 120 batches · the run is as it was")
        lr = screen.curve.suggested
        assert f"a: apply lr {lr:.3g}" in text(app, "#lrfind-verdict")
        await pilot.press("a")
        await pilot.pause(0.5)
        assert link.sent_of(cmd.SetHyperparameters) == [cmd.SetHyperparameters(lr=lr)]
        assert f"applied: the run's lr is now {lr:.4g}" in text(app, "#lrfind-verdict")
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert app.screen is app.dashboard and f"lr {lr:.4g}" in status(app)


async def test_escape_stops_a_running_sweep_and_nothing_is_applied() -> None:
    app, link = make(sweep=ScriptedSweep(finish=False))
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot)
        await pilot.press("enter")
        await pilot.pause(0.6)
        assert app.screen.curve.running and "the run waits" in text(app, "#lrfind-head")
        await pilot.press("escape")
        await pilot.pause(0.4)
        assert link.sent_of(cmd.StopLrFind) == [cmd.StopLrFind()]
        swept = len(app.screen.curve.lrs)  # as far as it got (10 chunks of 20 on a quiet machine)
        assert 0 < swept <= 200
        assert f"cancelled after {swept} batches" in text(app, "#lrfind-verdict")
        await pilot.press("a")
        await pilot.pause(0.1)
        assert not link.sent_of(cmd.SetHyperparameters)
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_a_sweep_that_diverges_at_once_says_so_and_leaves_the_run() -> None:
    app, link = make(sweep=ScriptedSweep(diverge=True))
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot)
        await pilot.press("enter")
        await pilot.pause(0.5)
        verdict = text(app, "#lrfind-verdict")
        assert "the loss exploded at once" in verdict and "nothing to apply" in verdict
        head = text(app, "#lrfind-head")
        assert "stopped after" in head and "of 200 batches · the run is as it was" in head
        await pilot.press("a")
        await pilot.pause(0.1)
        assert not link.sent_of(cmd.SetHyperparameters)
        assert app.screen.curve.suggested is None


def test_the_fake_link_refuses_what_the_trainer_refuses() -> None:
    link = FakeLink()
    link.send(cmd.StopLrFind())
    link.send(cmd.FindLr(0.5, 0.1, 100))
    reasons = [e.reason for e in link.drain()]  # type: ignore[union-attr]
    assert reasons == [
        "no learning-rate sweep is running",
        "sweep start 0.5 must be below its end 0.1",
    ]
