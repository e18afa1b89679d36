"""The dashboard's Line API panels in a running app: what the charts draw, that their colours
follow the theme, that the strips are cached until something changes, the chart keys, NO_COLOR,
and that no widget needs plotext."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from textual.pilot import Pilot

from cnn_tui.core.contract import events as ev
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.widgets.charts import AccuracyChart, LossChart
from cnn_tui.tui.widgets.line_panel import LinePanel
from cnn_tui.tui.widgets.status import StatusBar
from tests.tui.scripted_run import scripted_app

LARGE = (140, 45)


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause(0.15)
    pilot.app.dashboard.repaint_all()  # type: ignore[attr-defined]
    await pilot.pause(0.05)


def panel(app: DashboardApp, name: str) -> LinePanel:
    widget = app.dashboard.panels[name]
    assert isinstance(widget, LinePanel)
    return widget


def picture(widget: LinePanel) -> str:
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def is_braille(char: str) -> bool:
    return 0x2800 < ord(char) <= 0x28FF


async def test_loss_chart_draws_every_mark_of_the_run() -> None:
    app = scripted_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        loss = panel(app, "loss")
        text = picture(loss)
        assert any(is_braille(c) for c in text)  # the EMA
        for glyph in "·●▼‖┊└┬┤":  # batches, tests, lr change, pause, epoch, axes
            assert glyph in text, glyph
        assert "2,500" in text.splitlines()[-1]  # step labels under the axis
        assert str(loss.border_title).startswith("Loss 0.") and "EMA 0.95" in str(loss.border_title)


async def test_a_divergence_after_the_last_point_is_marked_at_the_edge() -> None:
    app = scripted_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        loss = panel(app, "loss")
        assert "✕" not in picture(loss)
        step = app.state.step
        app.state.apply(ev.Diverged(step + 1, math.inf, step, "loss became inf"))
        loss.repaint()
        top = loss.render_line(0).text
        assert top.rstrip().endswith("✕")  # the last column: its batch has no loss to plot
        assert "●" in "".join(loss.render_line(y).text[-3:] for y in range(loss.size.height))


async def test_theme_switch_recolours_the_cached_strips() -> None:
    app = scripted_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        loss = panel(app, "loss")

        def line_colours() -> set[object]:
            return {
                seg.style.color if seg.style else None
                for y in range(loss.size.height)
                for seg in loss.render_line(y)
                if any(is_braille(c) for c in seg.text)
            }

        dark = loss.role("line").color
        assert line_colours() == {dark}
        app.theme = "textual-light"
        await pilot.pause(0.1)
        light = loss.role("line").color
        assert light != dark and line_colours() == {light}


async def test_strips_are_cached_until_the_data_changes() -> None:
    app = scripted_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        for name in ("loss", "accuracy", "classes", "input", "features"):
            widget = panel(app, name)
            first = widget.render_line(2)
            assert widget.render_line(2) is first, name  # no rebuild per frame
            widget.repaint()
            assert widget.render_line(2) is not first, name


async def test_log_scale_and_smoothing_keys_redraw_the_loss_chart() -> None:
    app = scripted_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        loss = panel(app, "loss")
        assert isinstance(loss, LossChart)
        linear = picture(loss)
        await pilot.press("g")
        assert loss.log_scale and "log" in str(loss.border_title)
        logged = picture(loss)
        assert logged != linear and "0.5┤" in logged and "1┤" in logged
        await pilot.press("right_square_bracket")
        assert loss.smoothing == 0.98 and "EMA 0.98" in str(loss.border_title)
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert loss.smoothing == 0.9


async def test_accuracy_header_drops_detail_to_fit() -> None:
    app = scripted_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        chart = panel(app, "accuracy")
        assert isinstance(chart, AccuracyChart)
        wide = "".join(s.text for s in chart._header(60, 91.5))
        assert wide.startswith("train 91.5%") and "test 97.57%" in wide and "(step 2,600)" in wide
        assert "(step" not in "".join(s.text for s in chart._header(26, 91.5))
        assert "".join(s.text for s in chart._header(14, 91.5)) == "train 91.5%"


async def test_no_color_keeps_every_chart_glyph(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = scripted_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        assert app.no_color
        text = picture(panel(app, "loss"))
        assert any(is_braille(c) for c in text)
        for glyph in "·●▼‖┊":
            assert glyph in text, glyph
        classes = picture(panel(app, "classes"))
        assert "█" in classes  # bars stay; the worst digit is marked by reverse video instead
        worst = [
            seg
            for y in range(10)
            for seg in panel(app, "classes").render_line(y)
            if seg.style and seg.style.reverse
        ]
        assert [seg.text for seg in worst] == ["9"]


async def test_status_hands_textual_only_what_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    app = scripted_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        status = app.dashboard.panels["status"]
        assert isinstance(status, StatusBar)
        updates: list[bool] = []
        original = status.update

        def update(text: object, layout: bool = True) -> None:
            updates.append(layout)
            original(text, layout=layout)  # type: ignore[arg-type]

        monkeypatch.setattr(status, "update", update)
        status.repaint()
        status.repaint()
        assert updates == []  # nothing changed: nothing to lay out or draw
        app.state.message = "something happened"
        status.repaint()
        assert updates == [True]  # a second line: the status grows, so a layout pass


def test_widgets_import_no_plotext() -> None:
    code = (
        "import sys, cnn_tui.tui.dashboard.screen; "
        "print(sorted(m for m in sys.modules if 'plotext' in m))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
