"""Provides the synthetic trainer's embedding maps: ``synthetic_map`` makes the
``EmbeddingComputed`` that would follow an ``Evaluated``, ``with_maps`` puts one after each test
evaluation of a script, and ``demo_image`` draws test digit i (demo/samples.py) for the map's
cursor to show.

The classes pull apart as the run learns: each class has a centre on a ring (look-alikes side by
side: 4 by 9, 3 by 5 and 8, 1 by 7), the ring grows with the accuracy the evaluation reports,
and each digit keeps its own offset from its centre, so a map moves smoothly into the next. A
misclassified digit sits part of the way towards the class it was taken for; fewer digits are
wrong as the run learns (the same ones stay wrong longest). Pure Python; no Textual.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from functools import lru_cache

from cnn_tui.core.contract import events as ev
from cnn_tui.tui.demo.samples import CONFUSED_WITH, draw_digit

SIZE = 2000
RING = (0, 6, 5, 3, 8, 9, 4, 7, 1, 2)
"""The classes around the ring, look-alikes next to each other."""


@lru_cache(maxsize=4)
def _digits(count: int) -> tuple[tuple[int, float, float, float], ...]:
    """Each test digit's fixed make-up: (class, offset x, offset y, how hard it is 0–1)."""
    out = []
    for i in range(count):
        rng = random.Random(i * 7919 + 17)
        out.append((rng.randrange(10), rng.gauss(0, 1), rng.gauss(0, 1), rng.random()))
    return tuple(out)


def demo_label(index: int) -> int:
    """The class of the demo's test digit ``index``."""
    return _digits(SIZE)[index][0] if 0 <= index < SIZE else index % 10


def demo_image(index: int) -> bytes:
    """The demo's test digit ``index``, drawn (the same picture every time)."""
    return draw_digit(demo_label(index), random.Random(index))


def _centre(label: int) -> tuple[float, float]:
    angle = 2 * math.pi * RING.index(label) / len(RING)
    return math.cos(angle), 0.7 * math.sin(angle)


def synthetic_map(evaluated: ev.Evaluated, count: int = SIZE) -> ev.EmbeddingComputed:
    """The map of the first ``count`` test digits at ``evaluated``'s accuracy."""
    learned = min(1.0, max(0.0, (evaluated.accuracy - 0.1) / 0.88))
    spread = 0.2 + 3.2 * learned**1.5  # the ring's radius against each class's own spread
    error = 0.9 - 0.87 * learned  # share of digits misclassified
    xs, ys, labels, predicted, confidence = [], [], [], [], []
    for label, ox, oy, hard in _digits(count):
        said = label
        cx, cy = _centre(label)
        if hard > 1.0 - error:  # the hardest digits are the ones still wrong
            said = CONFUSED_WITH[label]
            px, py = _centre(said)
            cx, cy = cx + 0.6 * (px - cx), cy + 0.6 * (py - cy)
        xs.append(spread * cx + 0.45 * ox)
        ys.append(spread * cy + 0.3 * oy)
        labels.append(label)
        predicted.append(said)
        sure = 0.35 + 0.6 * learned * (1.0 - 0.5 * hard)
        confidence.append(round(sure if said == label else 0.3 + 0.5 * (1.0 - hard), 3))
    return ev.EmbeddingComputed(
        step=evaluated.step,
        epoch=evaluated.epoch,
        xs=tuple(xs),
        ys=tuple(ys),
        labels=tuple(labels),
        predicted=tuple(predicted),
        confidence=tuple(confidence),
        variance=(0.14 + 0.2 * learned, 0.09 + 0.1 * learned),
        seconds=0.08,
    )


def with_maps(events: Iterable[ev.Event], count: int = SIZE) -> list[ev.Event]:
    """``events`` with a synthetic map right after each test-set evaluation (as the trainer's
    embedding extension sends one)."""
    out: list[ev.Event] = []
    for event in events:
        out.append(event)
        if isinstance(event, ev.Evaluated) and event.split == "test":
            out.append(synthetic_map(event, min(count, event.size)))
    return out
