"""The trainer: events out, commands in, between batches; data order.

(Divergence, memory and stops mid-evaluation: test_trainer_recovery.py.)
"""

from __future__ import annotations

import math

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
from cnn_tui.core.contract.config import ConfigError, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import (
    BatchesEnded,
    CommandRefused,
    Evaluated,
    Finished,
    HyperparametersChanged,
    Paused,
    Resumed,
    SampleViewed,
    TrainingStarted,
)
from cnn_tui.core.training.data_order import data_order
from cnn_tui.core.training.trainer import Trainer
from tests.core.trainer_runs import SMALL, collect, config, steps_of
from tests.synthetic import blobs


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
