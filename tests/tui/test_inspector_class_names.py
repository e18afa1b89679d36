"""The inspector names classes: on a Fashion-MNIST run the browser's status line and the
detail view say "true Sneaker → predicted Bag", not digits."""

from __future__ import annotations

import dataclasses

from textual.widgets import Static

from cnn_tui.core.contract.class_names import class_name
from cnn_tui.core.data.sets import FASHION_MNIST
from cnn_tui.tui.inspector.app import InspectorApp
from cnn_tui.tui.inspector.detail_screen import DetailScreen
from tests.tui.inspector_fixture import grid_of, opened, small_run

NAMES = FASHION_MNIST.class_names


async def test_fashion_names_in_the_browser_and_the_detail() -> None:
    state, test = small_run()
    config = dataclasses.replace(state.config, dataset="fashion-mnist", class_names=NAMES)
    app = InspectorApp(dataclasses.replace(state, config=config), test)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(app, pilot)
        first = grid_of(app).mistakes[0]
        true, said = class_name(NAMES, first.label), class_name(NAMES, first.predicted)
        status = str(screen.query_one("#mistakes-status", Static).render())
        assert f"true {true} → {said}" in status
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        head = str(app.screen.query_one("#detail-head", Static).render())
        assert f"true {true} → predicted {said}" in head
