"""A run trained with the torch engine is an ordinary run: its snapshot opens, is inspected and
resumes with the NumPy engine; a torch run stopped and resumed is the same run; and PyTorch is
imported only when the torch engine is chosen. (The missing-PyTorch message: test_torch_missing.py.)
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cnn_tui.core.contract.events import Finished
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.tui.inspector.snapshot_engine import build_engine
from tests.core.test_imports import loaded_after
from tests.core.test_snapshot_resume import (
    SMALL,
    STEPS,
    TEST,
    assert_same_run,
    config,
    resume,
    run,
    saved_paths,
)

pytest.importorskip("torch")


def test_a_torch_snapshot_is_inspected_and_resumed_with_numpy(tmp_path: Path) -> None:
    numpy_run, _ = run(config("numpy"), tmp_path / "numpy")
    _, events = run(config("torch"), tmp_path / "torch", stop_at=3)
    snapshot = saved_paths(events)[-1]
    state = load_snapshot(snapshot, expect=SMALL)
    assert state.config.engine == "torch" and state.step == 3

    inspected = build_engine(state, "numpy")  # what `cnn-tui inspect --engine numpy` builds
    assert inspected.name == "numpy"
    assert inspected.get_params() == state.params
    assert len(inspected.predict(TEST).predicted) == len(TEST)

    second, events = resume(snapshot, tmp_path / "resumed", engine="numpy")
    assert isinstance(events[-1], Finished) and events[-1].reason == "finished"
    assert second.engine.name == "numpy"
    losses = second.history.losses
    assert len(losses) == STEPS and all(math.isfinite(x) for x in losses)
    for mine, theirs in zip(losses, numpy_run.history.losses, strict=True):
        assert mine == pytest.approx(theirs, rel=1e-3, abs=1e-5)  # float32 in both engines


def test_a_stopped_torch_run_resumes_as_the_same_run(tmp_path: Path) -> None:
    straight, _ = run(config("torch"), tmp_path / "straight")
    _, events = run(config("torch"), tmp_path / "split", stop_at=5)
    second, _ = resume(saved_paths(events)[-1], tmp_path / "resumed")
    assert second.engine.name == "torch"
    assert_same_run(straight, second)


def test_torch_is_imported_only_for_the_torch_engine() -> None:
    make = (
        "from cnn_tui.core.contract.config import RunConfig, Architecture\n"
        "from cnn_tui.core.engines import make_engine\n"
        "import cnn_tui.core.training.trainer, cnn_tui.tui.cli.commands\n"
        "make_engine(RunConfig(arch=Architecture(filters=1, hidden=2), engine={!r}))"
    )
    assert "torch" not in loaded_after(make.format("numpy"))
    assert "torch" in loaded_after(make.format("torch"))
