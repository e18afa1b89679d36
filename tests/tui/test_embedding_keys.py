"""The embedding map's keys (tui/embedding/keys.py): the README's table under "The embedding map"
is exactly that list, every key the screen binds is in it, and ``?`` shows it on the screen."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from cnn_tui.tui.embedding.keys import MAP_KEYS, markdown_rows
from cnn_tui.tui.embedding.screen import EmbeddingScreen
from cnn_tui.tui.screens.help import HelpScreen
from tests.tui.embedding_fixture import map_app, open_map

README = Path(__file__).parents[2] / "README.md"


def test_the_readme_table_is_the_key_list() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The embedding map") :]
    section = section[: section.index("\n## ")]
    assert "\n".join(markdown_rows()) in section


def test_every_bound_key_is_in_the_list() -> None:
    listed = " ".join(keys for keys, _ in MAP_KEYS)
    names = {"question_mark": "?", "left_square_bracket": "[", "right_square_bracket": "]"}
    names |= {"enter": "Enter", "escape": "escape", "left": "arrows", "up": "arrows"}
    names |= {"right": "arrows", "down": "arrows"}
    for binding in EmbeddingScreen.BINDINGS:
        for key in binding.key.split(","):  # type: ignore[union-attr]
            key = key.removeprefix("shift+")
            shown = names.get(key, "`0`–`9`" if key.isdigit() else key)
            assert shown.strip("`") in listed, key


async def test_question_mark_shows_the_keys() -> None:
    app, _ = map_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_map(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=200, file=io.StringIO(), record=True)
        console.print(app.screen.table)
        shown = console.export_text()
        assert "next / previous mistake on the map" in shown and "one class in focus" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, EmbeddingScreen)
