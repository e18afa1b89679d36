"""The headless run's printer says what a viewer did to the run (``--serve``): a pause, a resume,
a hyperparameter change — once each, nothing for a change that changed nothing or for a
divergence's pause (the divergence says so itself)."""

from __future__ import annotations

import io

from cnn_tui.core.contract import events as ev
from cnn_tui.tui.cli.event_printer import EventPrinter
from cnn_tui.tui.cli.progress import HeadlessProgress


def test_what_a_viewer_did_is_said_on_the_runs_terminal() -> None:
    out = io.StringIO()
    printer = EventPrinter(HeadlessProgress(out), None, None, 0.01)
    printer(ev.Paused(120))
    printer(ev.Paused(121, "stepped"))
    printer(ev.Resumed(121))
    printer(ev.HyperparametersChanged(130, 0.02, 0.0, 64, 0.0, ("lr", "batch_size")))
    printer(ev.HyperparametersChanged(131, 0.02, 0.0, 64, 0.0, ()))  # nothing changed
    printer(ev.Paused(140, "diverged"))
    assert out.getvalue().splitlines() == [
        "paused at step 120 (by a viewer)",
        "paused at step 121 (by a viewer)",
        "resumed at step 121",
        "from step 131: lr 0.02, batch size 64 (by a viewer)",
    ]
