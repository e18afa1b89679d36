"""Every key of the inspector reachable at 80×24 (issue 13, item 7): each screen's footer fits in
80 columns, in ``cnn-tui inspect`` and when the dashboard's ``m`` opens it; ``?`` lists every key
(from one table, tui/inspector/keys.py, which README.md's inspector table follows); and the
palette's "Screenshot" saves where the user is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.app import App
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from cnn_tui.core.engines import make_engine
from cnn_tui.tui.formatting import plain
from cnn_tui.tui.inspector.app import InspectorApp
from cnn_tui.tui.inspector.confusion import ConfusionGrid
from cnn_tui.tui.inspector.confusion_screen import ConfusionScreen
from cnn_tui.tui.inspector.detail_screen import DetailScreen
from cnn_tui.tui.inspector.grid import MistakeGrid
from cnn_tui.tui.inspector.keys import INSPECTOR_KEYS
from cnn_tui.tui.inspector.mistakes_screen import MistakesScreen
from cnn_tui.tui.inspector.source import LocalSource
from cnn_tui.tui.screens.help import HelpScreen
from tests.tui.inspector_fixture import direct_evaluation, small_run
from tests.tui.test_key_table import README

SMALL = (80, 24)


class FromTheDashboard(App[None]):
    """The browser as the dashboard's ``m`` opens it: closable, over another screen."""

    def on_mount(self) -> None:
        state, test = small_run()
        source = LocalSource(make_engine(state.config, state.params), test, step=state.step)
        self.push_screen(MistakesScreen(direct_evaluation(), test, source, closable=True))


def footer_keys(app: App[None]) -> dict[str, FooterKey]:
    """The footer's keys by what they show, each checked to lie wholly on the screen."""
    footer = app.screen.query_one(Footer)
    keys = {key.key_display: key for key in footer.query(FooterKey)}
    for shown, key in keys.items():
        region = key.region
        assert region.width > 0 and region.right <= SMALL[0], (shown, region)
    return keys


async def inspector(pilot) -> InspectorApp:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(pilot.app.screen, MistakesScreen)
    return pilot.app


def inspect_app() -> InspectorApp:
    state, test = small_run()
    return InspectorApp(state, test, None)


async def test_every_footer_fits_80_columns_in_cnn_tui_inspect() -> None:
    app = inspect_app()
    async with app.run_test(size=SMALL) as pilot:
        await inspector(pilot)
        keys = footer_keys(app)
        assert {"⏎", "s", "t", "p", "c", "x", "e", "j", "?", "q"} <= set(keys)
        await pilot.press("t")  # waiting for a digit: Esc cancels, and says so
        await pilot.pause()
        assert "esc" in footer_keys(app)
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert {"esc", "n", "s", "e", "?", "q"} <= set(footer_keys(app))
        await pilot.press("escape", "c")
        await pilot.pause()
        assert isinstance(app.screen, ConfusionScreen)
        assert {"esc", "⏎", "?"} <= set(footer_keys(app))


async def test_the_browser_the_dashboard_opens_shows_j_and_esc_in_80_columns() -> None:
    app = FromTheDashboard()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MistakesScreen)
        assert {"⏎", "s", "t", "p", "c", "x", "e", "j", "esc", "?"} <= set(footer_keys(app))


@pytest.mark.parametrize("keys", [(), ("enter",), ("c",)], ids=["browser", "detail", "matrix"])
async def test_question_mark_lists_every_inspector_key(keys: tuple[str, ...]) -> None:
    app = inspect_app()
    async with app.run_test(size=SMALL) as pilot:
        await inspector(pilot)
        await pilot.press(*keys, "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        _, keys_column, does_column = (list(c.cells) for c in app.screen.table.columns)
        for _, key, does in INSPECTOR_KEYS:
            assert plain(key) in keys_column and plain(does) in does_column
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


WRITTEN = {
    "escape": "`Esc`",
    "enter": "`Enter`",
    "question_mark": "`?`",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "left": "`←`",
    "right": "`→`",
    "up": "arrows",
    "down": "arrows",
}


@pytest.mark.parametrize(
    ("where", "owners"),
    [
        ("browser", (MistakesScreen, MistakeGrid)),
        ("detail", (DetailScreen,)),
        ("matrix", (ConfusionScreen, ConfusionGrid)),
    ],
)
def test_every_binding_is_in_the_table(where: str, owners: tuple[type, ...]) -> None:
    text = " ".join(f"{keys} {does}" for w, keys, does in INSPECTOR_KEYS if w in (where, "all"))
    for owner in owners:
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            for key in binding.key.split(","):
                written = "`0`–`9`" if key.isdigit() else WRITTEN.get(key, f"`{key}`")
                if where != "detail" and key in ("left", "right"):
                    written = "arrows"
                assert written in text, (where, key)


def test_readme_inspector_table_is_the_table() -> None:
    text = README.read_text(encoding="utf-8").split("## The inspector", 1)[1].split("\n## ")[0]
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    cells = [tuple(c.strip() for c in row.strip("|").split("|")) for row in rows]
    assert cells[0] == ("where", "key", "does")
    assert cells[1:] == list(INSPECTOR_KEYS)
    assert not re.search(r"\| *\? *\|", text)  # the ? key is written `?`


async def test_the_palettes_screenshot_saves_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = inspect_app()
    async with app.run_test(size=SMALL) as pilot:
        await inspector(pilot)
        [command] = [c for c in app.get_system_commands(app.screen) if c.title == "Screenshot"]
        app.call_later(command.callback)
        await pilot.pause(0.4)
        [saved] = tmp_path.glob("*.svg")
        assert any(str(saved.resolve()) in n.message for n in app._notifications)
