"""Provides ``ConfusionGrid``: the 10×10 confusion matrix with counts and a colour scale, and a
cell cursor (arrows or the mouse); Enter or clicking the selected cell chooses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import RenderableType
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from cnn_tui.core.contract.config import NUM_CLASSES
from cnn_tui.tui.inspector.render import (
    CELL,
    confusion_cell_lines,
    row_label_width,
    scale_legend,
)
from cnn_tui.tui.render.halfblock import SegmentLines


class ConfusionGrid(Widget, can_focus=True):
    """The confusion matrix of one evaluation, ``confusion[true][predicted]``."""

    DEFAULT_CSS = """
    ConfusionGrid { height: auto; width: auto; min-width: 74; }
    """

    BINDINGS = [
        Binding("up", "move(0, -1)", "Up", show=False),
        Binding("down", "move(0, 1)", "Down", show=False),
        Binding("left", "move(-1, 0)", "Left", show=False),
        Binding("right", "move(1, 0)", "Right", show=False),
        Binding("enter", "choose", "Show these images", id="choose-cell"),
    ]

    cell: reactive[tuple[int, int]] = reactive((0, 1))
    """(true, predicted) of the selected cell."""

    @dataclass
    class CellChosen(Message):
        """The user chose the cell (``label``, ``predicted``)."""

        label: int
        predicted: int

    def __init__(
        self,
        confusion: Sequence[Sequence[int]],
        *,
        start: tuple[int, int] | None = None,
        names: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.confusion = confusion
        self.names = tuple(names)
        """The run's class names for the row and column labels (() for MNIST's digits)."""
        self.label_width = row_label_width(self.names)
        if start is None:  # start on the largest error
            start = max(
                ((t, p) for t in range(NUM_CLASSES) for p in range(NUM_CLASSES) if t != p),
                key=lambda c: confusion[c[0]][c[1]],
            )
        self.cell = start

    def validate_cell(self, cell: tuple[int, int]) -> tuple[int, int]:
        return (max(0, min(9, cell[0])), max(0, min(9, cell[1])))

    def action_move(self, dx: int, dy: int) -> None:
        self.cell = (self.cell[0] + dy, self.cell[1] + dx)

    def action_choose(self) -> None:
        self.post_message(self.CellChosen(*self.cell))

    def on_click(self, event: events.Click) -> None:
        row, column = event.y - 1, (event.x - self.label_width) // CELL
        if not (0 <= row < NUM_CLASSES and 0 <= column < NUM_CLASSES):
            return  # the labels (x < label_width gives column −1), the total, the legend
        if (row, column) == self.cell:
            self.action_choose()
        else:
            self.cell = (row, column)

    def render(self) -> RenderableType:
        colour_on = not getattr(self.app, "no_color", False)
        muted = Style(dim=True)
        lines = confusion_cell_lines(
            self.confusion, self.cell, colour_on=colour_on, muted=muted, names=self.names
        )
        lines.append([])
        noun = "images" if self.names else "digits"
        lines.append(scale_legend(self.size.width, colour_on=colour_on, muted=muted, noun=noun))
        return SegmentLines(lines)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return NUM_CLASSES + 3

    def get_content_width(self, container: object, viewport: object) -> int:
        return self.label_width + NUM_CLASSES * CELL + 8
