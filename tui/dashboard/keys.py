"""Provides the dashboard's key table, the one list that the footer (``BINDINGS``), the ``?`` help
screen, the command palette and README.md's key table all come from (tests/tui/test_key_table.py
holds the README to it), and the panel descriptions the help screen and the README share.

A row is what a reader sees: the keys as shown and what they do. Behind it are the Textual
bindings (``Bound``) that make the keys work: the dashboard screen's actions, a label for the
footer, and a title when the action belongs in the command palette. The rows live in two
modules by what they do (keys_steering.py: training; keys_views.py: views, charts and the app);
this one puts them together and derives everything else from the whole.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from cnn_tui.tui.dashboard.key_types import Bound as Bound
from cnn_tui.tui.dashboard.key_types import Row as Row
from cnn_tui.tui.dashboard.keys_steering import STEERING_ROWS
from cnn_tui.tui.dashboard.keys_views import VIEW_ROWS
from cnn_tui.tui.dashboard.panel_notes import PANELS as PANELS  # the panel table, beside this one
from cnn_tui.tui.formatting import plain

# the one table, in the order the help screen and the README show it
KEY_TABLE: tuple[Row, ...] = STEERING_ROWS + VIEW_ROWS


def _binding(bound: Bound) -> Binding:
    return Binding(
        bound.key,
        bound.action,
        bound.label,
        show=bound.show,
        key_display=bound.display,
        priority=bound.priority,
        id=bound.id,
    )


def bindings(*, priority: bool) -> list[BindingType]:
    """The bindings of the table: the app's (``priority=True``) or the dashboard screen's."""
    return [_binding(b) for row in KEY_TABLE for b in row.bindings if b.priority == priority]


def palette_entries() -> list[tuple[str, str, str]]:
    """(title, help, action) for every binding that belongs in the command palette."""
    return [
        (b.palette, f"{plain(row.does)} ({b.display or b.key})", b.action)
        for row in KEY_TABLE
        for b in row.bindings
        if b.palette
    ]


def help_rows(*, code: str = "") -> list[tuple[str, str]]:
    """(keys, what they do) for the help screen: the README's words without its Markdown (its
    `code` spans between two ``code`` marks, for the help screen to show them in bold)."""
    return [("  ".join(row.keys), plain(row.does, code=code)) for row in KEY_TABLE]


def markdown_rows() -> list[str]:
    """The README's key table, line by line (header included)."""
    lines = ["| key | does |", "| --- | --- |"]
    lines += [f"| {' '.join(f'`{k}`' for k in row.keys)} | {row.does} |" for row in KEY_TABLE]
    return lines
