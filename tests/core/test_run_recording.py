"""The trainer keeps its run folder: metrics.jsonl (every event's lines, appended) and run.json
(start, evaluations, changes, end state) — finished, diverged, interrupted — and a file it
cannot write is said once while training goes on."""

from __future__ import annotations

import json
import math
import queue
from pathlib import Path

from cnn_tui.core.contract.commands import SetHyperparameters, Stop
from cnn_tui.core.contract.events import Notice
from cnn_tui.core.engines.interface import BatchResult
from cnn_tui.core.runs.plan import RunPlan, plan_run
from cnn_tui.core.runs.record import read_run
from cnn_tui.core.training.link import TrainerSpec, run_trainer
from cnn_tui.core.training.metrics import event_records
from cnn_tui.core.training.trainer import Trainer
from tests.core.trainer_runs import collect, config
from tests.synthetic import blobs
from tests.test_cli import tiny_mnist


def lines(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]


def data() -> dict:
    return {"train": blobs(64, seed=1), "test": blobs(10, seed=2)}


def test_a_finished_run_leaves_its_record_and_every_metrics_line(tmp_path: Path) -> None:
    plan = plan_run(tmp_path, "blobs")
    trainer, events = collect({"config": config(batch_size=8), **data(), "run": plan})
    record = read_run(plan.path)
    assert (record.name, record.folder, record.state) == ("blobs", plan.path.name, "finished")
    assert (record.steps, record.epochs_done, record.engine) == (8, 1, "numpy")
    assert record.hyperparameters.batch_size == 8 and record.hyperparameters.seed == 3
    best = trainer.history.evaluations[-1].accuracy
    assert record.best_step == 8 and record.best_accuracy == best
    assert record.parent_run is None and record.started == plan.started
    assert lines(plan.path) == [r for e in events for r in event_records(e)]


def test_a_change_mid_run_is_recorded_with_its_step(tmp_path: Path) -> None:
    plan = plan_run(tmp_path, "blobs")
    collect(
        {"config": config(batch_size=8), **data(), "run": plan},
        react=lambda e: SetHyperparameters(lr=0.02) if getattr(e, "first_step", 0) == 2 else None,
    )
    [change] = read_run(plan.path).changes
    assert change.what == "lr" and change.value == 0.02 and change.step >= 2


def test_a_stopped_run_is_interrupted_and_a_diverged_one_diverged(tmp_path: Path) -> None:
    stopped = plan_run(tmp_path, "stopped")
    collect({"config": config(batch_size=8), **data(), "run": stopped}, commands=[Stop()])
    assert read_run(stopped.path).state == "interrupted"

    diverging = plan_run(tmp_path, "diverging")
    commands: queue.Queue = queue.Queue()
    trainer = Trainer(
        config(batch_size=8),
        **data(),
        emit=lambda e: None,
        commands=commands,
        batch_interval=0,
        sample_interval=None,
        run=diverging,
    )
    real_step, calls = trainer.engine.train_batch, []

    def blow_up_on_the_third(data, indices, hyper):  # noqa: ANN001, ANN202
        calls.append(1)
        if len(calls) != 3:
            return real_step(data, indices, hyper)
        commands.put(Stop())  # the trainer pauses itself; this ends the run afterwards
        return BatchResult(math.nan, 0)

    trainer.engine.train_batch = blow_up_on_the_third
    trainer.run()
    record = read_run(diverging.path)
    assert record.state == "diverged" and record.steps == 2
    assert [r["event"] for r in lines(diverging.path)][-3:] == ["diverged", "paused", "end"]


def test_an_unwritable_metrics_file_is_said_once_and_training_goes_on(tmp_path: Path) -> None:
    plan = plan_run(tmp_path, "blobs")
    (plan.path / "metrics.jsonl").mkdir(parents=True)  # cannot be opened as a file
    _, events = collect({"config": config(batch_size=8), **data(), "run": plan})
    notices = [e for e in events if isinstance(e, Notice)]
    assert len(notices) == 1 and "metrics.jsonl" in notices[0].message
    assert "training goes on" in notices[0].message
    assert read_run(plan.path).state == "finished"


def test_the_dashboards_trainer_keeps_its_run_folder_too(tmp_path: Path) -> None:
    mnist = tiny_mnist(tmp_path / "mnist", train=40)
    plan = plan_run(tmp_path / "snaps", "dash")
    spec = TrainerSpec(
        config=config(batch_size=10),
        data_dir=str(mnist),
        run=plan,
        snapshot_dir=plan.folder,
        batch_interval=0,
        sample_interval=None,
    )
    events: list = []
    run_trainer(spec, commands=queue.Queue(), emit=events.append)
    assert read_run(plan.path).state == "finished"
    assert sorted(p.suffix for p in plan.path.iterdir()) == [".json", ".jsonl", ".npz"]
    assert isinstance(plan, RunPlan) and lines(plan.path)[-1]["event"] == "end"
