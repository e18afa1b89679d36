"""Pilot tests of the nearest training digits in the inspector's detail view: computed here in
``cnn-tui inspect`` (off the UI thread, "computing…" meanwhile), asked of the trainer from the
dashboard (the fake link answers FindNearest), refused, and not offered."""

from __future__ import annotations

import threading

from textual.widgets import Static

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.core.contract.nearest_events import NearestFound
from cnn_tui.core.data.dataset import PIXELS, Dataset
from cnn_tui.core.data.errors import DataError
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.inspector.detail_screen import DetailScreen
from cnn_tui.tui.inspector.mistakes_screen import MistakesScreen
from cnn_tui.tui.inspector.nearest_source import LinkNearest, NoNeighbours
from cnn_tui.tui.inspector.source import LinkSource
from cnn_tui.tui.render.halfblock import SegmentLines
from tests.tui.dashboard_pilot import make, settle, titles
from tests.tui.inspector_fixture import neighbours_shown, opened
from tests.tui.nearest_fixture import learned_app, learned_run, train_set


def block_text(screen: DetailScreen) -> str:
    """The nearest digits' block as text."""
    content = screen.query_one("#detail-nearest", Static).content
    assert isinstance(content, SegmentLines)
    return "\n".join("".join(s.text for s in line) for line in content.lines)


async def test_five_neighbours_with_labels_and_the_next_mistake_updates_them() -> None:
    app = learned_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await opened(app, pilot)
        await pilot.press("enter")
        await neighbours_shown(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        first = detail.neighbours
        assert isinstance(first, NearestFound) and first.test_index == detail.mistake.index
        assert len(first.labels) == 5
        train = train_set()
        assert first.labels == tuple(train.labels[i] for i in first.indices)
        text = block_text(detail)
        said = detail.mistake.predicted
        assert f"it said {said}: its features are closest to these training digits" in text
        for index, distance in zip(first.indices, first.distances, strict=True):
            assert f"d {distance:.3g} #{index:,}" in text  # each one's distance and position
        await pilot.press("right")
        await neighbours_shown(pilot)
        second = detail.neighbours
        assert isinstance(second, NearestFound)
        assert second.test_index == detail.mistake.index != first.test_index
        assert second.indices != first.indices
        await pilot.press("left")  # back: the answer is cached, shown at once
        assert detail.neighbours is first or detail.neighbours == first


async def test_computing_is_shown_until_the_thread_answers() -> None:
    release = threading.Event()

    def slow_train() -> Dataset:
        release.wait(10)
        return train_set()

    app = learned_app(load_train=slow_train)
    async with app.run_test(size=(120, 36)) as pilot:
        await opened(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.neighbours is None
        assert "computing…" in block_text(detail)
        await pilot.press("right")  # the UI is not held up meanwhile
        await pilot.pause()
        assert detail.position == 1
        release.set()
        await neighbours_shown(pilot)
        assert isinstance(detail.neighbours, NearestFound)
        assert detail.neighbours.test_index == detail.mistake.index


async def test_an_unreadable_training_set_is_one_line() -> None:
    def missing() -> Dataset:
        raise DataError("no train-images-idx3-ubyte in /nowhere")

    app = learned_app(load_train=missing)
    async with app.run_test(size=(120, 36)) as pilot:
        await opened(app, pilot)
        await pilot.press("enter")
        await neighbours_shown(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and isinstance(detail.neighbours, NoNeighbours)
        text = block_text(detail)
        assert "nearest training digits: none" in text
        assert "the training set cannot be read: no train-images-idx3-ubyte in /nowhere" in text


async def test_without_a_training_set_they_are_not_offered() -> None:
    app = learned_app(load_train=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await opened(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert "not offered here (no training set)" in block_text(app.screen)


# --- from the dashboard: the trainer answers through the link -------------------------------


def blank_test_set(size: int) -> Dataset:
    return Dataset(bytes(size * PIXELS), bytes(size), "test")


def live(app: DashboardApp) -> None:
    """``m`` opens the browser over the link, as the dashboard's launcher does."""

    def open_mistakes(evaluation: ev.Evaluated) -> MistakesScreen:
        return MistakesScreen(evaluation, blank_test_set(evaluation.size), LinkSource(app.send))

    app.inspector_factory = open_mistakes


async def to_browser(pilot) -> None:  # type: ignore[no-untyped-def]
    """The scripted steps drained, then ``m``: the browser over the link."""
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)


async def test_from_the_dashboard_the_trainer_is_asked_and_its_answer_shown() -> None:
    app, link = make()
    live(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await to_browser(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        asked = link.sent_of(cmd.FindNearest)
        assert asked == [cmd.FindNearest(test_index=detail.mistake.index, k=5)]
        await neighbours_shown(pilot)
        found = detail.neighbours
        assert isinstance(found, NearestFound) and len(found.labels) == 5
        text = block_text(detail)
        assert "its features are closest to these training digits" in text
        assert "among all 60,000 training digits" in text
        await pilot.press("right")
        await neighbours_shown(pilot)
        assert len(link.sent_of(cmd.FindNearest)) == 2
        assert detail.neighbours is not found
        await pilot.press("left")  # cached: not asked again
        await settle(pilot)
        assert len(link.sent_of(cmd.FindNearest)) == 2
        assert detail.neighbours == found


async def test_a_refusal_is_shown_with_its_reason() -> None:
    app, link = make()
    live(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await to_browser(pilot)
        link.answer = False  # the trainer says no instead (a read-only viewer, say)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.neighbours is None
        link.feed(ev.CommandRefused(200, "FindNearest", "read-only: no token"))
        await neighbours_shown(pilot)
        assert isinstance(detail.neighbours, NoNeighbours)
        assert "read-only: no token" in block_text(detail)


def test_a_new_evaluation_drops_the_cached_answers() -> None:
    sent: list[object] = []
    source = LinkNearest(sent.append)
    got: list[object] = []
    source.request(3, got.append)
    state, _ = learned_run()
    answer = NearestFound(state.step, 3, (1,), (2,), (0.5,), (bytes(PIXELS),), 200, 200, 32, 1.0, 0)
    source.on_trainer_event(answer)
    assert got == [answer] and source.cached(3) == answer
    source.request(3, got.append)
    assert len(sent) == 1  # answered from the cache
    evaluated = ev.Evaluated(1, 40, "test", 0.0, 0.0, (0.0,) * 10, ((0,) * 10,) * 10, (), 60, 0)
    source.on_trainer_event(evaluated)
    assert source.cached(3) is None
    source.request(3, got.append)
    assert len(sent) == 2 and source.waiting == 1


async def test_from_the_embedding_map_the_detail_view_gets_its_neighbours_too() -> None:
    from tests.tui.embedding_fixture import map_app, open_map, three_digits

    app, link = map_app(maps=False)
    link.feed(three_digits())
    async with app.run_test(size=(120, 36)) as pilot:
        await open_map(pilot)
        await pilot.press("n", "enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert link.sent_of(cmd.FindNearest) == [cmd.FindNearest(test_index=2, k=5)]
        await neighbours_shown(pilot)
        assert isinstance(detail.neighbours, NearestFound)
        assert "it said 9: its features are closest to these training digits" in block_text(detail)


async def test_after_the_run_has_ended_a_digit_says_why_it_is_not_shown() -> None:
    """Nothing answers once the trainer has finished: the dashboard refuses the questions itself
    (it used to send them, and the detail view said "computing…" for ever)."""
    app, link = make()
    live(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        link.feed(ev.Finished(step=200, epoch=1, reason="finished"))
        await to_browser(pilot)
        await pilot.press("enter")
        await neighbours_shown(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.detail is None
        assert not link.sent_of(cmd.RequestSample) and not link.sent_of(cmd.FindNearest)
        saliency = str(detail.query_one("#detail-saliency", Static).render())
        assert "not shown: the run has finished: its trainer no longer answers" in saliency
        assert isinstance(detail.neighbours, NoNeighbours)
        assert "the run has finished" in block_text(detail)
        assert "Refused" not in titles(app)  # the views say it; no dashboard toast on top
