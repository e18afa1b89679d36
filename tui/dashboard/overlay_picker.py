"""Provides ``OverlayPicker``: the modal of key ``o`` — the other runs of the snapshot folder
(newest first: name, start, network, best test accuracy, state), the ones drawn now checked.
Space (or a click) checks a run, at most ``MAX_OVERLAYS``; enter applies the choice (none
checked: the overlay is cleared); escape leaves it as it was. Dismisses with the chosen runs, or
None when cancelled. Its layout is in overlay_picker.tcss beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList, Static

from cnn_tui.core.runs.folder import ListedRun
from cnn_tui.tui.dashboard.overlay_runs import MAX_OVERLAYS, candidate_label


class OverlayPicker(ModalScreen[tuple[ListedRun, ...] | None]):
    """Choose up to ``MAX_OVERLAYS`` runs to draw behind the live one."""

    CSS_PATH = Path(__file__).with_name("overlay_picker.tcss")
    BINDINGS = [
        Binding("enter", "apply", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, runs: Sequence[ListedRun], chosen: Sequence[Path]) -> None:
        super().__init__()
        self.runs = list(runs)
        self.chosen = {p.resolve() for p in chosen}

    def compose(self) -> ComposeResult:
        with Vertical(id="overlay"):
            yield Label("Overlay other runs on the loss and accuracy charts", id="overlay-title")
            yield Static(
                f"space: check (up to {MAX_OVERLAYS}) · enter: apply (none: clear) · esc: cancel",
                id="overlay-hint",
            )
            options = [
                (candidate_label(run), i, run.path.resolve() in self.chosen)
                for i, run in enumerate(self.runs)
            ]
            yield SelectionList[int](*options, id="overlay-runs")
            yield Static(id="overlay-chosen")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()
        self._say_chosen()

    def _say_chosen(self) -> None:
        """The checked runs in words (the marks differ by colour only, lost under NO_COLOR)."""
        picked = sorted(self.query_one(SelectionList).selected)
        names = ", ".join(self.runs[i].record.name for i in picked)
        said = f"checked: {names}" if names else "none checked: enter clears the overlay"
        self.query_one("#overlay-chosen", Static).update(said)

    @on(SelectionList.SelectedChanged)
    def _at_most(self, event: SelectionList.SelectedChanged[int]) -> None:
        """Refuse a sixth run: uncheck it again and say why."""
        selection = event.selection_list
        if len(selection.selected) > MAX_OVERLAYS:
            highlighted = selection.highlighted
            if highlighted is not None:
                selection.deselect(selection.get_option_at_index(highlighted).value)
            self.notify(f"at most {MAX_OVERLAYS} runs overlaid at once", title="Overlay")
        self._say_chosen()

    def action_apply(self) -> None:
        picked = sorted(self.query_one(SelectionList).selected)
        self.dismiss(tuple(self.runs[i] for i in picked))

    def action_cancel(self) -> None:
        self.dismiss(None)
