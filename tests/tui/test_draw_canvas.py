"""The drawing screen (``d``) on the dashboard over the fake link (Pilot): mouse drags draw,
the right button erases, the arrows and space paint, a typed brush size out of bounds is refused,
an empty canvas predicts nothing, strokes are coalesced, and every drawing is answered with the
(fake) live trainer's current weights as it trains on."""

from __future__ import annotations

from cnn_tui.core.contract.commands import ViewDrawing
from cnn_tui.core.drawing.preprocess import mnist_input, to_image
from cnn_tui.tui.draw import DrawScreen
from tests.tui.draw_fixture import Clock, drag, draw_app, ink, open_draw, settle

SIZE = (100, 30)


async def test_a_drag_draws_a_line_and_the_trainer_answers_it() -> None:
    app, link = draw_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_draw(pilot)
        assert "draw a digit" in screen.result.note[0] and screen.result.view is None
        await drag(pilot, [(5, 3), (15, 3), (25, 3)])  # a fast drag: three far-apart points
        await settle(pilot)
        # zoom 1: cell row 3 is pixel rows 6 and 7; the gaps between the points are filled
        assert all(ink(screen, c, 6) > 0.99 and ink(screen, c, 7) > 0.99 for c in range(5, 26))
        assert ink(screen, 10, 12) == 0.0
        sent = link.sent_of(ViewDrawing)
        assert sent and isinstance(sent[-1], ViewDrawing)
        expected = mnist_input(screen.canvas.pixels)
        assert expected is not None and sent[-1].image == to_image(expected)
        view = screen.result.view
        assert view is not None and view.drawing == sent[-1].drawing
        assert view.step == link.trainer.step  # the weights of the moment


async def test_the_right_button_erases() -> None:
    app, _ = draw_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_draw(pilot)
        await drag(pilot, [(4, 5), (20, 5)])
        assert ink(screen, 12, 10) > 0.99
        await drag(pilot, [(10, 5), (14, 5)], button=3)
        assert all(ink(screen, c, 10) == 0.0 for c in range(11, 14))
        assert ink(screen, 5, 10) > 0.99 and ink(screen, 19, 10) > 0.99


async def test_arrows_move_the_cursor_and_space_paints_or_erases() -> None:
    app, _ = draw_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_draw(pilot)
        assert screen.canvas_view.cursor == (14, 14)
        await pilot.press("left", "left", "up", "space")
        assert screen.canvas_view.cursor == (12, 13)
        assert ink(screen, 12, 13) == 1.0 and ink(screen, 14, 14) == 0.0
        await pilot.press("e", "space")  # eraser
        assert ink(screen, 12, 13) == 0.0
        await pilot.press("e", "right_square_bracket", "down", "space")  # pen, brush 3
        assert screen.canvas_view.brush == 3 and ink(screen, 13, 14) == 1.0


async def test_a_typed_brush_size_out_of_bounds_is_refused_with_the_reason() -> None:
    app, _ = draw_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_draw(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("9", "enter")
        await pilot.pause()
        error = str(app.screen.query_one("#prompt-error").render())
        assert "brush size 9 is outside 1–6" in error
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.canvas_view.brush == 2
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("5", "enter")
        await pilot.pause()
        assert screen.canvas_view.brush == 5


async def test_an_empty_canvas_predicts_nothing_and_says_draw_a_digit() -> None:
    app, link = draw_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_draw(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert screen.result.view is not None
        await pilot.press("c")
        await settle(pilot)
        assert screen.canvas.empty and screen.result.view is None
        assert screen.result.note[0] == "draw a digit"
        last = link.sent_of(ViewDrawing)[-1]
        assert isinstance(last, ViewDrawing) and last.image == b""  # the trainer stops following


async def test_a_fast_drag_sends_one_drawing_per_answer_and_the_latest_wins() -> None:
    app, link = draw_app(hold=True, resend_after=600)  # answers wait for release()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_draw(pilot)
        await drag(pilot, [(c, 6) for c in range(3, 25)])  # 22 moves, 22 drawings
        assert screen.canvas_view.strokes >= 20
        assert len(link.sent_of(ViewDrawing)) == 1  # the first, in flight
        link.release()
        await settle(pilot)
        sent = link.sent_of(ViewDrawing)
        assert len(sent) == 2  # then only the latest
        assert isinstance(sent[-1], ViewDrawing)
        expected = mnist_input(screen.canvas.pixels)
        assert expected is not None and sent[-1].image == to_image(expected)
        link.release()
        await settle(pilot)
        view = screen.result.view
        assert view is not None and view.drawing == sent[-1].drawing


async def test_the_answer_follows_the_live_weights_as_training_goes_on() -> None:
    clock = Clock()
    app, link = draw_app(steps_per_s=100.0, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_draw(pilot)
        await pilot.press("space", "down", "space")
        await settle(pilot)
        first = screen.result.view
        assert first is not None and first.step == link.trainer.step
        clock.now += 2.0  # the fake trains 200 steps, viewing the drawing every 0.3 s of them
        await settle(pilot)
        later = screen.result.view
        assert link.trainer.step == first.step + 200
        assert later is not None and first.step + 150 <= later.step <= link.trainer.step
        assert later.probabilities != first.probabilities
        assert f"step {later.step:,}" in str(screen.query_one("#draw-head").render())


async def test_t_loads_a_test_digit_and_i_shows_what_the_network_receives() -> None:
    app, _ = draw_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_draw(pilot)
        await pilot.press("t")
        test = screen.test_images
        assert test is not None
        assert screen.canvas.to_bytes() == test.image(0)
        assert "test #0" in str(screen.query_one("#draw-info").render())
        await pilot.press("i")
        assert screen.canvas_view.shown == mnist_input(screen.canvas.pixels)
        assert screen.canvas_view.border_title == "network input"
        await pilot.press("i", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, DrawScreen)
