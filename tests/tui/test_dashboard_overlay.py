"""The dashboard's overlay key ``o``: the picker lists the other runs (newest first, the live run
left out), the chosen runs are drawn on the loss and accuracy charts with their letters, glyphs
and a legend, ``o`` again shows them checked and unchecking them all clears them, escape
changes nothing, and no runs or a broken run is a one-line notice — never a traceback."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import SelectionList

from cnn_tui.core.runs.folder import METRICS_FILE
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.dashboard.overlay_picker import OverlayPicker
from cnn_tui.tui.widgets.charts import ChartPanel
from tests.tui.compare_runs import make_run
from tests.tui.dashboard_pilot import notes
from tests.tui.overlay_fixture import overlay, overlay_app, overlay_folder, settle

SIZE = (120, 36)


def chart(app: DashboardApp, name: str) -> ChartPanel:
    panel = app.dashboard.panels[name]
    assert isinstance(panel, ChartPanel)
    return panel


def drawn(panel: ChartPanel) -> str:
    """The chart's picture as text, one line per row."""
    return "\n".join("".join(s.text for s in strip) for strip in panel._strips)


def labels(app: DashboardApp) -> list[str]:
    return [line.label for line in chart(app, "loss").overlays]


async def test_o_lists_the_other_runs_newest_first_without_the_live_one(tmp_path: Path) -> None:
    folders = overlay_folder(tmp_path)
    live = make_run(tmp_path, "20261207-110000_live", "live", {"lr": 0.01})
    app = overlay_app(tmp_path, live)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause(0.1)
        assert isinstance(app.screen, OverlayPicker)
        options = app.screen.query_one(SelectionList)
        rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert [row.split()[0] for row in rows] == ["fast", "slow"]  # no "live"
        assert "c8 d128" in rows[0] and "finished" in rows[0]
        assert not options.selected
        await pilot.press("escape")
        await pilot.pause(0.05)
        assert not isinstance(app.screen, OverlayPicker)
        assert labels(app) == []
    assert len(folders) == 2


async def test_chosen_runs_are_drawn_with_letters_glyphs_and_a_legend(tmp_path: Path) -> None:
    overlay_folder(tmp_path)
    app = overlay_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = drawn(chart(app, "loss"))
        await overlay(pilot, 0, 1)
        assert labels(app) == ["fast", "slow"]
        assert [line.label for line in chart(app, "accuracy").overlays] == ["fast", "slow"]
        for name in ("loss", "accuracy"):
            picture = drawn(chart(app, name))
            assert "A" in picture and "B" in picture  # each run's letter on its line
            assert "■" in picture and "▲" in picture  # and its test results as its glyph
            legend = str(chart(app, name).border_subtitle)
            assert "A ■" in legend and "fast" in legend and "B ▲" in legend and "slow" in legend
        assert drawn(chart(app, "loss")) != before
        assert "overlaid: A ■ fast, B ▲ slow" in notes(app)


async def test_o_again_shows_the_choice_and_unchecking_all_clears(tmp_path: Path) -> None:
    overlay_folder(tmp_path)
    app = overlay_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await overlay(pilot, 1)
        assert labels(app) == ["slow"]
        legend = str(chart(app, "loss").border_subtitle)
        await pilot.press("o")
        await pilot.pause(0.1)
        options = app.screen.query_one(SelectionList)
        assert options.selected == [1]  # "slow" checked, as drawn
        assert "checked: slow" in str(app.screen.query_one("#overlay-chosen").render())
        await pilot.press("escape")  # cancel: as it was
        await settle(pilot)
        assert labels(app) == ["slow"]
        await overlay(pilot, 1)  # uncheck it: none checked
        assert labels(app) == []
        assert "slow" not in drawn(chart(app, "loss"))
        assert str(chart(app, "loss").border_subtitle) != legend  # the usual legend is back
        assert "▲" not in drawn(chart(app, "accuracy"))
        assert "overlay cleared" in notes(app)


async def test_no_other_runs_is_a_notice_saying_where_it_looked(tmp_path: Path) -> None:
    live = make_run(tmp_path, "20261207-110000_live", "live", {"lr": 0.01})
    app = overlay_app(tmp_path, live)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, OverlayPicker)
        assert f"no other runs to overlay in {tmp_path}" in notes(app)
        missing = overlay_app(tmp_path / "nowhere")
    async with missing.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause(0.1)
        assert "no other runs to overlay: no snapshot folder" in notes(missing)


async def test_a_broken_run_is_named_and_the_others_still_drawn(tmp_path: Path) -> None:
    fast, slow = overlay_folder(tmp_path)[::-1]
    lines = (slow / METRICS_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(5, "not json at all\n")  # mid-file: a broken file, not a torn last line
    (slow / METRICS_FILE).write_text("".join(lines), encoding="utf-8")
    app = overlay_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await overlay(pilot, 0, 1)
        assert labels(app) == ["fast"]
        said = notes(app)
        assert "slow: not overlaid:" in said and "line 6" in said
        assert "A ■" in str(chart(app, "loss").border_subtitle)
        assert "fast" in str(chart(app, "loss").border_subtitle)
    assert fast.name.endswith("fast")


async def test_at_most_five_runs(tmp_path: Path) -> None:
    for i in range(6):
        make_run(tmp_path, f"20261207-12000{i}_r{i}", f"r{i}", {"lr": 0.01 * (i + 1)})
    app = overlay_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await overlay(pilot, 0, 1, 2, 3, 4, 5)
        assert len(labels(app)) == 5
        assert "at most 5 runs overlaid at once" in notes(app)
