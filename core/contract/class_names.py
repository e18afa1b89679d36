"""Provides how a class is named wherever the UI shows one: ``class_name`` and ``fit_name``.

The class names travel with the run (``TrainingStarted.class_names``); an empty tuple means
MNIST's classes, the digits themselves, so MNIST's events and views stay exactly as they were.
Every view that shows a class (the per-class panel, the sample's probabilities, the inspector,
and new ones) goes through these two functions, so a long name is shortened the same way
everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

ELLIPSIS = "…"


def class_name(names: Sequence[str], label: int) -> str:
    """Label ``label``'s name: ``names[label]``, or the digit itself when ``names`` is empty."""
    if 0 <= label < len(names):
        return names[label]
    return str(label)


def fit_name(name: str, width: int) -> str:
    """``name`` in at most ``width`` cells, padded on the right; a longer one ends in ``…``
    (right after the last letter kept: "T-shirt/top" in 3 is "T-…", "Ankle boot" in 7 "Ankle…").

    Names are taken as one cell per character (what ``classes.txt`` and the built-in sets hold).
    """
    if width <= 0:
        return ""
    if len(name) > width:
        name = name[: width - 1].rstrip() + ELLIPSIS
    return name.ljust(width)


def names_width(names: Sequence[str], limit: int) -> int:
    """The column width the names need (the longest, at least 1), at most ``limit``."""
    return max(1, min(limit, max((len(n) for n in names), default=1)))
