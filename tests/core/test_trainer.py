"""The trainer: events out, commands in, between batches; divergence; data order."""

from __future__ import annotations

import math
import queue

import pytest

from cnn_tui.core.contract.commands import (
    Evaluate,
    Pause,
    RequestSample,
    Resume,
    SetHyperparameters,
    Step,
    Stop,
)
from cnn_tui.core.contract.config import Architecture, ConfigError, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import (
    BatchesEnded,
    CommandRefused,
    Diverged,
    Evaluated,
    Finished,
    HyperparametersChanged,
    Paused,
    Resumed,
    SampleViewed,
    TrainingStarted,
)
from cnn_tui.core.engines.interface import BatchResult
from cnn_tui.core.training.trainer import Trainer, data_order
from tests.synthetic import blobs

SMALL = Architecture(filters=2, hidden=16)


def config(**hyper: float | int) -> RunConfig:
    return RunConfig(arch=SMALL, hyper=Hyperparameters(**hyper), epochs=1, seed=3)


def collect(trainer_kwargs: dict, commands: list | None = None, react=None, **kwargs):
    """Run a trainer to its end; ``react(event)`` may return a command to send in answer."""
    events: list = []
    source: queue.Queue = queue.Queue()
    for command in commands or []:
        source.put(command)

    def emit(event) -> None:
        events.append(event)
        if react is not None and (answer := react(event)) is not None:
            source.put(answer)

    trainer = Trainer(
        emit=emit,
        commands=source,
        batch_interval=0,
        sample_interval=None,
        **trainer_kwargs,
        **kwargs,
    )
    trainer.run()
    return trainer, events


def steps_of(events: list) -> list[int]:
    return [
        s
        for e in events
        if isinstance(e, BatchesEnded)
        for s in range(e.first_step, e.last_step + 1)
    ]


def test_data_order_is_a_seeded_permutation() -> None:
    order = data_order(7, 2, 100)
    assert sorted(order) == list(range(100))
    assert order == data_order(7, 2, 100)
    assert order != data_order(7, 3, 100) and order != data_order(8, 2, 100)


def test_one_epoch_reports_every_step_then_evaluates_and_finishes() -> None:
    train, test = blobs(100, seed=1), blobs(30, seed=2)
    trainer, events = collect(dict(config=config(batch_size=16), train=train, test=test))
    assert isinstance(events[0], TrainingStarted)
    assert events[0].steps_per_epoch == 7  # ceil(100 / 16): the last batch has 4 images
    assert steps_of(events) == list(range(1, 8))
    evaluated = [e for e in events if isinstance(e, Evaluated)]
    assert len(evaluated) == 1 and evaluated[0].size == 30
    assert sum(map(sum, evaluated[0].confusion)) == 30
    assert len(evaluated[0].mistakes) == 30 - round(evaluated[0].accuracy * 30)
    assert isinstance(events[-1], Finished) and events[-1].reason == "finished"
    assert trainer.step == 7 and len(trainer.history.losses) == 7


def test_loss_falls_on_learnable_data() -> None:
    train, test = blobs(400, seed=1), blobs(50, seed=2)
    run = RunConfig(arch=SMALL, hyper=Hyperparameters(lr=0.1, batch_size=20), epochs=4, seed=0)
    trainer, events = collect(dict(config=run, train=train, test=test))
    losses = trainer.history.losses
    assert sum(losses[-10:]) / 10 < 0.5 * sum(losses[:10]) / 10
    assert [e for e in events if isinstance(e, Evaluated)][-1].accuracy > 0.8


def test_pause_is_acknowledged_and_stop_ends_the_run() -> None:
    train, test = blobs(64, seed=1), blobs(10, seed=2)
    trainer, events = collect(
        dict(config=config(batch_size=8), train=train, test=test),
        commands=[Pause(), Stop()],
    )
    kinds = [type(e) for e in events]
    assert Paused in kinds
    assert events[-1] == Finished(0, 1, "stopped")
    assert trainer.step == 0  # both commands arrived before the first batch


def test_step_while_paused_trains_exactly_n_batches() -> None:
    train, test = blobs(64, seed=1), blobs(10, seed=2)
    trainer, events = collect(
        dict(config=config(batch_size=8), train=train, test=test),
        commands=[Step(3)],
        react=lambda e: Stop() if isinstance(e, Paused) and e.reason == "stepped" else None,
        start_paused=True,
    )
    assert trainer.step == 3
    assert Paused(3, "stepped") in events


def test_step_while_running_is_refused() -> None:
    train, test = blobs(64, seed=1), blobs(10, seed=2)
    _, events = collect(
        dict(config=config(batch_size=8), train=train, test=test), commands=[Step(2), Stop()]
    )
    refused = [e for e in events if isinstance(e, CommandRefused)]
    assert refused and "pause first" in refused[0].reason


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (SetHyperparameters(lr=math.nan), "finite"),
        (SetHyperparameters(lr=math.inf), "finite"),
        (SetHyperparameters(lr=-1.0), "outside"),
        (SetHyperparameters(lr=0.0), "outside"),
        (SetHyperparameters(lr=1e9), "outside"),
        (SetHyperparameters(batch_size=0), "outside"),
        (SetHyperparameters(batch_size=65), "larger than"),
        (SetHyperparameters(momentum=1.0), "outside"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(change, fragment) -> None:
    train, test = blobs(64, seed=1), blobs(10, seed=2)
    trainer, events = collect(
        dict(config=config(batch_size=8), train=train, test=test), commands=[change, Stop()]
    )
    refused = [e for e in events if isinstance(e, CommandRefused)]
    assert len(refused) == 1 and fragment in refused[0].reason
    assert not [e for e in events if isinstance(e, HyperparametersChanged)]
    assert trainer.hyper == Hyperparameters(batch_size=8)


def test_a_change_is_acknowledged_applied_and_logged() -> None:
    train, test = blobs(64, seed=1), blobs(10, seed=2)
    trainer, events = collect(
        dict(config=config(batch_size=8), train=train, test=test),
        commands=[SetHyperparameters(lr=0.05, batch_size=16)],
    )
    ack = next(e for e in events if isinstance(e, HyperparametersChanged))
    assert (ack.lr, ack.batch_size, set(ack.changed)) == (0.05, 16, {"lr", "batch_size"})
    batches = [e for e in events if isinstance(e, BatchesEnded)]
    assert all(b.lr == 0.05 and b.batch_size == 16 for b in batches)
    assert trainer.step == 4  # 64 images / 16
    kinds = {c.kind for c in trainer.history.changes}
    assert {"lr", "batch_size"} <= kinds


def test_evaluate_and_sample_on_request() -> None:
    train, test = blobs(32, seed=1), blobs(12, seed=2)
    _, events = collect(
        dict(config=config(batch_size=8), train=train, test=test),
        commands=[Evaluate(), RequestSample(test_index=5), RequestSample(99), Stop()],
        start_paused=True,
    )
    assert [e.size for e in events if isinstance(e, Evaluated)] == [12]
    sample = next(e for e in events if isinstance(e, SampleViewed))
    assert (sample.source, sample.index, sample.label) == ("test", 5, test.labels[5])
    assert len(sample.image) == 784 and abs(sum(sample.probabilities) - 1) < 1e-5
    view = sample.layers[0]
    assert len(view.maps) == 2 * 26 * 26 and len(view.pooled) == 2 * 13 * 13
    assert len(view.kernels) == 2 * 9
    assert any("out of range" in e.reason for e in events if isinstance(e, CommandRefused))


def test_divergence_restores_good_weights_and_pauses() -> None:
    train, test = blobs(64, seed=1), blobs(10, seed=2)
    events: list = []
    commands: queue.Queue = queue.Queue()
    trainer = Trainer(
        config(batch_size=8),
        train,
        test,
        emit=events.append,
        commands=commands,
        batch_interval=0,
        sample_interval=None,
    )
    real_step = trainer.engine.train_batch
    calls = []

    def blow_up_on_the_fourth(data, indices, hyper):
        """Steps 1-3 are real; the 4th leaves NaN weights and a NaN loss, as a huge lr would."""
        calls.append(1)
        if len(calls) != 4:
            return real_step(data, indices, hyper)
        params = trainer.engine.get_params()
        trainer.engine.set_params({k: [math.nan] * len(v) for k, v in params.items()})
        commands.put(Stop())  # the trainer pauses itself; this ends the run afterwards
        return BatchResult(math.nan, 0)

    trainer.engine.train_batch = blow_up_on_the_fourth
    before = trainer.engine.get_params()
    trainer.run()
    diverged = [e for e in events if isinstance(e, Diverged)]
    assert len(diverged) == 1 and diverged[0].step == 4
    assert "lower the learning rate" in diverged[0].message
    assert Paused(3, "diverged") in events
    assert trainer.step == 3 and len(trainer.history.losses) == 3
    restored = trainer.engine.get_params()
    assert restored == before  # the copy kept before step 1 (kept every 2 s)
    assert diverged[0].restored_step == 0
    assert all(math.isfinite(loss) for loss in trainer.history.losses)


def test_resume_command_after_pause() -> None:
    train, test = blobs(32, seed=1), blobs(10, seed=2)
    trainer, events = collect(
        dict(config=config(batch_size=8), train=train, test=test),
        commands=[Pause(), Resume()],
    )
    assert Resumed(0) in events and trainer.step == 4
    kinds = [c.kind for c in trainer.history.changes]
    assert kinds == ["paused", "resumed"]


def test_a_batch_larger_than_the_data_is_refused_up_front() -> None:
    with pytest.raises(ConfigError, match="larger than"):
        Trainer(config(batch_size=64), blobs(10), blobs(5), emit=lambda e: None)


def test_python_engine_evaluates_in_chunks_that_add_up() -> None:
    train, test = blobs(20, seed=1), blobs(600, seed=2)  # 600 test images: three chunks
    run = RunConfig(arch=SMALL, hyper=Hyperparameters(batch_size=10), epochs=1, engine="python")
    trainer, events = collect(dict(config=run, train=train, test=test))
    [evaluated] = [e for e in events if isinstance(e, Evaluated)]
    whole = trainer.engine.predict(test)
    assert evaluated.size == 600
    assert evaluated.loss == pytest.approx(whole.loss, rel=1e-12)
    wrong = [i for i, (p, y) in enumerate(zip(whole.predicted, test.labels, strict=True)) if p != y]
    assert [m.index for m in evaluated.mistakes] == wrong


def fit_at_most(trainer: Trainer, images: int) -> None:
    """Make the engine run out of memory on batches larger than ``images``."""
    real_step = trainer.engine.train_batch

    def step(data, indices, hyper):
        if len(indices) > images:
            raise MemoryError
        return real_step(data, indices, hyper)

    trainer.engine.train_batch = step


def test_a_batch_size_that_does_not_fit_goes_back_to_the_last_that_did() -> None:
    train, test = blobs(64, seed=1), blobs(10, seed=2)
    events: list = []
    commands: queue.Queue = queue.Queue()
    commands.put(SetHyperparameters(batch_size=32))
    trainer = Trainer(
        config(batch_size=8), train, test, emit=events.append, commands=commands,
        batch_interval=0, sample_interval=None,
    )  # fmt: skip
    fit_at_most(trainer, 16)
    trainer.run()
    refused = [e for e in events if isinstance(e, CommandRefused)]
    assert [r.reason for r in refused] == ["batch size 32 does not fit in memory; back to 8"]
    assert [e.batch_size for e in events if isinstance(e, HyperparametersChanged)] == [32, 8]
    assert trainer.hyper.batch_size == 8 and trainer.step == 8  # the epoch went on at 8


def test_a_first_batch_size_that_does_not_fit_is_refused_in_one_line() -> None:
    train, test = blobs(64, seed=1), blobs(10, seed=2)
    events: list = []
    trainer = Trainer(config(batch_size=32), train, test, emit=events.append)
    fit_at_most(trainer, 16)
    with pytest.raises(ConfigError, match="batch size 32 does not fit in memory"):
        trainer.run()
    assert events[-1].reason == "failed"


def test_a_stop_during_the_epoch_end_evaluation_leaves_the_epoch_to_finish() -> None:
    train, test = blobs(20, seed=1), blobs(600, seed=2)
    run = RunConfig(arch=SMALL, hyper=Hyperparameters(batch_size=10), epochs=2, engine="python")
    events: list = []
    trainer = Trainer(run, train, test, emit=events.append, batch_interval=0, sample_interval=None)
    real_predict = trainer.engine.predict

    def predict_then_stop(data, start=0, stop=None):
        trainer.request_stop()  # Ctrl+C arrives during the first chunk
        return real_predict(data, start, stop)

    trainer.engine.predict = predict_then_stop
    trainer.run()
    assert not [e for e in events if isinstance(e, Evaluated)]
    assert (trainer.epoch, trainer.position, trainer.step) == (1, 20, 2)  # epoch 1 unfinished
    state = trainer.capture_state()
    resumed = Trainer(run, train, test, emit=events.append, state=state, sample_interval=None)
    resumed.run()
    assert [e.epoch for e in events if isinstance(e, Evaluated)] == [1, 2]  # epoch 1 evaluated
