"""The event path (link → DashboardScreen.tick → TrainingState → widget) and its one throttle:
bounded draining, a key's effect on the status at once, panels repainted only when due, seen and
changed; the not-learning verdict; listeners; a link that breaks."""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

from cnn_tui.core.contract import events as ev
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.dashboard.screen import MAX_EVENTS_PER_TICK
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.screens.help import HelpScreen
from cnn_tui.tui.widgets.panel import Panel
from tests.tui.dashboard_pilot import SIZE, make, notes, settle, status, titles


def count_refreshes(panel: Panel) -> list[int]:
    """Count the data-driven repaints the screen asks of ``panel``."""
    calls = [0]
    original: Callable[[], bool] = panel.refresh_data

    def counted() -> bool:
        calls[0] += 1
        return original()

    panel.refresh_data = counted  # type: ignore[method-assign]
    return calls


def batches(link: FakeLink, steps: int = 20) -> ev.Event:
    return link.trainer.train(steps)[0]


async def test_a_tick_drains_at_most_its_share() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        link.feed(*(batches(link, 1) for _ in range(MAX_EVENTS_PER_TICK + 500)))
        app.dashboard.tick()
        assert link.backlog == 500  # the rest waits for the next tick; keys run in between
        await settle(pilot)
        assert link.backlog == 0


async def test_a_key_shows_on_the_status_without_waiting_for_a_tick() -> None:
    app, link = make(hold=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.dashboard.pumping = False  # no tick drains or repaints from here on
        await pilot.press("plus")
        assert "lr → 0.02…" in status(app)


async def test_a_panel_repaints_only_when_its_interval_has_passed() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        loss = app.dashboard.panels["loss"]
        loss.MIN_INTERVAL = 1e9  # never due again
        refreshes = count_refreshes(loss)
        link.feed(batches(link))
        await settle(pilot)
        assert refreshes == [0] and "loss" in app.dashboard.dirty
        loss.MIN_INTERVAL = 0.0
        await settle(pilot)
        assert refreshes == [1] and "loss" not in app.dashboard.dirty


async def test_hidden_panels_and_panels_under_a_screen_are_not_drawn() -> None:
    app, link = make()
    async with app.run_test(size=(80, 24)) as pilot:  # compact: feature maps hidden
        await settle(pilot)
        panels = app.dashboard.panels
        features, loss = count_refreshes(panels["features"]), count_refreshes(panels["loss"])
        link.feed(link.trainer.sample())
        await settle(pilot)
        assert not panels["features"].display and features == [0]
        await app.push_screen(Screen())  # covers the dashboard, as the inspector does
        link.feed(batches(link))
        await pilot.pause(0.7)  # past the charts' interval
        assert loss == [0]
        await app.pop_screen()
        await settle(pilot)
        assert loss == [1]
        await pilot.press("v", "v")  # classes → accuracy → feature maps
        await settle(pilot)
        assert panels["features"].display and features == [1]


async def test_a_run_stuck_at_chance_is_warned_about_until_the_user_changes_something() -> None:
    app, link = make()
    stuck = ev.BatchesEnded(1, 201, (2.31,) * 300, (0.1,) * 300, 0.01, 0.9, 32, 900.0, 9600, 60000)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        link.feed(stuck)
        await settle(pilot)
        assert "Not learning" in titles(app) and "try a lower learning rate (− halves it)" in notes(
            app
        )
        assert "not learning (loss 2.31, chance 2.30) · − halves the lr" in status(app)
        assert app.state.warning
        await pilot.press("minus")
        await settle(pilot)
        assert app.state.warning == "" and "not learning" not in status(app)
        link.feed(stuck)  # judged afresh after the change: the same evidence warns again
        await settle(pilot)
        assert notes(app).count("halves it") == 2


async def test_open_screens_that_listen_get_every_event() -> None:
    class Listening(HelpScreen):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[ev.Event] = []

        def on_trainer_event(self, event: ev.Event) -> None:
            self.seen.append(event)

    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listening = Listening()
        app.push_screen(listening)
        sample = link.trainer.sample()
        link.feed(sample)
        await settle(pilot)
        assert listening.seen == [sample]


class BrokenLink(FakeLink):
    def __init__(self, broken: str) -> None:
        super().__init__()
        self.broken = broken

    def start(self) -> None:
        super().start()
        if self.broken == "start":
            raise OSError("no such trainer")

    def drain(self, max_events: int = 1000) -> list[ev.Event]:
        if self.broken == "drain":
            raise EOFError("the pipe is gone")
        if self.broken == "silent":
            self._alive = False
            return []
        return super().drain(max_events)


async def test_a_link_that_breaks_is_shown_not_raised() -> None:
    for broken, said in [
        ("start", "the trainer did not start: no such trainer"),
        ("drain", "the link to the trainer broke: the pipe is gone"),
        ("silent", "the trainer stopped without saying why"),
    ]:
        link = BrokenLink("start" if broken == "start" else "")
        if broken != "start":
            link.feed(link.trainer.started())
        app = DashboardApp(link)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            link.broken = broken
            await settle(pilot)
            assert app.state.run_state == "failed", broken
            assert said in status(app) and said in notes(app)
