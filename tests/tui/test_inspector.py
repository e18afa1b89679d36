"""The inspector in a running app: the browser, its sorting and filters, the confusion matrix,
navigation and the detail view."""

from __future__ import annotations

import numpy as np

from cnn_tui.core.data.errors import DataError
from cnn_tui.tui.inspector.confusion_screen import ConfusionScreen
from cnn_tui.tui.inspector.detail_screen import DetailScreen
from cnn_tui.tui.inspector.grid import MistakeGrid
from cnn_tui.tui.inspector.mistakes import confidence
from cnn_tui.tui.inspector.mistakes_screen import MistakesScreen
from tests.tui.inspector_fixture import direct_evaluation, grid_of, make_app, opened


async def test_opens_on_every_mistake_most_confident_first() -> None:
    expected = direct_evaluation()
    assert 5 <= len(expected.mistakes) < 60  # the fixture makes some mistakes, not all
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(app, pilot)
        shown = grid_of(app).mistakes
        assert {m.index for m in shown} == {m.index for m in expected.mistakes}
        confidences = [confidence(m) for m in shown]
        assert confidences == sorted(confidences, reverse=True)
        assert app.open_seconds is not None


async def test_sort_cycles_to_class_order_then_test_order() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(app, pilot)
        await pilot.press("s")
        shown = grid_of(app).mistakes
        assert [(m.label, m.predicted) for m in shown] == sorted(
            (m.label, m.predicted) for m in shown
        )
        await pilot.press("s")
        indices = [m.index for m in grid_of(app).mistakes]
        assert indices == sorted(indices)


async def test_confusion_cell_filters_the_browser_to_that_cell() -> None:
    expected = direct_evaluation()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(app, pilot)
        await pilot.press("c")
        assert isinstance(app.screen, ConfusionScreen)
        await pilot.press("enter")  # the cursor starts on the largest error
        assert isinstance(app.screen, MistakesScreen)
        shown = grid_of(app).mistakes
        cells = {(m.label, m.predicted) for m in shown}
        assert len(cells) == 1
        ((t, p),) = cells
        assert (
            len(shown)
            == expected.confusion[t][p]
            == max(expected.confusion[a][b] for a in range(10) for b in range(10) if a != b)
        )


async def test_confusion_cell_chosen_with_arrows_and_mouse() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(app, pilot)
        await pilot.press("c")
        grid = app.screen.query_one("ConfusionGrid")
        grid.cell = (0, 0)
        await pilot.press("down", "right", "right")
        assert grid.cell == (1, 2)
        # click the cell (3, 4): rows start one line down, columns are 6 cells after a 5-cell label
        await pilot.click("ConfusionGrid", offset=(5 + 4 * 6 + 2, 1 + 3))
        assert grid.cell == (3, 4)
        await pilot.click("ConfusionGrid", offset=(5 + 4 * 6 + 2, 1 + 3))
        assert app.screen is screen
        assert (screen.view.filter.label, screen.view.filter.predicted) == (3, 4)


async def test_filter_by_true_and_predicted_class_with_counts() -> None:
    expected = direct_evaluation()
    label = expected.mistakes[0].label
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(app, pilot)
        await pilot.press("t", str(label))
        shown = grid_of(app).mistakes
        assert shown and all(m.label == label for m in shown)
        assert len(shown) == sum(1 for m in expected.mistakes if m.label == label)
        assert screen.view.counts_by_label()[label] == len(shown)
        await pilot.press("t", "t")  # any true class again
        assert len(grid_of(app).mistakes) == len(expected.mistakes)
        predicted = expected.mistakes[0].predicted
        await pilot.press("p", str(predicted))
        assert all(m.predicted == predicted for m in grid_of(app).mistakes)
        await pilot.press("x")
        assert len(grid_of(app).mistakes) == len(expected.mistakes)


async def test_keyboard_and_mouse_navigation() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(app, pilot)
        grid = grid_of(app)
        n, columns = len(grid.mistakes), grid.columns
        assert columns == 5
        await pilot.press("right", "right", "down")
        assert grid.cursor == 2 + columns
        await pilot.press("left")
        assert grid.cursor == 1 + columns
        await pilot.press("end")
        assert grid.cursor == n - 1
        await pilot.press("home")
        assert grid.cursor == 0
        await pilot.press("pagedown")
        assert grid.cursor == min(n - 1, grid.visible_rows * columns)
        await pilot.press("pageup")
        assert grid.cursor == 0
        await pilot.click(MistakeGrid, offset=(16 * 3 + 5, 3))  # the 4th tile of the first row
        assert grid.cursor == 3
        await pilot.click(MistakeGrid, offset=(16 * 3 + 5, 3))  # clicking it again opens it
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.mistake.index == grid.mistakes[3].index


async def test_detail_shows_the_digit_and_steps_through_mistakes() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(app, pilot)
        mistakes = grid_of(app).mistakes
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.detail is not None
        first = mistakes[0]
        assert detail.detail.index == first.index
        assert detail.detail.saliency_target == first.predicted
        np.testing.assert_allclose(detail.detail.probabilities, first.probabilities, atol=1e-9)
        assert len(detail.detail.saliency) == 784
        await pilot.press("s")  # saliency of the true class
        assert detail.detail is not None and detail.detail.saliency_target == first.label
        await pilot.press("right", "right")
        assert detail.detail is not None and detail.detail.index == mistakes[2].index
        await pilot.press("left")
        assert detail.detail is not None and detail.detail.index == mistakes[1].index
        await pilot.press("escape")
        assert isinstance(app.screen, MistakesScreen)
        assert grid_of(app).cursor == 1  # the browser follows where the detail ended


async def test_d_in_the_detail_view_says_why_it_cannot_draw() -> None:
    """A viewer's drawing screen reads this machine's test set: when that fails, d is a notice
    and the detail view stays (it used to let the error escape)."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        browser = await opened(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DetailScreen)

        def unreadable(start: int | None) -> DetailScreen:
            raise DataError("no test images in /nowhere")

        detail.draw = unreadable
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is detail and browser in app.screen_stack
        assert any("no test images in /nowhere" in n.message for n in app._notifications)
