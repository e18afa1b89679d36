"""``--engine reference`` from the command line: a headless training run, and ``cnn-tui inspect``
on a snapshot, each checked against the NumPy engine in float64 on the same tiny MNIST-shaped set.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from cnn_tui.core.data.load import load_test_set
from cnn_tui.core.engines import make_engine
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.tui.cli.main import build_parser, main
from cnn_tui.tui.inspector.app import InspectorApp
from cnn_tui.tui.inspector.detail_screen import DetailScreen
from cnn_tui.tui.inspector.grid import MistakeGrid
from cnn_tui.tui.inspector.mistakes_screen import MistakesScreen
from tests.core.idx_files import write_mnist_like

SMALL = ["--filters", "2", "--hidden", "8", "--batch-size", "8", "--epochs", "1"]


def train(data: Path, engine: str, *extra: str) -> list[dict]:
    """``cnn-tui train --headless`` on ``data``; its metrics records."""
    metrics = data.parent / f"{engine}.jsonl"
    code = main(
        ["train", "--headless", "--engine", engine, "--data", str(data), "--metrics", str(metrics)]
        + SMALL
        + list(extra)
    )
    assert code == 0
    return [json.loads(line) for line in metrics.read_text().splitlines()]


def test_headless_training_with_the_reference_engine_matches_numpy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_mnist_like(tmp_path / "mnist", train=32, test=12)
    reference = train(data, "reference", "--no-snapshots", "--momentum", "0.5")
    assert "with the reference engine" in capsys.readouterr().err
    numpy = train(data, "numpy", "--no-snapshots", "--momentum", "0.5", "--precision", "float64")
    for event in ("batch", "eval"):
        got = [r for r in reference if r["event"] == event]
        expected = [r for r in numpy if r["event"] == event]
        assert len(got) == len(expected) == (4 if event == "batch" else 1)
        for g, e in zip(got, expected, strict=True):
            assert g["loss"] == pytest.approx(e["loss"], rel=1e-9), event
            assert g["accuracy"] == e["accuracy"], event
    assert reference[-1]["event"] == "end" and reference[-1]["reason"] == "finished"


async def test_inspect_with_the_reference_engine(tmp_path: Path) -> None:
    data = write_mnist_like(tmp_path / "mnist", train=32, test=12)
    train(data, "numpy", "--snapshot-dir", str(tmp_path / "snaps"))
    snapshot = sorted((tmp_path / "snaps").glob("*/*.npz"))[-1]
    argv = ["inspect", str(snapshot), "--engine", "reference", "--data", str(data)]
    assert build_parser().parse_args(argv).engine == "reference"
    # the real command gets past its flags to the terminal check (pytest has no terminal)
    assert main(argv) == 6
    # what it would open: the inspector evaluating with the reference engine
    state, test = load_snapshot(snapshot), load_test_set(data)
    numpy = make_engine(replace(state.config, engine="numpy", precision="float64"), state.params)
    expected = numpy.predict(test)
    app = InspectorApp(state, test, "reference")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MistakesScreen)
        mistakes = app.screen.query_one(MistakeGrid).mistakes
        wrong = [i for i, p in enumerate(expected.predicted) if p != test.labels[i]]
        assert wrong and sorted(m.index for m in mistakes) == wrong
        for m in mistakes:
            assert m.probabilities == pytest.approx(expected.probabilities[m.index], rel=1e-9)
        await pilot.press("enter")  # the detail view: inspect and saliency, by the reference
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.detail is not None
        shown = detail.detail
        image = test.image(shown.index)
        assert shown.saliency == pytest.approx(
            numpy.saliency(image, shown.saliency_target), rel=1e-9, abs=1e-12
        )
        expected_maps = numpy.inspect(image).layers[0].maps
        assert shown.layers[0].maps == pytest.approx(expected_maps, rel=1e-9, abs=1e-12)
