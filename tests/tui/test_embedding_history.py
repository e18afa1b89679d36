"""The dashboard's record of embedding maps (tui/embedding/history.py) and the demo's scripted
maps (tui/demo/embedding.py): kept whatever screen is open, bounded, started afresh by a new
trainer; the demo's classes pull apart as the accuracy grows, and its link sends a map after
each evaluation it answers."""

from __future__ import annotations

import math
from dataclasses import replace

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.demo.embedding import synthetic_map, with_maps
from cnn_tui.tui.demo.fake_link import FakeLink
from cnn_tui.tui.demo.synthetic import SyntheticTrainer
from cnn_tui.tui.embedding.history import MAX_MAPS, EmbeddingHistory


def evaluation(accuracy: float, step: int = 100) -> ev.Evaluated:
    return replace(SyntheticTrainer().evaluate(), accuracy=accuracy, step=step)


def test_the_history_keeps_maps_bounded_and_a_new_trainer_starts_it_afresh() -> None:
    history = EmbeddingHistory()
    first = synthetic_map(evaluation(0.5, step=1), count=20)
    assert history.apply(first) and history.latest is first and history.version == 1
    assert not history.apply(ev.Paused(step=1))
    for step in range(2, 3 * MAX_MAPS):
        history.apply(synthetic_map(evaluation(0.5, step=step), count=20))
    assert len(history.maps) <= MAX_MAPS
    assert history.maps[0] is first  # the run's first map stays
    assert history.latest is not None and history.latest.step == 3 * MAX_MAPS - 1
    steps = [m.step for m in history.maps]
    assert steps == sorted(steps)
    assert history.apply(SyntheticTrainer().started())
    assert history.maps == [] and history.latest is None


def spread_ratio(emb: ev.EmbeddingComputed) -> float:
    """Between-class distance of the class means over the within-class spread."""
    means = {}
    within = 0.0
    for k in range(10):
        pts = [(x, y) for x, y, t in zip(emb.xs, emb.ys, emb.labels, strict=True) if t == k]
        mx, my = sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
        means[k] = (mx, my)
        within += sum((x - mx) ** 2 + (y - my) ** 2 for x, y in pts) / len(pts)
    between = sum(math.dist(means[a], means[b]) for a in range(10) for b in range(a))
    return between / 45 / math.sqrt(within / 10)


def test_the_demo_classes_pull_apart_and_fewer_are_wrong_as_it_learns() -> None:
    early, late = synthetic_map(evaluation(0.3)), synthetic_map(evaluation(0.97))
    assert spread_ratio(late) > 3 * spread_ratio(early)
    wrong = [sum(t != p for t, p in zip(m.labels, m.predicted, strict=True)) for m in (early, late)]
    assert wrong[0] > 5 * wrong[1] > 0
    assert len(late.xs) == 2000 and late.step == 100


def test_the_fake_link_sends_a_map_after_each_evaluation() -> None:
    link = FakeLink(trainer=SyntheticTrainer())
    link.start()
    link.send(cmd.Evaluate())
    got = link.drain()
    assert [type(e) for e in got] == [ev.Evaluated, ev.EmbeddingComputed]
    assert got[1].step == got[0].step
    script = with_maps([SyntheticTrainer().started(), evaluation(0.5)])
    assert [type(e) for e in script] == [ev.TrainingStarted, ev.Evaluated, ev.EmbeddingComputed]
