"""The dashboard's screenshot (issue 13, item 4): ``S`` and the command palette's "Screenshot" save
an SVG of the screen in a folder that exists (the current directory unless told otherwise) and
say its full path — or, in one line, why it could not be saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnn_tui.tui.dashboard.keys import help_rows
from tests.tui.dashboard_pilot import SIZE, make, settle


def svgs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.svg"))


async def test_s_saves_the_screen_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app, _ = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await pilot.pause(0.3)
        [saved] = svgs(tmp_path)
        note = list(app._notifications)[-1]
        assert note.severity == "information"
        assert str(saved.resolve()) in note.message and note.title == "Screenshot"
        svg = saved.read_text(encoding="utf-8").replace("&#160;", " ")
        assert svg.startswith("<svg") and "RUNNING" in svg
        await pilot.press("S")  # a second one in the same second is a new file
        await pilot.pause(0.3)
        assert len(svgs(tmp_path)) == 2


async def test_the_palettes_screenshot_saves_there_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app, _ = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        [command] = [c for c in app.get_system_commands(app.screen) if c.title == "Screenshot"]
        assert command.help.endswith("(S)")
        app.call_later(command.callback)
        await pilot.pause(0.4)
        [saved] = svgs(tmp_path)
        messages = [n.message for n in app._notifications]
        assert any(str(saved.resolve()) in m for m in messages)
        assert not any("Failed" in m for m in messages)


async def test_a_folder_that_cannot_be_written_is_said_in_one_line(tmp_path: Path) -> None:
    app, _ = make()
    not_a_folder = tmp_path / "taken"
    not_a_folder.write_text("a file, not a folder")
    app.screenshot_dir = not_a_folder
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await pilot.pause(0.3)
        note = list(app._notifications)[-1]
        assert note.severity == "error"
        assert str(not_a_folder) in note.message and "\n" not in note.message
        assert "not a directory" in note.message.lower()
    assert not svgs(tmp_path)


def test_help_lists_the_screenshot_key() -> None:
    assert any(keys == "S" and "screenshot" in does for keys, does in help_rows())
