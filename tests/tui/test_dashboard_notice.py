"""A trainer's ``Notice`` (another test slice on resume, an old snapshot that could not be
deleted) is a notification on the dashboard, with its title."""

from __future__ import annotations

from cnn_tui.core.contract import events as ev
from tests.tui.dashboard_pilot import SIZE, make, notes, settle, titles


async def test_a_notice_is_a_notification_with_its_title() -> None:
    app, link = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        message = "the snapshot was tested on 10,000 images, this run on 2,000: evaluating"
        link.feed(ev.Notice(939, "Test set changed", message))
        await settle(pilot)
        assert message in notes(app) and "Test set changed" in titles(app)
