"""Provides ``open_detail``: the inspector's detail view (tui/inspector/detail_screen.py) on a digit
of the embedding map.

The detail view walks a list of ``Mistake``s. On a misclassified digit that list is the map's
mistakes, most confident first (as n / N walk them), so ← → go on through them; on a digit the
network has right it is that digit alone (the view then says "digit 1 of 1", not "mistake").
Each entry's ten probabilities come from the evaluation the map was made after (it lists every
mistake's); a digit it does not list (a right one, or a map older than the evaluation) knows only
the probability of its answer — the others are NaN, shown as "?" in the view's head line (its
bars show all ten, from the trainer's answer).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen

from cnn_tui.core.contract import events as ev
from cnn_tui.tui.inspector.detail_screen import DetailScreen
from cnn_tui.tui.inspector.source import DigitSource
from cnn_tui.tui.render.scatter import mistake_order


@dataclass(frozen=True, slots=True)
class Opened:
    """The detail screen and the test index of each of its positions (for the cursor after)."""

    screen: DetailScreen
    indices: list[int]


def as_mistake(
    emb: ev.EmbeddingComputed, index: int, known: dict[int, ev.Mistake] | None = None
) -> ev.Mistake:
    """Digit ``index`` of the map as the detail view's entry (see the module's docstring)."""
    if known and index in known:
        return known[index]
    probabilities = [math.nan] * max(10, emb.predicted[index] + 1)
    probabilities[emb.predicted[index]] = emb.confidence[index]
    return ev.Mistake(index, emb.labels[index], emb.predicted[index], tuple(probabilities))


def open_detail(
    emb: ev.EmbeddingComputed,
    index: int,
    evaluation: ev.Evaluated | None,
    source: DigitSource,
    draw: Callable[[int | None], Screen[None]] | None,
) -> Opened:
    """The detail view on digit ``index`` of ``emb``."""
    known = {}
    if evaluation is not None and evaluation.step == emb.step:
        known = {m.index: m for m in evaluation.mistakes}
    wrong = emb.labels[index] != emb.predicted[index]
    indices = mistake_order(emb) if wrong else [index]
    mistakes = [as_mistake(emb, i, known) for i in indices]
    screen = DetailScreen(mistakes, indices.index(index), source, draw=draw)
    return Opened(screen, indices)
