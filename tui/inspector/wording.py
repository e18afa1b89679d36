"""Provides the browser's counts block and filter prompt in a run's class names: ``counts_text``
and ``filter_prompt``. Pure functions of the view and the names, no Textual.

An MNIST run (names ``()``) reads exactly as it always has: "true:  0:17 1:21 …" and "press 0–9".
A run with class names (Fashion-MNIST, KMNIST, a ``classes.txt``) cannot fit ten names and their
counts in 80 columns, so its counts lines name the classes with mistakes, most first ("true:
Shirt 131 · Pullover 117 · …", cut with … at the screen's edge); while a t/p filter waits for its
key, the same two lines say which key is which class ("0 T-shirt/top · 1 Trouser · …").
"""

from __future__ import annotations

from collections.abc import Sequence

from cnn_tui.core.contract.class_names import class_name, fit_name
from cnn_tui.tui.inspector.mistakes import MistakeView

NAME_LIMIT = 11
"""A class name in the counts and key lines is cut to this many cells ("T-shirt/top" fits)."""

SORT_NAMES = {"confidence": "most confident first", "class": "by class", "index": "test order"}


def short(names: Sequence[str], label: int) -> str:
    """Label ``label``'s name in at most NAME_LIMIT cells, not padded."""
    return fit_name(class_name(names, label), NAME_LIMIT).rstrip()


def counts_line(head: str, counts: Sequence[int], names: Sequence[str]) -> str:
    """One counts line: MNIST's "true:  0:17 1:21 …" (every digit, in order), or with names the
    classes that have mistakes, most first: "true:  Shirt 131 · Pullover 117 · …"."""
    if not names:
        return f"{head}  " + " ".join(f"{d}:{n}" for d, n in enumerate(counts))
    ranked = sorted((c for c, n in enumerate(counts) if n), key=lambda c: (-counts[c], c))
    return f"{head}  " + (" · ".join(f"{short(names, c)} {counts[c]}" for c in ranked) or "none")


def key_lines(names: Sequence[str]) -> tuple[str, str]:
    """Which key filters to which class, in two lines: "0 T-shirt/top · … · 4 Coat", "5 …"."""
    keys = [f"{d} {short(names, d)}" for d in range(len(names))]
    half = (len(keys) + 1) // 2
    return " · ".join(keys[:half]), " · ".join(keys[half:])


def digits_or_images(names: Sequence[str]) -> str:
    """What the test set holds, in titles: MNIST's "digits", any other set's "images"."""
    return "images" if names else "digits"


def counts_text(view: MistakeView, names: Sequence[str], *, awaiting: str | None) -> str:
    """The three lines under the title: what is shown, then the counts by true and predicted
    class — or, for a named run waiting for a filter key, which key is which class. (A named
    run's lines are cut at the screen's edge with …: the ``named`` class in inspector.tcss.)"""
    shown = len(view.shown)
    head = f"showing {shown:,} · {view.filter.describe(names)} · {SORT_NAMES[view.sort]}"
    if names and awaiting:
        first, second = key_lines(names)
    else:
        first = counts_line("true:", view.counts_by_label(), names)
        second = counts_line("pred:", view.counts_by_predicted(), names)
    return f"{head}\n{first}\n{second}"


def filter_prompt(awaiting: str, names: Sequence[str]) -> str:
    """The status line while t or p waits for its class key (the keys are listed above it for
    a named run: ``counts_text``)."""
    which = "true" if awaiting == "label" else "predicted"
    key = "t" if awaiting == "label" else "p"
    press = "press a key above" if names else "press 0–9"
    return f"filter by {which} class: {press} ({key} again: any · Escape: cancel)"
