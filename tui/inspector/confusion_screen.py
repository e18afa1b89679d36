"""Provides ``ConfusionScreen``: the full confusion matrix; choosing a cell dismisses the screen
with that (true, predicted) pair, which the browser turns into its filter.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Footer, Static

from cnn_tui.core.contract.class_names import class_name
from cnn_tui.tui.inspector.confusion import ConfusionGrid
from cnn_tui.tui.inspector.keys import KEYS_BINDING, InspectorScreen


class ConfusionScreen(InspectorScreen[tuple[int, int] | None]):
    """The 10×10 matrix; Enter (or a click on the selected cell) opens its digits."""

    CSS_PATH = "inspector.tcss"

    BINDINGS = [
        Binding("escape,c", "back", "Back", id="confusion-back"),
        KEYS_BINDING,
    ]

    def __init__(
        self,
        confusion: Sequence[Sequence[int]],
        *,
        title: str,
        start: tuple[int, int] | None = None,
        names: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.confusion = confusion
        self.names = tuple(names)
        """The run's class names (() for MNIST's digits)."""
        self.title_text = title
        self.start = start

    def compose(self) -> ComposeResult:
        yield Static(self.title_text, id="confusion-title", markup=False)
        with Vertical(id="confusion-body"), Center():
            yield ConfusionGrid(self.confusion, start=self.start, names=self.names)
        yield Static("", id="confusion-cell", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        grid = self.query_one(ConfusionGrid)
        grid.focus()
        self.watch(grid, "cell", self._describe)

    @on(ConfusionGrid.CellChosen)
    def chosen(self, event: ConfusionGrid.CellChosen) -> None:
        self.dismiss((event.label, event.predicted))

    def _describe(self, cell: tuple[int, int]) -> None:
        t, p = cell
        count = self.confusion[t][p]
        share = 100 * count / (sum(self.confusion[t]) or 1)
        if self.names:  # "true Shirt, predicted Coat: 34 of 1,000 (3.4%)" (fits 80 columns)
            true, said = class_name(self.names, t), class_name(self.names, p)
            total = sum(self.confusion[t])
            text = f"true {true}, predicted {said}: {count:,} of {total:,} ({share:.1f}%)"
        else:
            text = f"true {t}, predicted {p}: {count} digits ({share:.1f}% of the {t}s)"
        self.query_one("#confusion-cell", Static).update(
            text + ("" if t == p else " · Enter: show them")
        )

    def action_back(self) -> None:
        self.dismiss(None)
