"""The "embedding" trainer extension: one EmbeddingComputed per evaluation, consistent with the
engine's own features and predictions (core/training/embedding_map.py)."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_tui.core.contract.embedding_events import EmbeddingComputed
from cnn_tui.core.contract.events import Evaluated
from cnn_tui.core.embedding.pca import pca_2d
from cnn_tui.core.training.embedding_map import EmbeddingMap
from cnn_tui.core.training.extensions import make_extensions
from tests.core.trainer_runs import collect, config
from tests.synthetic import blobs


def test_every_evaluation_is_followed_by_its_map() -> None:
    test = blobs(30, seed=2)
    trainer, events = collect(
        dict(config=config(batch_size=16, lr=0.05), train=blobs(64, seed=1), test=test),
        extensions=make_extensions(("embedding",)),
    )
    kinds = [type(e).__name__ for e in events]
    maps = [e for e in events if isinstance(e, EmbeddingComputed)]
    evaluations = [e for e in events if isinstance(e, Evaluated)]
    assert len(maps) == len(evaluations) >= 1
    for evaluated, computed in zip(evaluations, maps, strict=True):
        assert kinds.index("EmbeddingComputed") > kinds.index("Evaluated")
        assert computed.step == evaluated.step
    last = maps[-1]
    assert len(last.xs) == len(last.ys) == len(last.labels) == 30  # fewer than SLOW/SIZE
    assert last.labels == tuple(test.labels)
    mistakes = {m.index: m.predicted for m in evaluations[-1].mistakes}
    for i, (label, predicted) in enumerate(zip(last.labels, last.predicted, strict=True)):
        assert predicted == mistakes.get(i, label)  # the same answers the evaluation gave
    assert all(0.0 < c <= 1.0 for c in last.confidence)
    assert 0.0 <= last.variance[1] <= last.variance[0] <= 1.0
    # the coordinates are the PCA of the engine's own features
    features = np.array(trainer.engine.dense_features(test, 0, 30))
    expected = pca_2d(features).coords
    got = np.column_stack([last.xs, last.ys])
    assert np.abs(got) == pytest.approx(np.abs(expected), abs=1e-6)  # up to each axis's sign


def test_the_subset_is_capped_and_the_axes_carry_over() -> None:
    test = blobs(40, seed=2)
    trainer, _ = collect(dict(config=config(), train=blobs(32, seed=1), test=test))
    mapper = EmbeddingMap(size=25)
    evaluated = Evaluated(
        1, trainer.step, "test", 0.0, 0.0, (0.0,) * 10, ((0,) * 10,) * 10, (), 40, 0.0
    )
    first = mapper.compute(trainer, evaluated)
    second = mapper.compute(trainer, evaluated)
    assert len(first.xs) == 25
    assert second.xs == pytest.approx(first.xs)  # same weights, same orientation
    assert second.ys == pytest.approx(first.ys)
