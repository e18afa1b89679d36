"""Provides the drawing screen's keys: its bindings, and its key table — the one list its ``?``
help shows and README.md's "Draw a digit" table follows (tests/tui/test_draw_keys.py holds both
to it, and the bindings).
"""

from __future__ import annotations

from rich.table import Table
from textual.binding import Binding

from cnn_tui.tui.screens.help import key_table, markdown_table

DRAW_KEYS: tuple[tuple[str, str], ...] = (
    ("drag (left button)", "draw; a fast drag is joined point to point"),
    ("drag (right button)", "erase"),
    ("arrows", "move the cursor (one pixel)"),
    ("`space`", "paint at the cursor (erase, in eraser mode)"),
    ("`e`", "pen ↔ eraser (for space and the left button)"),
    ("`[` `]`", "brush smaller / larger (1–6 pixels across)"),
    ("`b`", "type a brush size (1–6; anything else is refused with the reason)"),
    ("`c`", "clear the canvas"),
    ("`t`", "load the next test digit onto the canvas, to edit a real one"),
    ("`i`", "show what the network receives (fitted in 20×20, centred by mass) ↔ your drawing"),
    ("`Esc`", "back"),
    ("`?`", "these keys"),
)
"""(keys as README.md writes them, what they do)."""

DRAW_BINDING_KEYS = (
    "space",
    "e",
    "left_square_bracket",
    "right_square_bracket",
    "b",
    "c",
    "t",
    "i",
    "escape",
    "question_mark",
)
"""The Textual keys the table's rows name (the tests check each is bound)."""

DRAW_BINDINGS: tuple[Binding, ...] = (
    Binding("e", "toggle_eraser", "Eraser", id="draw-eraser"),
    Binding(
        "left_square_bracket",
        "brush(-1)",
        "Brush−",
        key_display="[",
        show=False,
        id="draw-brush-smaller",
    ),
    Binding(
        "right_square_bracket",
        "brush(1)",
        "Brush+",
        key_display="]",
        show=False,
        id="draw-brush-larger",
    ),
    Binding("b", "type_brush", "Brush", id="draw-brush"),
    Binding("c", "clear", "Clear", id="draw-clear"),
    Binding("t", "test_digit", "Test digit", id="draw-test-digit"),
    Binding("i", "toggle_input", "Input", id="draw-input"),
    Binding("escape", "back", "Back", id="draw-back"),
    Binding("question_mark", "keys", "Help", key_display="?", id="draw-keys"),
)
"""The drawing screen's bindings (DrawScreen.BINDINGS)."""


def draw_help_table() -> Table:
    """The key table as the ``?`` help shows it."""
    return key_table(DRAW_KEYS)


def markdown_rows() -> list[str]:
    """The README's table of these keys, line by line (header included)."""
    return markdown_table(DRAW_KEYS)
