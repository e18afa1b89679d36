"""``cnn-tui compare`` on three runs (tests/tui/compare_runs.py): what the screen shows, its keys
(Pilot), and SVG snapshots at 80×24 (both lower views) and 120×36.

Look at the SVGs as pictures before updating (see test_dashboard_svg.py for converting to PNG).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cnn_tui.tui.cli.compare_command import load_runs
from cnn_tui.tui.compare.app import CompareApp
from cnn_tui.tui.compare.charts import CompareAccuracy, CompareLoss
from cnn_tui.tui.compare.tables import ClassesTable, RunsTable
from tests.tui.compare_runs import make_runs


def compare_app(tmp_path: Path, *, torn: bool = True) -> CompareApp:
    make_runs(tmp_path, torn=torn)
    return CompareApp(load_runs(tmp_path, ["base", "fast", "wide"]))


def screen_text(app: CompareApp, panel: type) -> str:
    widget = app.screen.query_one(panel)
    return "\n".join(strip.text for strip in widget._strips) + str(widget.border_subtitle)


async def test_the_screen_shows_three_runs_and_what_differs(tmp_path: Path) -> None:
    app = compare_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        for chart in (CompareLoss, CompareAccuracy):
            text = screen_text(app, chart)
            # the legend names each run with its tag and glyph; the lines carry the tags
            assert "A ●" in text and "B ■" in text and "C ▲" in text
            assert "base" in text and "fast" in text and "wide" in text
            plot = text.split("\n")
            assert any("A" in row[4:] for row in plot) and any("C" in row[4:] for row in plot)
        runs = screen_text(app, RunsTable)
        header = runs.split("\n")[0]
        # only the fields that differ: the network, lr and momentum; not the seed or the engine
        assert "network" in header and "lr" in header and "momentum" in header
        assert "seed" not in header and "engine" not in header
        assert "c16 d128" in runs and "lr 0.1 @150" in runs  # the changes made during a run
        assert "all: engine numpy" in runs and "seed 1" in runs  # what they share
        assert "C wide: 1 torn line" in runs  # the crash-torn line is said, not hidden
        classes = screen_text(app, ClassesTable)
        assert classes.split("\n")[0].split()[:3] == ["run", "all", "0"]
        assert len([row for row in classes.split("\n") if row.startswith(("A ●", "B ■"))]) == 2


async def test_keys_switch_the_lower_view_and_the_log_scale(tmp_path: Path) -> None:
    app = compare_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        runs, classes = app.screen.query_one(RunsTable), app.screen.query_one(ClassesTable)
        assert app.screen.has_class("-compact")
        assert runs.display and not classes.display  # one table at a time when small
        await pilot.press("v")
        assert classes.display and not runs.display
        await pilot.press("v")
        assert runs.display and not classes.display
        loss = app.screen.query_one(CompareLoss)
        before = screen_text(app, CompareLoss)
        await pilot.press("g")
        await pilot.pause()
        assert loss.log_scale and "log" in str(loss.border_title)
        assert screen_text(app, CompareLoss) != before
        await pilot.press("q")
    assert app.return_code in (0, None)


async def test_at_120x36_both_tables_show(tmp_path: Path) -> None:
    app = compare_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert not app.screen.has_class("-compact")
        assert app.screen.query_one(RunsTable).display
        assert app.screen.query_one(ClassesTable).display


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_compare_svg(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert snap_compare(compare_app(tmp_path), terminal_size=size)


def test_compare_svg_classes_view(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(compare_app(tmp_path), terminal_size=(80, 24), press=["v"])
