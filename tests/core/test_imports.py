"""Import hygiene: the core never loads UI code; the pure-Python engine never loads NumPy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

UI_MODULES = ("textual", "rich", "plotext", "textual_plotext", "cnn_tui.tui")


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=ROOT,
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_core_and_a_whole_training_run_import_no_ui_code() -> None:
    modules = loaded_after(
        "import cnn_tui.core, cnn_tui.core.training.trainer, cnn_tui.core.training.link\n"
        "import cnn_tui.core.data.load, cnn_tui.core.data.download, cnn_tui.core.snapshot.load\n"
        "import cnn_tui.core.snapshot.save\n"
        "import cnn_tui.core.training.metrics\n"
        "from cnn_tui.core.contract.config import RunConfig, Architecture\n"
        "from cnn_tui.core.engines import make_engine\n"
        "make_engine(RunConfig(arch=Architecture(filters=1, hidden=2)))"
    )
    assert not {m for m in modules if m.split(".")[0] in UI_MODULES or m.startswith(UI_MODULES)}


def test_the_python_engine_and_trainer_run_without_numpy() -> None:
    modules = loaded_after(
        "from cnn_tui.core.contract.config import RunConfig, Architecture, Hyperparameters\n"
        "from cnn_tui.core.training.trainer import Trainer\n"
        "from tests.synthetic import blobs\n"
        "config = RunConfig(arch=Architecture(filters=1, hidden=4), engine='python', epochs=1,\n"
        "                   hyper=Hyperparameters(batch_size=10))\n"
        "Trainer(config, blobs(20), blobs(10), emit=lambda e: None).run()"
    )
    assert "numpy" not in modules
    assert "cnn_tui.core.engines.python" in modules


def test_headless_command_line_imports_no_textual() -> None:
    modules = loaded_after("import cnn_tui.tui.cli, cnn_tui.tui.cli.headless")
    assert "textual" not in modules and "plotext" not in modules
