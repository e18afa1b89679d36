"""Provides ``scripted_nearest``: how the fake link answers ``FindNearest`` — five made-up
nearest training digits, as the "nearest" extension would send (core/training/nearest_digits.py).

Deterministic per test index: three of them are drawn as the digit the test digit's class is
most often mistaken for (samples.py's ``CONFUSED_WITH``), two as its own class, at distances that
grow from about 2; their training positions are made up. Pure Python; no Textual.
"""

from __future__ import annotations

import random

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract.nearest_events import NearestFound
from cnn_tui.tui.demo.samples import CONFUSED_WITH, draw_digit

TRAIN_SIZE = 60000
HIDDEN = 128


def scripted_nearest(command: cmd.FindNearest, step: int) -> NearestFound:
    """The scripted answer to ``command`` with the weights of ``step``."""
    rng = random.Random(command.test_index)
    digit = command.test_index % 10
    other = CONFUSED_WITH[digit]
    labels = tuple((other, other, digit, other, digit, other) * 4)[: command.k]
    distances = tuple(round(2.0 + 0.35 * i + rng.uniform(0.0, 0.3), 3) for i in range(len(labels)))
    return NearestFound(
        step=step,
        test_index=command.test_index,
        indices=tuple(rng.randrange(TRAIN_SIZE) for _ in labels),
        labels=labels,
        distances=distances,
        images=tuple(draw_digit(label, rng) for label in labels),
        searched=TRAIN_SIZE,
        train_size=TRAIN_SIZE,
        hidden=HIDDEN,
        query_norm=5.0,
        seconds=0.9,
    )
