"""Provides the inspector's key table — the one list its ``?`` help shows and README.md's inspector
table follows (tests/tui/test_inspector_keys.py holds both to it, and every screen's bindings to
it) — and ``InspectorScreen``, the base of its screens: ``?`` for that help, and a footer kept
within the terminal's width (``fit_footer``).

The bindings themselves stay with the screens that own them (mistakes_screen.py, grid.py,
detail_screen.py, confusion_screen.py, confusion.py, app.py); their footer labels are short so
that every key fits in 80 columns.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from textual import events
from textual.binding import Binding
from textual.screen import Screen, ScreenResultType
from textual.widgets import Footer

from cnn_tui.tui.formatting import plain
from cnn_tui.tui.screens.help import HelpScreen

INSPECTOR_KEYS: tuple[tuple[str, str, str], ...] = (
    (
        "browser",
        "arrows, PgUp/PgDn, Home/End, wheel",
        'move through the grid of mistakes ("true → predicted, confidence" under each digit)',
    ),
    ("browser", "`Enter` or a click on the selected digit", "open it in detail"),
    ("browser", "`s`", "sort: most confident mistakes first → by class → test-set order"),
    (
        "browser",
        "`t` then `0`–`9` / `p` then `0`–`9`",
        "filter by true / predicted class (`t t`, `p p`: any)",
    ),
    (
        "browser",
        "`c`",
        "the confusion matrix: arrows or a click pick a cell, `Enter` (or a "
        "second click) shows its digits",
    ),
    ("browser", "`x`", "clear the filter"),
    ("browser", "`d`", "draw a digit for this network ([its keys](#draw-a-digit))"),
    (
        "browser",
        "`e` / `j`",
        "export the list shown as CSV / JSON Lines (index, true, predicted, ten probabilities)",
    ),
    ("detail", "`←` `→` (or `p` `n`)", "previous / next mistake"),
    ("detail", "`s`", "saliency of the predicted class ↔ of the true class"),
    ("detail", "`e`", "save the view as an SVG screenshot"),
    ("detail", "`d`", "draw, starting from this digit (edit it and watch the answer change)"),
    ("matrix", "arrows, `Enter`, `c`", "pick a cell, show its digits; `c` (or `Esc`) goes back"),
    ("all", "`Esc`", "back; `q` quits `cnn-tui inspect`"),
    ("all", "`?`", "these keys (`ctrl+p`: the command palette, e.g. a screenshot of any view)"),
)
"""(where, keys as README.md writes them, what they do)."""

COMPACT_BELOW = 120
"""Columns under which the footer is compact and leaves the palette key to ``?``."""


def fit_footer(screen: Screen[Any], width: int) -> None:
    """Below ``COMPACT_BELOW`` columns: Textual's compact footer, without the ``^p palette`` key
    (ctrl+p still works; ``?`` lists it), so that every key of the screen shows in 80 columns."""
    for footer in screen.query(Footer):
        footer.compact = width < COMPACT_BELOW
        footer.show_command_palette = width >= COMPACT_BELOW


def inspector_help_table() -> Table:
    """The key table as the ``?`` help shows it: where, keys, what they do."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(style="bold")
    table.add_column()
    for where, keys, does in INSPECTOR_KEYS:
        table.add_row(where, plain(keys), plain(does))
    return table


def markdown_rows() -> list[str]:
    """README.md's inspector table, line by line (header included)."""
    lines = ["| where | key | does |", "|---|---|---|"]
    return lines + [f"| {where} | {keys} | {does} |" for where, keys, does in INSPECTOR_KEYS]


KEYS_BINDING = Binding("question_mark", "keys", "Help", key_display="?", id="inspector-keys")
"""``?``: each screen lists it last in its ``BINDINGS`` (the footer's order)."""


class InspectorScreen(Screen[ScreenResultType]):
    """An inspector screen: ``action_keys`` (``?``) lists every inspector key; the footer fits
    the width."""

    def on_mount(self) -> None:
        fit_footer(self, self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        fit_footer(self, event.size.width)

    def action_keys(self) -> None:
        self.app.push_screen(HelpScreen(inspector_help_table(), title="cnn-tui inspector · keys"))
