"""Leaving a run for a new one (tui/dashboard/switching.py) when things go wrong: an old trainer
that never answers Stop is stopped after its time and the new run starts; a quit during the
switch quits and the new run never starts; a run that cannot start new runs says why; a branch
of a branch names its own parent."""

from __future__ import annotations

from textual.widgets import Static

from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.fake_runs import FakeRunControl, fake_entries
from cnn_tui.tui.timeline import TimelineScreen
from cnn_tui.tui.timeline.form import CheckedForm
from tests.tui.dashboard_pilot import notes
from tests.tui.scripted_run import scripted_run
from tests.tui.timeline_fixture import fake_control, settle, timeline_app, wait_for

SIZE = (120, 36)


def hung_app(quit_timeout: float) -> tuple[DashboardApp, FakeLink]:
    """The scripted run over a link whose trainer never answers Stop."""
    trainer, events = scripted_run()
    link = FakeLink(events, trainer=trainer, answer_stop=False)
    app = DashboardApp(link, quit_timeout=quit_timeout)
    app.run_control = FakeRunControl(fake_entries([600, 1200]))
    return app, link


async def test_a_trainer_that_never_stops_is_stopped_after_its_time() -> None:
    app, old = hung_app(quit_timeout=0.3)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.link is not old)
        assert old.stop_calls and not old.alive  # made sure of, after quit_timeout
        new = app.link
        assert isinstance(new, FakeLink) and new.started and new.alive
        await settle(pilot, 0.2)
        assert app.state.lineage is not None and app.state.lineage.step == 1200


async def test_a_quit_during_the_switch_quits_and_the_new_run_never_starts() -> None:
    app, old = hung_app(quit_timeout=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        control = fake_control(app)
        await pilot.press("t", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CheckedForm))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.switching)  # the old trainer is asked to stop (1 s)
        await pilot.press("q")
        await pilot.press("q")  # a second q exits at once
        await settle(pilot, 0.3)
    (link,) = control.links
    assert not link.started and old.stop_calls


async def test_a_run_that_cannot_start_new_runs_says_why() -> None:
    why = "this run saves no snapshots (--no-snapshots): nothing to branch from or into"
    app = timeline_app(steps=(), can_launch=why)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        assert "--no-snapshots" in str(screen.query_one("#timeline-empty", Static).render())
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is screen and "--no-snapshots" in notes(app)


async def test_t_without_a_run_control_says_so() -> None:
    trainer, events = scripted_run()
    app = DashboardApp(FakeLink(events, trainer=trainer))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is app.dashboard and "cannot start new runs" in notes(app)


async def test_a_branch_of_a_branch_names_its_own_parent() -> None:
    app = timeline_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.link
        await pilot.press("t", "up", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.link is not first)
        await settle(pilot, 0.3)
        control = fake_control(app)
        assert control.run_name == "run-b1"
        control.entries = fake_entries([1875, 2000])
        second = app.link
        await pilot.press("t", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.link is not second)
        await settle(pilot, 0.3)
        assert app.state.lineage is not None
        assert (app.state.lineage.parent, app.state.lineage.step) == ("run-b1", 2000)
        assert fake_control(app).run_name == "run-b1-b1"
        assert len(app.screen_stack) == 2  # the default screen and the current dashboard
