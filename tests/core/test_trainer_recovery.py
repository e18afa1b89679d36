"""The trainer when a batch goes wrong: a diverging loss, a batch that does not fit in memory, a
stop during the epoch-end evaluation — and the chunked evaluation adding up."""

from __future__ import annotations

import math
import queue

import pytest

from cnn_tui.core.contract.commands import SetHyperparameters, Stop
from cnn_tui.core.contract.config import ConfigError, Hyperparameters, RunConfig
from cnn_tui.core.contract.events import (
    CommandRefused,
    Diverged,
    Evaluated,
    HyperparametersChanged,
    Paused,
)
from cnn_tui.core.engines.interface import BatchResult
from cnn_tui.core.training.trainer import Trainer
from tests.core.trainer_runs import SMALL, collect, config
from tests.synthetic import blobs


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
        config(batch_size=8),
        train,
        test,
        emit=events.append,
        commands=commands,
        batch_interval=0,
        sample_interval=None,
    )
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
