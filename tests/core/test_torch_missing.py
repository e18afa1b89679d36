"""Without PyTorch, asking for the torch engine is one line and a usage exit code, never a
traceback — whatever the command (train, resume, inspect). PyTorch is hidden by a ``None`` entry
in ``sys.modules``, which makes ``import torch`` fail and ``find_spec`` find nothing."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.engines import TORCH_MISSING, missing_engine
from cnn_tui.core.snapshot.load import load_snapshot
from cnn_tui.tui.cli.exit_codes import ExitCode
from cnn_tui.tui.cli.main import main
from cnn_tui.tui.inspector.snapshot_engine import InspectError, build_engine
from tests.core.test_snapshot_resume import config, run, saved_paths


@pytest.fixture
def no_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "torch" or m.startswith("torch.")]:
        monkeypatch.delitem(sys.modules, name)
    for name in [m for m in sys.modules if m.startswith("cnn_tui.core.engines.torch")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "torch", None)


def test_the_message_names_the_extra() -> None:
    assert TORCH_MISSING == "the torch engine needs PyTorch: pip install 'cnn-tui[torch]'"


@pytest.mark.usefixtures("no_torch")
@pytest.mark.parametrize(
    "argv",
    [
        ["train", "--headless", "--engine", "torch"],
        ["train", "--engine", "torch", "--steps", "1"],
        ["inspect", "run.npz", "--engine", "torch"],
    ],
    ids=["headless", "dashboard", "inspect"],
)
def test_the_cli_says_so_in_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert missing_engine("torch") == TORCH_MISSING
    assert missing_engine("numpy") is None
    assert main(argv) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err == f"cnn-tui: {TORCH_MISSING}\n"


@pytest.mark.usefixtures("no_torch")
def test_a_torch_snapshot_says_so_and_how_to_open_it_anyway(tmp_path: Path) -> None:
    _, events = run(config("numpy"), tmp_path / "numpy", stop_at=2)
    snapshot = saved_paths(events)[-1]
    # a run saved by the torch engine: only its config's engine differs
    state: RunState = load_snapshot(snapshot)
    torch_state = replace(state, config=replace(state.config, engine="torch"))
    with pytest.raises(InspectError, match=r"needs PyTorch.*--engine numpy"):
        build_engine(torch_state, None)
    assert build_engine(torch_state, "numpy").name == "numpy"
