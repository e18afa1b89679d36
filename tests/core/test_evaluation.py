"""The chunked test-set evaluation the trainer and the inspector share, and the data checks."""

from __future__ import annotations

import pytest

from cnn_tui.core.contract.config import Architecture, Hyperparameters, RunConfig
from cnn_tui.core.engines import make_engine
from cnn_tui.core.engines.interface import Predictions
from cnn_tui.core.training.data_checks import size_mismatch
from cnn_tui.core.training.evaluation import (
    EvaluationStopped,
    chunk_size,
    evaluate_test_set,
)
from cnn_tui.core.training.trainer import Trainer
from tests.synthetic import blobs


class CountingEngine:
    """Predicts class (index mod 3) with a loss of index/100 per image; records every range."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.ranges: list[tuple[int, int]] = []

    def predict(self, data, start: int = 0, stop: int | None = None) -> Predictions:
        stop = len(data) if stop is None else stop
        self.ranges.append((start, stop))
        indices = range(start, stop)
        probabilities = [[1.0 if k == i % 3 else 0.0 for k in range(10)] for i in indices]
        mean = sum(i / 100 for i in indices) / len(indices)
        return Predictions(mean, [i % 3 for i in indices], probabilities)


def test_chunks_follow_the_engine_and_add_up_to_the_whole_set() -> None:
    test = blobs(600, seed=1)
    engine = CountingEngine("python")
    seen: list[tuple[int, int]] = []
    evaluated = evaluate_test_set(
        engine, test, epoch=2, step=9, progress=lambda done, total: seen.append((done, total))
    )
    assert chunk_size("python") == 250 and chunk_size("reference") < chunk_size("python")
    assert engine.ranges == [(0, 250), (250, 500), (500, 600)]
    assert seen == [(250, 600), (500, 600), (600, 600)]
    assert evaluated.loss == pytest.approx(sum(i / 100 for i in range(600)) / 600, rel=1e-12)
    assert (evaluated.epoch, evaluated.step, evaluated.size) == (2, 9, 600)
    wrong = [i for i in range(600) if i % 3 != test.labels[i]]
    assert [m.index for m in evaluated.mistakes] == wrong
    assert sum(map(sum, evaluated.confusion)) == 600


def test_the_numpy_engine_evaluates_in_larger_chunks() -> None:
    engine = CountingEngine("numpy")
    evaluate_test_set(engine, blobs(2500, seed=2), epoch=1, step=0)
    assert engine.ranges == [(0, 2000), (2000, 2500)]


def test_a_stop_request_abandons_the_evaluation_between_chunks() -> None:
    engine = CountingEngine("python")
    asked: list[int] = []

    def stop_after_the_first_chunk() -> bool:
        asked.append(1)
        return len(asked) > 1

    with pytest.raises(EvaluationStopped):
        evaluate_test_set(
            engine, blobs(600), epoch=1, step=0, stop_requested=stop_after_the_first_chunk
        )
    assert engine.ranges == [(0, 250)]


def test_a_real_engine_gives_the_same_numbers_in_chunks_as_in_one_call() -> None:
    arch = Architecture(filters=2, hidden=8)
    engine = make_engine(RunConfig(arch=arch, engine="python", seed=4))
    test = blobs(300, seed=3)
    whole = engine.predict(test)
    evaluated = evaluate_test_set(engine, test, epoch=1, step=0)
    assert evaluated.loss == pytest.approx(whole.loss, rel=1e-12)
    assert [m.predicted for m in evaluated.mistakes] == [
        p for p, y in zip(whole.predicted, test.labels, strict=True) if p != y
    ]


def test_a_snapshot_on_other_data_is_named_in_one_line() -> None:
    run = RunConfig(arch=Architecture(filters=1, hidden=4), hyper=Hyperparameters(batch_size=4))
    trainer = Trainer(run, blobs(20), blobs(10), emit=lambda e: None)
    state = trainer.capture_state()
    assert size_mismatch(state, 20) is None
    message = size_mismatch(state, 60_000)
    assert message is not None and "\n" not in message
    assert "trained on 20 images" in message and "60,000" in message
