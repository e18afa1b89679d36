"""A viewer that joins late takes in the run's history quietly: every old snapshot and notice is
in its state, but none of them pops up as a notification; what happens after it joined does."""

from __future__ import annotations

from pathlib import Path

from cnn_tui.core.contract import events as ev
from cnn_tui.tui.attach.connect import connect
from cnn_tui.tui.dashboard.app import DashboardApp
from tests.core.remote_clients import serve
from tests.tui.dashboard_pilot import notes
from tests.tui.served_run import until, wait_for


async def test_the_history_is_taken_in_without_its_notifications(tmp_path: Path) -> None:
    server, _, _ = serve(tmp_path)
    try:
        server.broadcast(ev.SnapshotSaved(10, "old-snapshot.npz"))
        server.broadcast(ev.Notice(15, "Test set changed", "an old notice"))
        server.broadcast(ev.Paused(20))
        link = connect(str(tmp_path), tmp_path, read_only=True)
        app = DashboardApp(link)
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: app.state.run_state == "paused", "the history")
            assert app.state.last_snapshot == "old-snapshot.npz"
            await pilot.pause(0.2)
            assert "old-snapshot" not in notes(app) and "an old notice" not in notes(app)
            server.broadcast(ev.SnapshotSaved(30, "new-snapshot.npz"))  # live: announced
            await until(pilot, lambda: "new-snapshot.npz" in notes(app), "the live snapshot")
            assert "old-snapshot" not in notes(app)
            await pilot.press("space")  # read-only: refused, and the refusal is said
            await until(pilot, lambda: "read-only" in notes(app), "the refusal")
    finally:
        server.close()


def test_history_and_live_events_come_in_separate_drains(tmp_path: Path) -> None:
    server, _, _ = serve(tmp_path)
    try:
        server.broadcast(ev.Paused(5))
        server.broadcast(ev.Resumed(5))
        link = connect(str(tmp_path), tmp_path)
        server.broadcast(ev.Paused(9))  # after the welcome: live
        link.start()
        seen: list[tuple[bool, ev.Event]] = []  # each drain is all history or all live

        def three() -> bool:
            events = link.drain()
            seen.extend((link.replayed, event) for event in events)
            return len(seen) >= 3

        wait_for(three, "three events")
        assert seen == [(True, ev.Paused(5)), (True, ev.Resumed(5)), (False, ev.Paused(9))]
        link.stop()
    finally:
        server.close()
