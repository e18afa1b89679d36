"""The one key table (tui/dashboard/keys.py) against everything that shows keys: README.md's
tables (parsed from the markdown), the footer's bindings, the help screen and the command
palette."""

from __future__ import annotations

import re
from pathlib import Path

from textual.actions import parse as parse_action

from cnn_tui.core.contract import commands as cmd
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.dashboard.keys import KEY_TABLE, PANELS, help_rows, palette_entries
from cnn_tui.tui.dashboard.screen import DashboardScreen
from cnn_tui.tui.draw.keys import DRAW_KEYS
from cnn_tui.tui.formatting import plain
from cnn_tui.tui.inspector.keys import INSPECTOR_KEYS
from cnn_tui.tui.screens.help import help_table
from tests.tui.dashboard_pilot import SIZE, make, settle, status

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## The dashboard: keys and panels"


def readme_tables() -> list[list[list[str]]]:
    """The markdown tables of README.md's dashboard section: rows of cells, header first (the
    separator row left out)."""
    text = README.read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    tables: list[list[list[str]]] = []
    previous_was_row = False
    for line in section.splitlines():
        is_row = line.startswith("|")
        if is_row and not re.fullmatch(r"\|( *-+ *\|)+", line):
            if not previous_was_row:
                tables.append([])
            tables[-1].append([cell.strip() for cell in line.strip("|").split("|")])
        previous_was_row = is_row
    return tables


def test_readme_key_table_is_the_key_table() -> None:
    keys_table = next(t for t in readme_tables() if t[0] == ["key", "does"])
    rows = [(tuple(re.findall(r"`([^`]+)`", keys)), does) for keys, does in keys_table[1:]]
    assert rows == [(row.keys, row.does) for row in KEY_TABLE]


def test_readme_panel_table_is_the_panel_table() -> None:
    panels_table = next(t for t in readme_tables() if t[0] == ["panel", "shows"])
    assert [tuple(row) for row in panels_table[1:]] == list(PANELS)


def test_footer_bindings_come_from_the_table() -> None:
    screen = [(b.key, b.action, b.description, b.id) for b in DashboardScreen.BINDINGS]  # type: ignore[union-attr]
    app = [(b.key, b.action, b.id) for b in DashboardApp.BINDINGS]  # type: ignore[union-attr]
    table = [b for row in KEY_TABLE for b in row.bindings]
    assert screen == [(b.key, b.action, b.label, b.id) for b in table if not b.priority]
    assert app == [(b.key, b.action, b.id) for b in table if b.priority]
    ids = [b.id for b in table]
    assert len(ids) == len(set(ids)) and all(b.label for b in table)


def test_every_binding_is_documented_in_its_row_and_has_an_action() -> None:
    for row in KEY_TABLE:
        for bound in row.bindings:
            assert (bound.display or bound.key) in row.keys, (bound, row.keys)
            namespace, name, _ = parse_action(bound.action)
            owner = DashboardApp if namespace == "app" else DashboardScreen
            assert callable(getattr(owner, f"action_{name}", None)), bound.action


def test_help_screen_shows_every_row() -> None:
    rows = help_rows()
    assert [does for _, does in rows] == [plain(row.does) for row in KEY_TABLE]
    table = help_table()
    keys_column, does_column = ([str(c) for c in column.cells] for column in table.columns)
    for keys, does in rows:
        assert keys in keys_column and does in does_column


def test_help_screens_and_palette_show_no_markdown() -> None:
    """The README's rows carry backticks and links; a help screen shows their words only."""
    cells = [does for _, does in help_rows()] + [text for _, text, _ in palette_entries()]
    cells += [c for _, keys, does in INSPECTOR_KEYS for c in (plain(keys), plain(does))]
    cells += [plain(does) for _, does in DRAW_KEYS]
    assert not [c for c in cells if "`" in c or "](" in c]
    assert "X" in dict(help_rows())
    assert dict(help_rows())["X"].startswith("in cnn-tui attach, with the token")
    assert dict(help_rows())["h"].endswith("key that applies their fix")


def palette_titles(app: DashboardApp) -> list[str]:
    return [c.title for c in app.get_system_commands(app.screen)]


async def test_palette_offers_what_space_would_do_and_runs_actions() -> None:
    app, link = make(hold=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = palette_titles(app)
        assert "Pause training" in titles and "Resume training" not in titles
        for title in ("Learning rate ×2", "Loss chart: log scale", "Cycle the lower panel"):
            assert title in titles
        assert "Keys" in titles  # Textual's own commands stay
        double = next(c for c in app.get_system_commands(app.screen) if c.title.endswith("×2"))
        app.call_later(double.callback)
        await settle(pilot)
        assert link.sent == [cmd.SetHyperparameters(lr=0.02)]
        assert "lr → 0.02…" in status(app)
        pause = next(c for c in app.get_system_commands(app.screen) if c.title == "Pause training")
        app.call_later(pause.callback)
        await settle(pilot)
        assert link.sent[-1] == cmd.Pause()
        titles = palette_titles(app)
        assert "Resume training" in titles and "Pause training" not in titles
