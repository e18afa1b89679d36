"""Provides ``HelpScreen``: every key and what each panel shows, from the dashboard's one key table
(``tui/dashboard/keys.py``, which README.md's tables follow too)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from cnn_tui.tui.dashboard.keys import PANELS, help_rows


def help_table() -> Table:
    """Keys, then panels, as one two-column table."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row(Text("Keys", style="bold underline"), "")
    for key, what in help_rows():
        table.add_row(key, what)
    table.add_row("", "")
    table.add_row(Text("Panels", style="bold underline"), "")
    for name, what in PANELS:
        table.add_row(name, what)
    return table


class HelpScreen(ModalScreen[None]):
    """The key bindings and panels; any of escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help-close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(help_table(), id="help-table")

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "cnn-tui · help"
        self.query_one("#help").border_subtitle = "escape closes"

    def action_close(self) -> None:
        self.dismiss(None)
