"""The embedding map (p) over the scripted run (Pilot): it opens on the dashboard's latest map and
escape goes back; before any map it waits, and a map arriving is drawn; the arrows move the
cursor and the side names the nearest digit; n walks the mistakes; Enter opens the named digit in
the inspector's detail view (a mistake or a digit it has right) and escape comes back to it; a
read-only viewer sees the map and is told why a digit cannot be shown; the × marks start off while
most digits are wrong, and x decides after."""

from __future__ import annotations

from dataclasses import replace

from cnn_tui.core.contract import commands as cmd
from cnn_tui.tui.demo.embedding import synthetic_map
from cnn_tui.tui.embedding.scatter_view import ScatterView
from cnn_tui.tui.embedding.screen import EmbeddingScreen
from cnn_tui.tui.inspector.detail_screen import DetailScreen
from tests.tui.dashboard_pilot import notes
from tests.tui.embedding_fixture import (
    answer_for,
    head_text,
    map_app,
    open_map,
    scatter_text,
    settle,
    side_text,
    three_digits,
)

SIZE = (120, 36)


async def test_p_opens_the_latest_map_and_escape_goes_back() -> None:
    app, _ = map_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_map(pilot)
        head = head_text(screen)
        assert "step 2,600 · epoch 2 · 2,000 digits" in head and "map 2/2" in head
        scatter = screen.query_one(ScatterView)
        assert str(scatter.border_title).startswith("↑ PC2 ")
        assert str(scatter.border_subtitle).startswith("PC1 ")
        assert "×" in scatter_text(screen)  # mistakes marked
        assert "0" in side_text(screen) and "a mistake" in side_text(screen)  # the legend
        await pilot.press("escape")
        assert app.screen is app.dashboard
        await pilot.press("p")
        assert isinstance(app.screen, EmbeddingScreen)
        await pilot.press("p")  # p closes it too
        assert app.screen is app.dashboard


async def test_it_waits_for_the_first_map_then_draws_one_as_it_arrives() -> None:
    app, link = map_app(maps=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_map(pilot)
        assert "waiting for the first evaluation" in scatter_text(screen)
        latest = app.state.latest_eval
        assert latest is not None
        link.feed(synthetic_map(latest))
        await settle(pilot, 0.7)
        assert "waiting" not in scatter_text(screen)
        assert "step 2,600" in head_text(screen) and "map 1/1" in head_text(screen)
        link.feed(three_digits(step=2700))  # the next evaluation's: the screen follows
        await settle(pilot, 0.7)
        assert "step 2,700" in head_text(screen) and "3 digits, 1 wrong" in head_text(screen)
        await pilot.press("left_square_bracket")  # back to the first map
        assert "step 2,600" in head_text(screen) and "map 1/2" in head_text(screen)


async def test_the_arrows_and_a_click_name_the_nearest_digit_and_n_the_mistakes() -> None:
    app, link = map_app(maps=False)
    link.feed(three_digits())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_map(pilot)
        assert "arrows move the cursor" in side_text(screen)
        scatter = screen.query_one(ScatterView)
        await pilot.press(*["shift+left"] * 10)  # from the middle to the left edge
        assert scatter.named == 0
        assert "test #0 true 1" in side_text(screen) and "network says 1 90% ✓" in side_text(screen)
        width, height = scatter.size
        await pilot.click(ScatterView, offset=(width, height))  # the bottom-right cell
        assert scatter.named == 1 and "true 7" in side_text(screen)
        await pilot.press(*["shift+up"] * 7)  # the top-right corner: the top digit is nearer
        assert scatter.named == 2 and "network says 9 65% ✗" in side_text(screen)
        await pilot.press("down")
        assert scatter.named == 2
        await pilot.press("shift+left", "n")
        assert scatter.named == 2  # the one mistake
        await pilot.press("x")
        assert "×" not in scatter_text(screen)
        await pilot.press("x")
        assert "×" in scatter_text(screen)


async def test_enter_opens_a_mistake_in_the_inspector_and_escape_comes_back() -> None:
    app, link = map_app(maps=False)
    emb = three_digits()
    link.feed(emb)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_map(pilot)
        await pilot.press("n", "enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert [m.index for m in detail.mistakes] == [2]
        head = str(detail.query_one("#detail-head").render())
        assert "test #2: true 4 → predicted 9 65.0% (4: ?)" in head and "mistake 1 of 1" in head
        [asked] = [c for c in link.sent_of(cmd.RequestSample) if c.test_index == 2]
        assert asked.saliency_target == 9
        link.feed(answer_for(asked, emb))
        await settle(pilot)
        assert detail.detail is not None and detail.detail.index == 2
        await pilot.press("escape")
        assert app.screen is screen and screen.query_one(ScatterView).named == 2


async def test_enter_on_a_digit_it_has_right_says_so() -> None:
    app, link = map_app(maps=False)
    link.feed(three_digits())
    async with app.run_test(size=SIZE) as pilot:
        await open_map(pilot)
        await pilot.press(*["shift+left"] * 10, "enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        head = str(detail.query_one("#detail-head").render())
        assert "test #0: true 1, predicted right 90.0%" in head and "digit 1 of 1" in head


async def test_a_read_only_viewer_sees_the_map_and_hears_why_no_digit_opens() -> None:
    app, link = map_app(viewer=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_map(pilot)
        assert "step 2,600" in head_text(screen) and "×" in scatter_text(screen)
        await pilot.press("n")
        named = screen.query_one(ScatterView).named
        assert named is not None and f"test #{named:,}" in side_text(screen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "read-only" in notes(app)
        assert all(isinstance(c, cmd.RequestSample | cmd.FindNearest) for c in link.sent)


async def test_without_an_inspector_enter_says_so() -> None:
    app, link = map_app()
    app.inspector_factory = None
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_map(pilot)
        assert "(no inspector here)" not in side_text(screen)  # nothing named yet
        await pilot.press("n", "enter")
        assert app.screen is screen and "no inspector in this app" in notes(app)
        assert not link.sent_of(cmd.RequestSample)


async def test_marks_start_off_while_most_digits_are_wrong_and_x_decides_after() -> None:
    app, link = map_app(maps=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_map(pilot)
        evaluation = app.state.latest_eval
        assert evaluation is not None
        link.feed(synthetic_map(replace(evaluation, accuracy=0.3)))  # 64 % wrong
        await settle(pilot, 0.7)
        assert "×" not in scatter_text(screen) and "mistakes hidden (x shows)" in side_text(screen)
        link.feed(synthetic_map(replace(evaluation, accuracy=0.97, step=2700)))  # 4 % wrong
        await settle(pilot, 0.7)
        assert "×" in scatter_text(screen) and "a mistake, in its" in side_text(screen)
        await pilot.press("x")
        assert "×" not in scatter_text(screen)
        link.feed(synthetic_map(replace(evaluation, accuracy=0.98, step=2800)))
        await settle(pilot, 0.7)
        assert "step 2,800" in head_text(screen) and "×" not in scatter_text(screen)  # as asked
