"""SVG snapshots of the dashboard (pytest-textual-snapshot) from ``scripted_run`` (an lr change ▼,
a pause ‖ and resume ▶, an epoch boundary ┊, test results ●): mid-training in the dark theme,
the light theme and NO_COLOR at 80×24 and 120×36 (the dark one at 140×45 too), and paused at
80×24 and 140×45.

Look at them as pictures before updating. rsvg collapses the SVG's runs of spaces unless told to
keep them, so convert a copy:
``sed 's/<svg /<svg xml:space="preserve" /' X.svg > keep.svg && rsvg-convert -o x.png keep.svg``
(rsvg also ignores ``textLength``, and its font draws braille wider than a cell: a run of the
loss line's braille may look longer in the PNG than it is on a terminal.)
"""

from __future__ import annotations

import pytest

from tests.tui.scripted_run import scripted_app

COMPACT, MEDIUM, LARGE = (80, 24), (120, 36), (140, 45)
THEMES = {"dark": "textual-dark", "light": "textual-light", "nocolor": "textual-dark"}


async def settle(pilot) -> None:  # noqa: ANN001
    await pilot.pause(0.15)
    pilot.app.dashboard.repaint_all()
    await pilot.pause(0.05)


CASES = [(look, size) for look in ("dark", "light", "nocolor") for size in (COMPACT, MEDIUM)]
CASES.append(("dark", LARGE))


@pytest.mark.parametrize(
    ("look", "size"), CASES, ids=lambda v: v if isinstance(v, str) else f"{v[0]}x{v[1]}"
)
def test_mid_training(snap_compare, monkeypatch, look: str, size: tuple[int, int]) -> None:  # noqa: ANN001
    if look == "nocolor":
        monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    app = scripted_app()
    assert app.no_color == (look == "nocolor")

    async def themed(pilot) -> None:  # noqa: ANN001
        pilot.app.theme = THEMES[look]
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=themed)


@pytest.mark.parametrize("size", [COMPACT, LARGE], ids=lambda s: f"{s[0]}x{s[1]}")
def test_paused(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    async def pause(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(scripted_app(), terminal_size=size, run_before=pause)
