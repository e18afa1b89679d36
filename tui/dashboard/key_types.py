"""Provides the two shapes of the dashboard's key table: a ``Row`` is what a reader sees (the keys
as typed and what they do), a ``Bound`` is a Textual binding behind it (an action of the dashboard
screen, its footer label, and its command-palette title when it belongs there). The table itself
is in keys.py.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bound:
    """One binding: Textual key name(s) to an action of the dashboard screen."""

    key: str  # Textual key names, comma-separated: "plus,equals_sign"
    action: str  # e.g. "lr_up", "smoothing(-1)", "app.quit"
    label: str  # the footer's label
    id: str  # the binding id (a user keymap refers to it)
    show: bool = True  # in the footer
    display: str | None = None  # how the footer writes the key ("+" for "plus,equals_sign")
    palette: str = ""  # the command palette's title; "" keeps it out of the palette
    priority: bool = False  # an app-wide binding, checked before any screen's (ctrl+c)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the key table: the keys as a reader types them, and what they do."""

    keys: tuple[str, ...]
    does: str
    bindings: tuple[Bound, ...] = ()
