"""Provides ``InspectorLoading``: the screen shown while a saved network evaluates the test set."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label, ProgressBar


class InspectorLoading(Screen[None]):
    """ "evaluating N test digits…" and a progress bar."""

    CSS_PATH = "inspector.tcss"

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="loading-box"):
            yield Label(self.text, id="loading-text", markup=False)
            yield ProgressBar(id="loading-bar", show_eta=False)

    def set_progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)
