"""The learning-rate range test on the real trainer (core/training/lr_find.py): it sweeps a copy,
so the run's weights, optimizer state, data order and snapshot bytes are the same after it, and
the run's later steps are exactly those of a run that never swept; it stops when the loss
explodes, says when the loss explodes at once, and refuses a range out of bounds."""

from __future__ import annotations

import json
import queue
import random
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from cnn_tui.core.contract.commands import Command, FindLr, SetHyperparameters, Stop, StopLrFind
from cnn_tui.core.contract.events import BatchesEnded, CommandRefused, HyperparametersChanged
from cnn_tui.core.contract.lr_find_events import LrFindEnded, LrFindProgressed, LrFindStarted
from cnn_tui.core.snapshot.save import save_snapshot
from cnn_tui.core.training.lr_curve import suggest
from cnn_tui.core.training.lr_find import LrFinder
from cnn_tui.core.training.trainer import Trainer
from tests.core.trainer_runs import collect, config
from tests.synthetic import blobs

SWEEP = FindLr(start=1e-4, end=10.0, batches=40)


def kwargs(weight_decay: float = 0.0) -> dict[str, Any]:
    """Two epochs of 8 steps, with momentum (so the optimizer state is not all zeros)."""
    run = replace(config(batch_size=16, lr=0.05, momentum=0.9, weight_decay=weight_decay), epochs=2)
    return dict(config=run, train=blobs(128, seed=1), test=blobs(20, seed=2))


def snapshot_members(trainer: Trainer, folder: Path) -> dict[str, bytes]:
    """The run saved as a snapshot now: every member's bytes (the meta without its clock time)."""
    path = save_snapshot(trainer.capture_state(), folder, run_name="run")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, data in members.items():
        if name.endswith(".json"):
            meta = json.loads(data)
            meta.pop("saved_at", None)
            members[name] = json.dumps(meta, sort_keys=True).encode()
    return members


def test_the_run_is_byte_for_byte_the_same_after_a_sweep(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}
    holder: list[Trainer] = []

    def react(event: Any) -> Command | None:
        if isinstance(event, BatchesEnded) and event.last_step == 3:
            return SWEEP  # mid-epoch: position 48 of 128
        trainer = holder[0] if holder else None
        if isinstance(event, LrFindStarted | LrFindEnded) and trainer is not None:
            key = "before" if isinstance(event, LrFindStarted) else "after"
            seen[key] = (
                snapshot_members(trainer, tmp_path / key),
                trainer.engine.get_params(),
                trainer.engine.get_velocity(),
                (trainer.epoch, trainer.position, trainer.step, list(trainer._order)),
                random.getstate(),
            )
        return None

    class Holding(LrFinder):
        def apply(self, trainer: Trainer, command: object) -> None:
            holder[:] = [trainer]
            super().apply(trainer, command)

    swept, events = collect(kwargs(), react=react, extensions=[Holding(interval=0)])
    plain, plain_events = collect(kwargs())

    assert seen["before"] == seen["after"]  # snapshot bytes, weights, momentum, position, RNG
    assert seen["before"][3][:3] == (1, 48, 3)
    [ended] = [e for e in events if isinstance(e, LrFindEnded)]
    assert len(ended.lrs) > 10  # the sweep trained its copy
    # and the run goes on exactly as a run that never swept: every step's loss, the end weights
    losses = [loss for e in events if isinstance(e, BatchesEnded) for loss in e.losses]
    plain_losses = [loss for e in plain_events if isinstance(e, BatchesEnded) for loss in e.losses]
    assert losses == plain_losses and len(losses) == 16
    assert swept.engine.get_params() == plain.engine.get_params()
    assert swept.engine.get_velocity() == plain.engine.get_velocity()


def test_the_curve_grows_in_progress_events_and_ends_with_the_suggestion() -> None:
    _, events = collect(kwargs(), [SWEEP], extensions=[LrFinder(interval=0)])
    [started] = [e for e in events if isinstance(e, LrFindStarted)]
    assert (started.start, started.end, started.batches, started.step) == (1e-4, 10.0, 40, 0)
    progressed = [e for e in events if isinstance(e, LrFindProgressed)]
    [ended] = [e for e in events if isinstance(e, LrFindEnded)]
    assert [p.first for p in progressed] == list(range(len(ended.lrs)))  # one point each
    assert tuple(x for p in progressed for x in p.lrs) == ended.lrs
    assert tuple(x for p in progressed for x in p.smoothed) == ended.smoothed
    assert ended.lrs[0] == 1e-4 and ended.lrs == tuple(sorted(set(ended.lrs)))
    assert ended.outcome == "suggested"
    assert ended.suggested == suggest(ended.lrs, ended.smoothed).lr
    assert 1e-4 < ended.suggested < 10.0
    assert ended.message == (
        f"suggested lr {ended.suggested:.3g} (steepest descent of the smoothed loss)"
    )


def test_the_sweep_stops_early_when_the_loss_explodes() -> None:
    # a trained run with weight decay: past lr·weight_decay ≈ 2 the weights swing wider each
    # step, and the smoothed loss climbs past 4× its best before the sweep's end
    trainer, _ = collect(kwargs(weight_decay=0.1), extensions=[])
    params = trainer.engine.get_params()
    events: list[Any] = []
    trainer.emit = events.append
    ended = LrFinder(interval=0).sweep(trainer, FindLr(1e-4, 10.0, 100))
    assert ended.stop_reason == "loss exploded"
    assert 20 < len(ended.lrs) < 100
    assert ended.smoothed[-1] > 4 * min(ended.smoothed)
    assert all(s <= 4 * min(ended.smoothed[: i + 1]) for i, s in enumerate(ended.smoothed[:-1]))
    assert ended.outcome == "suggested" and ended.suggested < ended.lrs[-1]
    assert trainer.engine.get_params() == params


def test_a_run_that_diverges_at_once_is_said_so_and_left_as_it_was() -> None:
    trainer, _ = collect(kwargs(), extensions=[])
    # float32 conv weights of 3e38: the first conv output overflows, the loss is NaN at once
    broken = trainer.engine.get_params()
    broken["conv1.weight"] = [3e38] * len(broken["conv1.weight"])
    trainer.engine.set_params(broken)
    before = (trainer.engine.get_params(), trainer.engine.get_velocity(), trainer.position)
    events: list[Any] = []
    trainer.emit = events.append
    ended = LrFinder(interval=0).sweep(trainer, FindLr(1e-5, 1.0, 100))
    assert (ended.outcome, ended.suggested, ended.lrs) == ("diverged", 0.0, ())
    assert ended.message.startswith("the loss exploded at once (after 0 of 100 sweep batches")
    assert (trainer.engine.get_params(), trainer.engine.get_velocity(), trainer.position) == before


def test_a_range_out_of_bounds_and_a_stop_with_no_sweep_are_refused() -> None:
    _, events = collect(
        kwargs(),
        [FindLr(start=0.5, end=0.1), FindLr(batches=3), StopLrFind()],
        extensions=[LrFinder()],
    )
    refused = [(e.command, e.reason) for e in events if isinstance(e, CommandRefused)]
    assert refused == [
        ("FindLr", "sweep start 0.5 must be below its end 0.1"),
        ("FindLr", "sweep batches 3 is outside 10–1000"),
        ("StopLrFind", "no learning-rate sweep is running"),
    ]
    assert not [e for e in events if isinstance(e, LrFindStarted)]


def test_commands_during_a_sweep_cancel_it_or_wait_for_its_end() -> None:
    trainer, _ = collect(kwargs(), extensions=[])
    commands: queue.Queue[Command] = queue.Queue()
    for command in (SetHyperparameters(lr=0.02), FindLr(), StopLrFind()):
        commands.put(command)
    events: list[Any] = []
    trainer.emit, trainer.commands = events.append, commands
    LrFinder(interval=0).apply(trainer, SWEEP)
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["LrFindStarted", "CommandRefused", "LrFindEnded", "HyperparametersChanged"]
    ended = events[2]
    assert (ended.outcome, ended.lrs) == ("cancelled", ())
    assert ended.message == "learning-rate sweep cancelled after 0 batches"
    assert isinstance(events[3], HyperparametersChanged) and events[3].lr == 0.02
    commands.put(Stop())
    LrFinder(interval=0).apply(trainer, SWEEP)
    assert events[-1].outcome == "stopped" and trainer.stopping


def test_the_metrics_file_records_the_sweep_one_line_a_batch() -> None:
    import io

    from cnn_tui.core.training.metrics import MetricsWriter

    _, events = collect(kwargs(), [FindLr(1e-4, 1.0, 12)], extensions=[LrFinder(interval=0)])
    file = io.StringIO()
    writer = MetricsWriter(file)
    for event in events:
        if type(event).__name__.startswith("LrFind"):
            writer.write(event)
    lines = [json.loads(line) for line in file.getvalue().splitlines()]
    [ended] = [e for e in events if isinstance(e, LrFindEnded)]
    assert lines[0] == {
        "event": "lr_find_start",
        "step": 0,
        "start": 1e-4,
        "end": 1.0,
        "batches": 12,
    }
    points = [line for line in lines if line["event"] == "lr_find"]
    assert [p["batch"] for p in points] == list(range(12))
    assert [p["lr"] for p in points] == list(ended.lrs)
    assert [p["smoothed"] for p in points] == list(ended.smoothed)
    assert lines[-1]["event"] == "lr_find_end"
    assert lines[-1]["message"] == ended.message and lines[-1]["points"] == 12
