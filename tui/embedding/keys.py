"""Provides the embedding map's key table: ``MAP_KEYS``, the one list its ``?`` help screen and the
README's table under "The embedding map" come from (tests/tui/test_embedding_keys.py holds the
README to it). The bindings themselves are in screen.py.
"""

from __future__ import annotations

from rich.table import Table

from cnn_tui.tui.screens.help import key_table, markdown_table

MAP_KEYS: tuple[tuple[str, str], ...] = (
    (
        "arrows (`shift`: 5 cells), click",
        "move the cursor; the nearest digit is named and shown reversed",
    ),
    (
        "`Enter`",
        "open the named digit in the inspector's detail view (a mistake: with the map's other "
        "mistakes, most confident first, for `←` `→`; a digit it has right: that one alone)",
    ),
    ("`n` `N`", "next / previous mistake on the map, most confident first"),
    (
        "`x`",
        "hide / show the `×` marks (to see the clusters alone); they start hidden on a map with "
        "more than 20 % of its digits wrong, where they would cover every cluster (the legend "
        "says so)",
    ),
    ("`[` `]`", "an older / newer map of the run (the newest follows the run again)"),
    ("`0`–`9`", "one class in focus, the others faint (the same key again: all)"),
    ("`e`", "evaluate now, as on the dashboard (a new map follows)"),
    ("`?`", "this list of keys"),
    ("`escape` `p`", "back to the dashboard"),
)
"""(keys, what they do), in README markdown (plain() strips the backquotes for the screen)."""


def map_help_table() -> Table:
    """The key table as the ``?`` help shows it."""
    return key_table(MAP_KEYS)


def markdown_rows() -> list[str]:
    """The README's table of these keys, line by line (header included)."""
    return markdown_table(MAP_KEYS)
