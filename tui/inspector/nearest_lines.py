"""Provides ``nearest_lines``: the detail view's row of nearest training digits — "it said 4:
its features are closest to these training digits", each digit as a 14×14 half-block thumbnail
(as in the browser's grid) with its label, its distance and its place in the training set, and a
line saying what was searched. Pure: lines of Rich segments, no Textual.

A neighbour labelled with the class the network said is in the prediction's red, one labelled
with the digit's true class in green (and the title counts the first kind, so it reads without
colour too).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style

from cnn_tui.core.contract.class_names import class_name, fit_name
from cnn_tui.core.contract.nearest_events import NearestFound
from cnn_tui.tui.inspector.nearest_source import NearestAnswer
from cnn_tui.tui.inspector.render import THUMB_SIDE, digit_lines
from cnn_tui.tui.inspector.wording import digits_or_images
from cnn_tui.tui.render.halfblock import Line, beside

GAP = 2
"""Cells between two thumbnails (1 where that makes room for all five)."""
HEIGHT = 1 + THUMB_SIDE // 2 + 2 + 2
"""Lines the block takes once found: title, thumbnails, label and distance lines, two of notes
(it is padded to this while computing, so the view below does not jump)."""


@lru_cache(maxsize=512)
def _thumb(image: bytes, colour_on: bool) -> tuple[tuple[Segment, ...], ...]:
    return tuple(tuple(line) for line in digit_lines(image, THUMB_SIDE, colour_on=colour_on))


def nearest_lines(
    answer: NearestAnswer | None,
    *,
    label: int,
    predicted: int,
    width: int,
    names: Sequence[str] = (),
    colour_on: bool = True,
    offered: bool = True,
) -> list[Line]:
    """The block for a mistake (true ``label``, said ``predicted``): ``answer`` None while it is
    being computed; ``offered`` False where there is nothing to search (no training set)."""
    muted = Style(dim=True)
    said = class_name(names, predicted)
    noun = digits_or_images(names)
    title = f"it said {said}: its features are closest to these training {noun}"
    if not offered:
        return [[Segment(f"nearest training {noun}: not offered here (no training set)", muted)]]
    lines: list[Line] = [[Segment(title, Style(bold=True))]]
    if answer is None:
        note = (
            f"computing… the features of every training {noun[:-1]}, once for these weights "
            "(about a second), then each digit is quick"
        )
        lines += _wrapped(note.split(" "), width, muted, " ")
        return lines + [[] for _ in range(HEIGHT - len(lines))]
    if not isinstance(answer, NearestFound):
        return [
            [Segment(f"nearest training {noun}: none", Style(bold=True))],
            [Segment(answer.reason, muted)],
        ]
    shown = len(answer.indices)
    gap = GAP if shown * (THUMB_SIDE + GAP) - GAP <= width else 1  # all of them, closer
    count = max(1, min(shown, (width + gap) // (THUMB_SIDE + gap)))
    summary = _summary(answer.labels, label, predicted, names)
    if len(title) + 3 + len(summary) <= width:
        lines[0].append(Segment(f" · {summary}", muted))
    else:
        lines.append([Segment(summary, muted)])
    thumbs = [list(map(list, _thumb(answer.images[i], colour_on))) for i in range(count)]
    lines += beside(thumbs, [THUMB_SIDE] * count, gap)
    lines += beside(
        [_caption(answer, i, label, predicted, names, colour_on) for i in range(count)],
        [THUMB_SIDE] * count,
        gap,
    )
    if answer.query_norm == 0:  # the classic dead-network case: worth saying in words
        dead = (
            f"every dense1 unit is off for this {noun[:-1]} (its features are all 0), so it "
            f"said {said} from the last layer's biases alone; d 0 means all 0 too"
        )
        lines += _wrapped(dead.split(" "), width, Style(color="yellow" if colour_on else None), " ")
    lines += _wrapped(_notes(answer, noun), width, muted, " · ")
    return lines


def _summary(labels: Sequence[int], label: int, predicted: int, names: Sequence[str]) -> str:
    """ "3 of 5 are 4 · 1 is 9 (true)": how many neighbours share the answer, and the label
    (only the first part when the answer is right)."""
    said, true = class_name(names, predicted), class_name(names, label)
    same = sum(1 for lab in labels if lab == predicted)
    if label == predicted:  # a digit it has right (the embedding map opens those too)
        return f"{same} of {len(labels)} are {said}"
    right = sum(1 for lab in labels if lab == label)
    verb = "is" if right == 1 else "are"
    return f"{same} of {len(labels)} are {said} · {right} {verb} {true} (true)"


def _caption(
    answer: NearestFound,
    i: int,
    label: int,
    predicted: int,
    names: Sequence[str],
    colour_on: bool,
) -> list[Line]:
    """Two lines under thumbnail ``i``: its label, then "d 3.42 #12,345"."""
    lab = answer.labels[i]
    style = None
    if lab == predicted:
        style = Style(bold=True, color="red" if colour_on else None)
    elif lab == label:
        style = Style(bold=True, color="green" if colour_on else None)
    name = fit_name(class_name(names, lab), THUMB_SIDE)
    where = fit_name(f"d {answer.distances[i]:.3g} #{answer.indices[i]:,}", THUMB_SIDE)
    return [[Segment(name, style)], [Segment(where, Style(dim=True))]]


def _notes(answer: NearestFound, noun: str) -> list[str]:
    """What was searched and how: the phrases of the last lines."""
    if answer.searched < answer.train_size:
        searched = f"among the first {answer.searched:,} of {answer.train_size:,} training {noun}"
        searched += " (this engine is slow; numpy searches all)"
    else:
        searched = f"among all {answer.train_size:,} training {noun}"
    return [
        f"d: Euclidean distance between the {answer.hidden} dense1 features",
        searched,
        f"weights of step {answer.step:,}",
    ]


def _wrapped(phrases: list[str], width: int, style: Style, joint: str) -> list[Line]:
    """``phrases`` joined by ``joint`` into lines of at most ``width`` cells (a phrase longer
    than a line is cut by the widget)."""
    lines: list[str] = []
    for phrase in phrases:
        if lines and len(lines[-1]) + len(joint) + len(phrase) <= width:
            lines[-1] += joint + phrase
        else:
            lines.append(phrase)
    return [[Segment(text, style)] for text in lines]
