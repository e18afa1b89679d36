"""Provides ``make_runs``: three run folders for the compare tests, each a run.json and a
metrics.jsonl written by the real writers (``core/runs/record.py``, ``core/training/metrics.py``)
from the synthetic trainer's events — deterministic, so the SVG snapshots are stable."""

from __future__ import annotations

from pathlib import Path

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.core.remote.codec import json_line
from cnn_tui.core.runs.folder import METRICS_FILE
from cnn_tui.core.runs.record import RunHyperparameters, RunRecord, write_run
from cnn_tui.core.training.metrics import event_records
from cnn_tui.tui.demo.synthetic import SyntheticTrainer

RUNS = (  # (folder, name, trainer settings, lr change at step 150)
    ("20261207-130000_base", "base", {"lr": 0.1, "momentum": 0.0}, None),
    ("20261207-130100_fast", "fast", {"lr": 0.3, "momentum": 0.0}, 0.1),
    ("20261207-130200_wide", "wide", {"lr": 0.05, "momentum": 0.9, "filters": (16,)}, None),
)


def _events(settings: dict, change: float | None, steps: int = 300) -> list[ev.Event]:
    """Three epochs of ``steps`` in all (batches of 32), the lr changed half way if ``change``."""
    trainer = SyntheticTrainer(
        seed=1, epochs=3, train_size=32 * steps // 3, test_size=1000, **settings
    )
    events: list[ev.Event] = [trainer.started()]
    events += trainer.train(steps // 2)
    if change is not None:
        events += trainer.answer(cmd.SetHyperparameters(lr=change))
    events += trainer.train(steps - steps // 2)
    return events


def make_run(
    snapshot_dir: Path,
    folder: str,
    name: str,
    settings: dict,
    change: float | None = None,
    *,
    torn: bool = False,
    steps: int = 300,
) -> Path:
    """One run folder in ``snapshot_dir``; ``torn``: its metrics end in half a line."""
    path = snapshot_dir / folder
    path.mkdir(parents=True)
    events = _events(settings, change, steps)
    lines = "".join(json_line(r) for e in events for r in event_records(e))
    if torn:
        lines += '{"event": "batch", "epoch": 3, "st'
    (path / METRICS_FILE).write_text(lines, encoding="utf-8")
    start = events[0]
    assert isinstance(start, ev.TrainingStarted)
    hyper = RunHyperparameters(
        start.lr, start.momentum, start.weight_decay, start.batch_size, start.epochs, start.seed
    )
    write_run(
        path,
        RunRecord(
            name,
            folder,
            f"2026-12-07T13:0{len(name)}:00Z",
            start.engine,
            start.architecture,
            "mnist",
            hyper,
            state="finished",
            epochs_done=3,
            steps=steps,
        ),
    )
    return path


def make_runs(snapshot_dir: Path, *, torn: bool = False) -> list[Path]:
    """The three runs of ``RUNS`` (the last one's metrics torn when ``torn``)."""
    return [
        make_run(snapshot_dir, folder, name, settings, change, torn=torn and i == 2)
        for i, (folder, name, settings, change) in enumerate(RUNS)
    ]
