"""Provides ``TooSmallScreen``: shown instead of the dashboard while the terminal is smaller than
the dashboard's minimum, saying how large it is and how large it must be."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen[None]):
    """ "Make the terminal larger", with the sizes; q still quits."""

    BINDINGS = [Binding("q,ctrl+c", "app.quit", "Quit", id="small-quit")]

    def __init__(self, min_width: int, min_height: int) -> None:
        super().__init__()
        self.min_width = min_width
        self.min_height = min_height

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(id="too-small-message")

    def on_mount(self) -> None:
        self.show_size(self.app.size.width, self.app.size.height)

    def show_size(self, width: int, height: int) -> None:
        """Update the message for the terminal's current size."""
        self.query_one("#too-small-message", Static).update(
            f"Make the terminal larger\n\n"
            f"it is {width}×{height}; the dashboard needs {self.min_width}×{self.min_height}\n"
            f"(training goes on meanwhile · q quits)"
        )
