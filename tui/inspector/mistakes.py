"""Provides ``MistakeView``: the list of misclassified digits as the browser shows it — filtered
by true class, predicted class or a confusion-matrix cell, sorted by confidence or by class — and
``changes`` between two evaluations. Pure Python, no Textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from cnn_tui.core.contract.class_names import class_name
from cnn_tui.core.contract.config import NUM_CLASSES
from cnn_tui.core.contract.events import Mistake

SORTS = ("confidence", "class", "index")
"""confidence: most confident mistakes first · class: by true then predicted class, confident
first within a cell · index: test-set order."""


def confidence(mistake: Mistake) -> float:
    """The probability the network gave its (wrong) answer."""
    return mistake.probabilities[mistake.predicted]


@dataclass(frozen=True, slots=True)
class Filter:
    """Which mistakes to show; None means any."""

    label: int | None = None
    predicted: int | None = None

    def keeps(self, mistake: Mistake) -> bool:
        return (self.label is None or mistake.label == self.label) and (
            self.predicted is None or mistake.predicted == self.predicted
        )

    def describe(self, names: Sequence[str] = ()) -> str:
        """ "all", or "true 7 → predicted any" — with the run's class names when it has them
        ("true Sneaker → predicted Sandal"; () is MNIST's digits)."""
        if self.label is None and self.predicted is None:
            return "all"
        true = "any" if self.label is None else class_name(names, self.label)
        pred = "any" if self.predicted is None else class_name(names, self.predicted)
        return f"true {true} → predicted {pred}"

    @property
    def active(self) -> bool:
        return self.label is not None or self.predicted is not None


def sort_mistakes(mistakes: Sequence[Mistake], how: str) -> list[Mistake]:
    """Mistakes in the order ``how`` names (one of ``SORTS``); ties broken by test index."""
    if how == "confidence":
        return sorted(mistakes, key=lambda m: (-confidence(m), m.index))
    if how == "class":
        return sorted(mistakes, key=lambda m: (m.label, m.predicted, -confidence(m), m.index))
    if how == "index":
        return sorted(mistakes, key=lambda m: m.index)
    raise ValueError(f"sort {how!r} is not one of {', '.join(SORTS)}")


@dataclass(frozen=True, slots=True)
class MistakeView:
    """All mistakes of one evaluation, and the filtered, sorted list shown."""

    mistakes: tuple[Mistake, ...]
    filter: Filter = Filter()
    sort: str = "confidence"

    @property
    def shown(self) -> list[Mistake]:
        return sort_mistakes([m for m in self.mistakes if self.filter.keeps(m)], self.sort)

    def with_filter(self, new: Filter) -> MistakeView:
        return replace(self, filter=new)

    def with_sort(self, how: str) -> MistakeView:
        return replace(self, sort=how)

    def next_sort(self) -> MistakeView:
        return self.with_sort(SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)])

    def counts_by_label(self) -> list[int]:
        """Mistakes per true class (under the predicted-class part of the filter)."""
        counts = [0] * NUM_CLASSES
        for m in self.mistakes:
            if self.filter.predicted is None or m.predicted == self.filter.predicted:
                counts[m.label] += 1
        return counts

    def counts_by_predicted(self) -> list[int]:
        """Mistakes per predicted class (under the true-class part of the filter)."""
        counts = [0] * NUM_CLASSES
        for m in self.mistakes:
            if self.filter.label is None or m.label == self.filter.label:
                counts[m.predicted] += 1
        return counts


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed between two evaluations of the same test set."""

    newly_wrong: frozenset[int]  # test indices wrong now, right before
    now_right: frozenset[int]  # wrong before, right now
    previous_step: int

    def describe(self) -> str:
        return (
            f"since step {self.previous_step:,}: {len(self.newly_wrong)} newly wrong ✗, "
            f"{len(self.now_right)} now right ✓"
        )


def changes(previous: Sequence[Mistake], current: Sequence[Mistake], previous_step: int) -> Changes:
    """Compare two evaluations' mistakes by test index."""
    before = {m.index for m in previous}
    now = {m.index for m in current}
    return Changes(frozenset(now - before), frozenset(before - now), previous_step)
