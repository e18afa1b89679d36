"""The embedding map in ``cnn-tui attach`` against a REAL served run (tests/tui/served_run.py): a
served headless run computes the map after each evaluation; a viewer with the token asks for one
(e), sees it (p) and opens a digit in the inspector (the run answers its RequestSample); a
read-only viewer attaching afterwards gets the map in the run's history and sees it too, and is
told why it cannot open a digit."""

from __future__ import annotations

from pathlib import Path

from textual.screen import Screen

from cnn_tui.tui.attach.connect import connect
from cnn_tui.tui.attach.remote_link import RemoteLink
from cnn_tui.tui.dashboard.app import DashboardApp
from cnn_tui.tui.embedding.screen import EmbeddingScreen
from cnn_tui.tui.inspector.detail_screen import DetailScreen
from tests.tui.dashboard_pilot import notes
from tests.tui.embedding_fixture import head_text
from tests.tui.served_run import served_run, until

SIZE = (100, 30)


def viewer(link: RemoteLink) -> DashboardApp:
    """The dashboard on ``link``, an inspector offered (as ``cnn-tui attach`` offers one)."""
    app = DashboardApp(link)
    app.inspector_factory = lambda evaluation: Screen()
    return app


async def test_a_served_run_maps_its_digits_for_its_viewers(tmp_path: Path) -> None:
    with served_run(tmp_path) as run:
        app = viewer(connect(str(run.folder), run.snaps))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.state.run_state == "paused", "the history")
            await pilot.press("e")
            await until(pilot, lambda: app.dashboard.embedding.latest is not None, "a map")
            await pilot.press("p")
            screen = app.screen
            assert isinstance(screen, EmbeddingScreen)
            assert f"step {run.paused_at:,}" in head_text(screen) and "50 digits" in head_text(
                screen
            )
            await pilot.press("right", "enter")  # the cursor's first move names a digit
            await until(pilot, lambda: isinstance(app.screen, DetailScreen), "the detail view")
            detail = app.screen
            assert isinstance(detail, DetailScreen)
            await until(pilot, lambda: detail.detail is not None, "the run's view of the digit")
        watcher = viewer(connect(str(run.folder), run.snaps, read_only=True))
        async with watcher.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: watcher.dashboard.embedding.latest is not None, "history")
            await pilot.press("p", "right", "enter")
            await until(pilot, lambda: "read-only" in notes(watcher), "the refusal")
        assert run.process.poll() is None
