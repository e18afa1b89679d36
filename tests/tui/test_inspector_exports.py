"""The inspector's exports and screenshots, a snapshot that does not fit, saliency, the link
source during training, and odd terminal sizes."""

from __future__ import annotations

import contextlib
import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from textual.worker import WorkerCancelled

from cnn_tui.core.contract.commands import FindNearest, RequestSample
from cnn_tui.core.contract.events import Evaluated, Mistake, SampleViewed
from cnn_tui.core.engines import make_engine
from cnn_tui.tui.inspector.app import InspectorApp
from cnn_tui.tui.inspector.detail_screen import DetailScreen
from cnn_tui.tui.inspector.mistakes_screen import MistakesScreen
from cnn_tui.tui.inspector.prompt import PathPrompt
from cnn_tui.tui.inspector.source import LinkSource, LocalSource
from tests.tui.inspector_fixture import direct_evaluation, grid_of, make_app, opened, small_run


async def _export(app: InspectorApp, pilot, key: str, path: Path) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    assert isinstance(app.screen, PathPrompt)
    app.screen.query_one("Input").value = str(path)
    await pilot.press("enter")
    await pilot.pause()


async def test_export_csv_and_jsonl_match_a_direct_evaluation(tmp_path: Path) -> None:
    expected = {m.index: m for m in direct_evaluation().mistakes}
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(app, pilot)
        await _export(app, pilot, "e", tmp_path / "mistakes.csv")
        await _export(app, pilot, "j", tmp_path / "mistakes.jsonl")
    with open(tmp_path / "mistakes.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(expected)
    for row in rows:
        m = expected[int(row["index"])]
        assert (int(row["true"]), int(row["predicted"])) == (m.label, m.predicted)
        np.testing.assert_allclose([float(row[f"p{d}"]) for d in range(10)], m.probabilities)
    lines = (tmp_path / "mistakes.jsonl").read_text().splitlines()
    assert len(lines) == len(expected)
    for line in lines:
        record = json.loads(line)
        m = expected[record["index"]]
        assert (record["true"], record["predicted"]) == (m.label, m.predicted)
        np.testing.assert_allclose(record["probabilities"], m.probabilities)


async def test_export_of_a_filtered_list_and_default_path(tmp_path: Path) -> None:
    label = direct_evaluation().mistakes[0].label
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(app, pilot)
        await pilot.press("t", str(label), "e")
        assert isinstance(app.screen, PathPrompt)
        await pilot.press("enter")  # the default: export_dir/cnn-tui-mistakes-step20.csv
        await pilot.pause()
    rows = list(csv.DictReader((tmp_path / "cnn-tui-mistakes-step20.csv").open()))
    assert rows and all(int(r["true"]) == label for r in rows)


async def test_export_to_an_unwritable_path_notifies_and_carries_on(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await opened(app, pilot)
        await _export(app, pilot, "e", tmp_path / "no-such-folder" / "m.csv")
        assert isinstance(app.screen, MistakesScreen)
        messages = [n.message for n in app._notifications]
        assert any("could not write" in m and "no-such-folder" in m for m in messages)
        assert all("\n" not in m for m in messages)


async def test_detail_svg_screenshot(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(app, pilot)
        index = grid_of(app).mistakes[0].index
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("e")
    svg = (tmp_path / f"cnn-tui-digit-{index}.svg").read_text()
    assert svg.startswith("<svg") and f"test #{index}" in svg.replace("&#160;", " ")


async def test_snapshot_whose_weights_do_not_fit_exits_with_one_line() -> None:
    state, test = small_run()
    broken = dict(state.params)
    del broken["dense2.bias"]
    from dataclasses import replace

    app = InspectorApp(replace(state, params=broken), test, None)
    async with app.run_test(size=(80, 24)) as pilot:
        # the app exits on the failed evaluation, and may cancel the worker as it goes
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 4


def test_saliency_through_the_local_source_matches_finite_differences() -> None:
    state, test = small_run()
    engine = make_engine(state.config, state.params)  # float64
    source = LocalSource(engine, test)
    mistake = direct_evaluation().mistakes[0]
    target = mistake.predicted
    detail = source.detail(mistake.index, target)
    x = np.frombuffer(test.image(mistake.index), np.uint8).astype(np.float64) / 255.0
    h = 1e-6
    rng = np.random.default_rng(0)
    # pixels where the digit is, and a few random ones
    pixels = list(np.argsort(-np.abs(detail.saliency))[:10]) + list(rng.integers(0, 784, 10))
    for i in pixels:
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        numeric = (
            engine.logits(up[None, :])[0, target] - engine.logits(down[None, :])[0, target]
        ) / (2 * h)
        # max-pool and ReLU kinks can sit within h of a pixel: compare with a loose tolerance
        assert math.isclose(detail.saliency[i], numeric, rel_tol=1e-4, abs_tol=1e-6)
    assert source.cached(mistake.index, target) is detail


def _sample(index: int, target: int, step: int = 5) -> SampleViewed:
    state, test = small_run()
    engine = make_engine(state.config, state.params)
    inspection = engine.inspect(test.image(index))
    p = inspection.probabilities
    return SampleViewed(
        step=step,
        source="test",
        index=index,
        label=test.labels[index],
        image=test.image(index),
        probabilities=p,
        predicted=max(range(10), key=p.__getitem__),
        layers=inspection.layers,
        saliency=tuple(engine.saliency(test.image(index), target)),
        saliency_target=target,
    )


async def test_link_source_asks_the_trainer_and_follows_new_evaluations() -> None:
    """The dashboard's use: requests go out as RequestSample, answers come back as
    SampleViewed; a newer Evaluated replaces the list and marks what changed."""
    _, test = small_run()
    evaluation = direct_evaluation()
    sent: list[object] = []
    source = LinkSource(sent.append)
    screen = MistakesScreen(evaluation, test, source)

    from textual.app import App

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

    async with Host().run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        first = grid_of(screen.app).mistakes[0]  # type: ignore[arg-type]
        await pilot.press("enter")
        await pilot.pause()
        assert sent == [
            RequestSample(test_index=first.index, saliency_target=first.predicted),
            FindNearest(test_index=first.index, k=5),  # its nearest training digits, too
        ]
        detail = screen.app.screen
        assert isinstance(detail, DetailScreen) and detail.detail is None
        screen.on_trainer_event(_sample(first.index, first.predicted))
        assert detail.detail is not None and detail.detail.index == first.index
        await pilot.press("escape")
        # a newer evaluation: one mistake fixed, one new
        fixed = evaluation.mistakes[0]
        right = next(i for i in range(len(test)) if i not in {m.index for m in evaluation.mistakes})
        new = Mistake(right, test.labels[right], (test.labels[right] + 1) % 10, (0.1,) * 10)
        later = Evaluated(
            **{
                **{f: getattr(evaluation, f) for f in evaluation.__dataclass_fields__},
                "step": 40,
                "mistakes": (*evaluation.mistakes[1:], new),
            }
        )
        screen.on_trainer_event(later)
        await pilot.pause()
        assert screen.changes is not None
        assert screen.changes.newly_wrong == {right} and screen.changes.now_right == {fixed.index}
        assert {m.index for m in grid_of(screen.app).mistakes} == {m.index for m in later.mistakes}
        assert "1 newly wrong" in str(screen.query_one("#mistakes-status").render())


@pytest.mark.parametrize("size", [(20, 10), (1, 1), (200, 60)])
async def test_odd_terminal_sizes_do_not_crash(size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await opened(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("right", "escape", "c", "enter")


def test_a_digit_asked_for_before_new_weights_still_gets_its_answer() -> None:
    """forget() (a new evaluation) used to drop the pending replies too: a detail view that was
    waiting for its digit said "computing…" for ever."""
    source = LinkSource(lambda command: None)
    answers: list[int] = []
    source.request(3, 1, lambda detail: answers.append(detail.step))
    source.forget()  # the weights changed while the trainer was answering
    assert source.waiting == 1
    assert source.accept(_sample(3, 1, step=5)) and answers == [5]
    assert source.cached(3, 1) is None  # from the old weights: shown, not kept
    source.request(3, 1, lambda detail: answers.append(detail.step))
    assert source.accept(_sample(3, 1, step=40)) and answers == [5, 40]
    assert source.cached(3, 1) is not None and source.waiting == 0
