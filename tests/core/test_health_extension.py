"""The "health" trainer extension (core/training/layer_health.py): which steps it observes, the
events it emits, that they survive the codec and reach the metrics file — and that without it
no step is observed at all."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from typing import Any

from cnn_tui.core.contract.events import HealthMeasured, HistogramsMeasured
from cnn_tui.core.engines.observation import Observation
from cnn_tui.core.health.histograms import BINS, FINE
from cnn_tui.core.remote.codec import decode_event, to_json
from cnn_tui.core.training.extensions import make_extensions
from cnn_tui.core.training.layer_health import LayerHealthWatch
from cnn_tui.core.training.metrics import MetricsWriter
from cnn_tui.core.training.trainer import Trainer
from tests.core.trainer_runs import config
from tests.synthetic import blobs


def spied(trainer: Trainer, asked: list[Observation | None]) -> None:
    """Record what every ``train_batch`` of ``trainer``'s engine is asked to observe."""
    real = trainer.engine.train_batch

    def train_batch(data: Any, indices: Sequence[int], hyper: Any, *rest: Any) -> Any:
        asked.append(rest[0] if rest else None)
        return real(data, indices, hyper, *rest)

    trainer.engine.train_batch = train_batch  # type: ignore[method-assign]


def run(extensions: list[Any], asked: list[Observation | None]) -> list[Any]:
    kwargs = dict(config=config(batch_size=10), train=blobs(200, seed=1), test=blobs(20, seed=2))
    events: list[Any] = []
    trainer = Trainer(
        emit=events.append, batch_interval=0, sample_interval=None, extensions=extensions, **kwargs
    )
    spied(trainer, asked)
    trainer.run()
    return events


def test_health_off_observes_no_step_and_emits_nothing() -> None:
    asked: list[Observation | None] = []
    events = run([], asked)
    assert asked == [None] * 20  # every step trained without an observation
    assert not [e for e in events if isinstance(e, HealthMeasured | HistogramsMeasured)]


def test_health_on_observes_every_kth_step_and_reports_each_window() -> None:
    asked: list[Observation | None] = []
    events = run([LayerHealthWatch(every=3, window=5, histogram_every=8)], asked)
    observed = [step for step, o in enumerate(asked, start=1) if o is not None]
    assert observed == [1, 3, 6, 8, 9, 12, 15, 16, 18]  # the first, every 3rd, histograms at 8
    binned = {step: o.bins for step, o in enumerate(asked, start=1) if o is not None and o.bins}
    assert binned == {1: FINE, 8: BINS, 16: BINS}  # fine bins for the first distribution
    health = [e for e in events if isinstance(e, HealthMeasured)]
    assert [(e.first_step, e.step, e.observed, e.images) for e in health] == [
        (1, 5, 2, 20),
        (6, 10, 3, 30),
        (11, 15, 2, 20),
        (16, 20, 2, 20),
    ]
    layers = health[-1].layers
    assert [h.layer for h in layers] == ["conv1", "dense1", "dense2"]
    conv1 = layers[0]
    assert conv1.weight_rms > 0 and conv1.gradient_rms > 0 and 0 < conv1.update_ratio < 1
    assert len(conv1.dead_channels) == 2 and 0 <= conv1.dead_share <= 1
    assert math.isnan(layers[2].dead_share)  # dense2 has no ReLU
    histograms = [e for e in events if isinstance(e, HistogramsMeasured)]
    assert [(e.step, e.initial_step) for e in histograms] == [(1, 1), (8, 1), (16, 1)]
    first = histograms[0].histograms
    assert {(h.layer, h.kind) for h in first} == {
        (layer, kind)
        for layer in ("conv1", "dense1", "dense2")
        for kind in ("weights", "gradients")
    }
    for h in first:  # at the first observation the two distributions are the same
        assert len(h.counts) == BINS and h.counts == h.initial
    for h in histograms[-1].histograms:  # later: the same values, perhaps on wider bins
        assert (
            sum(h.initial)
            == sum(h.counts)
            == sum(next(f.counts for f in first if (f.layer, f.kind) == (h.layer, h.kind)))
        )


def test_the_extension_is_made_by_name() -> None:
    (made,) = make_extensions(["health"])
    assert isinstance(made, LayerHealthWatch)


def test_the_events_survive_the_codec_and_reach_the_metrics_file() -> None:
    asked: list[Observation | None] = []
    events = run([LayerHealthWatch(every=2, window=10, histogram_every=100)], asked)
    chosen = [e for e in events if isinstance(e, HealthMeasured | HistogramsMeasured)]
    assert {type(e) for e in chosen} == {HealthMeasured, HistogramsMeasured}
    for event in chosen:  # NaN ≠ NaN, so compare the JSON forms
        again = decode_event(json.loads(json.dumps(to_json(event))))
        assert type(again) is type(event) and to_json(again) == to_json(event)
    out = io.StringIO()
    writer = MetricsWriter(out)
    for event in chosen:
        writer.write(event)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    health = [r for r in records if r["event"] == "health"]
    assert [r["step"] for r in health] == [10, 20]
    dense2 = health[0]["layers"]["dense2"]
    assert dense2["dead_share"] is None and dense2["weight_rms"] > 0  # NaN written as null
    assert set(health[0]["layers"]["conv1"]) == {
        "weight_rms",
        "gradient_rms",
        "update_ratio",
        "dead_share",
        "dead_channels",
        "activation_mean",
        "activation_std",
    }
    (hist,) = [r for r in records if r["event"] == "histograms"]
    assert hist["step"] == 1 and len(hist["histograms"]) == 6
    assert {"layer", "kind", "limit", "counts", "initial"} == set(hist["histograms"][0])
