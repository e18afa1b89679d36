"""The inspector names classes: on a Fashion-MNIST run the browser's status line and the
detail view say "true Sneaker → predicted Bag", not digits — and so do the thumbnails' captions,
the counts and the filter, the confusion matrix and the exports (SVG snapshots:
test_inspector_snapshots.py). MNIST's views are the other tests' and snapshots'."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

from textual.widget import Widget
from textual.widgets import Static

from cnn_tui.core.contract.class_names import class_name, fit_name
from cnn_tui.core.data.sets import FASHION_MNIST
from cnn_tui.tui.inspector.app import InspectorApp
from cnn_tui.tui.inspector.confusion import ConfusionGrid
from cnn_tui.tui.inspector.confusion_screen import ConfusionScreen
from cnn_tui.tui.inspector.detail_screen import DetailScreen
from cnn_tui.tui.inspector.export import CSV_HEADER, mistakes_text
from cnn_tui.tui.inspector.mistakes import confidence
from cnn_tui.tui.inspector.prompt import PathPrompt
from cnn_tui.tui.inspector.render import named_caption
from cnn_tui.tui.render.halfblock import SegmentLines
from tests.tui.inspector_fixture import direct_evaluation, grid_of, opened, small_run

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
        await app.workers.wait_for_complete()
        await pilot.pause()
        probs = text_of(app.screen.query_one("#detail-probs", Static))
        for name in NAMES:  # each probability bar is labelled with its class's name
            assert fit_name(name, 11) + " " in probs
        saliency = text_of(app.screen.query_one("#detail-saliency", Static))
        assert f"∂score[{said}]/∂px" in saliency


def fashion_app(tmp_path: Path | None = None) -> InspectorApp:
    """The fixed small run, as a run on Fashion-MNIST."""
    state, test = small_run()
    config = dataclasses.replace(state.config, dataset="fashion-mnist", class_names=NAMES)
    return InspectorApp(dataclasses.replace(state, config=config), test, export_dir=tmp_path)


def text_of(widget: Widget) -> str:
    """A widget's prepared lines as text (a Static's content, or a widget's own render)."""
    rendered = widget.content if isinstance(widget, Static) else widget.render()
    assert isinstance(rendered, SegmentLines)
    return "\n".join("".join(s.text for s in line) for line in rendered.lines)


async def test_an_mnist_run_counts_by_digit_as_before() -> None:
    state, test = small_run()
    app = InspectorApp(state, test)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(app, pilot)
        counts = screen.query_one("#mistakes-counts", Static)
        lines = str(counts.render()).splitlines()
        assert lines[1].startswith("true:  0:") and lines[2].startswith("pred:  0:")
        assert not counts.has_class("named")


async def test_thumbnail_captions_name_both_classes() -> None:
    app = fashion_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await opened(app, pilot)
        grid = grid_of(app)
        shown = text_of(grid)
        for m in grid.mistakes[: grid.columns]:  # the first row of tiles
            true, said = class_name(NAMES, m.label), class_name(NAMES, m.predicted)
            assert f"{fit_name(true, 13).rstrip()} →" in shown
            assert f"{fit_name(said, 10).rstrip()} {100 * confidence(m):.0f}%" in shown
        assert "→" + str(grid.mistakes[0].predicted) + " " not in shown  # no digit captions


def test_a_named_caption_fits_its_tile() -> None:
    first, second = named_caption("T-shirt/top", "Ankle boot", 0.987, 16)
    assert (first, second) == ("T-shirt/top →", "Ankle boot 99%")
    first, second = named_caption("a-very-long-class-name", "another-long-one", 1.0, 16)
    assert first == "a-very-long-… →" and second == "another-l… 100%"
    assert max(len(first), len(second)) <= 15  # the tile's first cell is its mark


async def test_the_filter_speaks_in_names() -> None:
    app = fashion_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await opened(app, pilot)
        label = grid_of(app).mistakes[0].label
        counts = screen.query_one("#mistakes-counts", Static)
        before = str(counts.render())
        assert f"{NAMES[label]} " in before and "0:" not in before  # names and counts, no digits
        assert counts.has_class("named") and counts.styles.text_wrap == "nowrap"  # cut, not wrapped
        await pilot.press("t")
        await pilot.pause()
        keys = str(counts.render())
        assert "0 T-shirt/top · 1 Trouser" in keys and "9 Ankle boot" in keys
        status = str(screen.query_one("#mistakes-status", Static).render())
        assert "filter by true class: press a key above" in status
        await pilot.press(str(label))
        await pilot.pause()
        after = str(counts.render())
        assert f"true {NAMES[label]} → predicted any" in after
        assert all(m.label == label for m in grid_of(app).mistakes)


async def test_the_confusion_matrix_names_rows_columns_and_the_cell() -> None:
    app = fashion_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfusionScreen)
        grid = app.screen.query_one(ConfusionGrid)
        lines = text_of(grid).splitlines()
        assert lines[0].split()[1:11] == [fit_name(n, 5).rstrip() for n in NAMES]
        assert [line[:10].strip() for line in lines[1:11]] == [
            fit_name(n, 8).strip() for n in NAMES
        ]
        t, p = grid.cell
        cell = str(app.screen.query_one("#confusion-cell", Static).render())
        count, total = grid.confusion[t][p], sum(grid.confusion[t])
        assert cell.startswith(f"true {NAMES[t]}, predicted {NAMES[p]}: {count} of {total} (")
        title = str(app.screen.query_one("#confusion-title", Static).render())
        assert "60 test images" in title and "digits" not in title
        assert grid.size.width <= 80


def test_exports_add_name_columns_for_a_named_run() -> None:
    mistakes = direct_evaluation().mistakes[:3]
    mnist = mistakes_text(mistakes, "csv").splitlines()
    assert mnist[0] == ",".join(CSV_HEADER)  # MNIST exports as before
    rows = list(csv.DictReader(io.StringIO(mistakes_text(mistakes, "csv", NAMES))))
    assert list(rows[0])[: len(CSV_HEADER)] == CSV_HEADER  # the MNIST columns, then the names
    for row, m in zip(rows, mistakes, strict=True):
        assert (row["true_name"], row["predicted_name"]) == (NAMES[m.label], NAMES[m.predicted])
        assert (int(row["true"]), int(row["predicted"])) == (m.label, m.predicted)
    records = [json.loads(line) for line in mistakes_text(mistakes, "jsonl", NAMES).splitlines()]
    assert [r["true_name"] for r in records] == [NAMES[m.label] for m in mistakes]
    assert "true_name" not in mistakes_text(mistakes, "jsonl")


async def test_the_csv_key_exports_the_names(tmp_path: Path) -> None:
    app = fashion_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(app, pilot)
        await pilot.press("e")
        assert isinstance(app.screen, PathPrompt)
        await pilot.press("enter")
        await pilot.pause()
    rows = list(csv.DictReader((tmp_path / "cnn-tui-mistakes-step20.csv").open()))
    assert rows and all(r["true_name"] == NAMES[int(r["true"])] for r in rows)
