"""Provides ``HelpScreen``: every key and what each panel shows, from the dashboard's one key table
(``tui/dashboard/keys.py``, which README.md's tables follow too) — or another table given to it
(the inspector's, ``tui/inspector/keys.py``). ``key_table`` and ``markdown_table`` turn a screen's
own key rows (the drawing screen's, the embedding map's) into its help table and its README
table. Its layout is in help.tcss beside it."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from cnn_tui.tui.dashboard.keys import PANELS, help_rows
from cnn_tui.tui.formatting import plain

KeyRows = tuple[tuple[str, str], ...]
"""A screen's own keys: (keys, what they do), in README markdown."""


def marked(text: str) -> Text:
    """A help row's words with its `code` spans (the README's backticks) in bold."""
    out = Text()
    for i, part in enumerate(text.split("`")):
        out.append(part, style="bold" if i % 2 else "")
    return out


def key_table(rows: KeyRows) -> Table:
    """A screen's own key table as its ``?`` help shows it (the markdown made plain)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for keys, does in rows:
        table.add_row(plain(keys), plain(does))
    return table


def markdown_table(rows: KeyRows) -> list[str]:
    """The README's table of those keys, line by line (header included)."""
    return ["| key | does |", "|---|---|", *(f"| {keys} | {does} |" for keys, does in rows)]


def help_table() -> Table:
    """Keys, then panels, as one two-column table."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row(Text("Keys", style="bold underline"), "")
    for key, what in help_rows(code="`"):
        table.add_row(key, marked(what))
    table.add_row("", "")
    table.add_row(Text("Panels", style="bold underline"), "")
    for name, what in PANELS:
        table.add_row(name, what)
    return table


class HelpScreen(ModalScreen[None]):
    """The key bindings and panels (or ``table``); any of escape, q or ? closes it."""

    CSS_PATH = Path(__file__).with_name("help.tcss")  # absolute: subclasses live elsewhere
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help-close")]

    def __init__(self, table: Table | None = None, *, title: str = "cnn-tui · help") -> None:
        super().__init__()
        self.table = table if table is not None else help_table()
        self.help_title = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(self.table, id="help-table")

    def on_mount(self) -> None:
        self.query_one("#help").border_title = self.help_title
        self.query_one("#help").border_subtitle = "escape closes"

    def action_close(self) -> None:
        self.dismiss(None)
