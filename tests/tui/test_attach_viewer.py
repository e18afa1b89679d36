"""The dashboard in viewer mode (``cnn-tui attach``) against a REAL served run: a headless trainer
in a child process serving on a socket in tmp_path (tests/tui/served_run.py). The history comes
first, two viewers watch at once, a viewer without the token is read-only and says so (its
steering keys refused with the reason, nothing reaching the trainer), one with the token steers,
``q`` leaves the viewer while the run goes on, and ``X`` pressed twice stops the run."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.tui.attach.connect import connect
from cnn_tui.tui.attach.remote_link import RemoteLink
from cnn_tui.tui.dashboard.app import DashboardApp
from tests.tui.dashboard_pilot import notes, status, titles
from tests.tui.served_run import finished_reason, served_run, until, wait_for

SIZE = (100, 30)


def banner(app: DashboardApp) -> str:
    return str(app.dashboard.query_one("#viewer-banner", Static).render())


def collect(link: RemoteLink, seen: list[ev.Event]) -> list[ev.Event]:
    seen.extend(link.drain(100_000))
    return seen


def has(events: list[ev.Event], kind: type) -> bool:
    return any(isinstance(e, kind) for e in events)


def last_step(events: list[ev.Event]) -> int:
    return max((e.last_step for e in events if isinstance(e, ev.BatchesEnded)), default=0)


async def test_history_first_then_two_viewers_one_read_only(tmp_path: Path) -> None:
    with served_run(tmp_path) as run:
        assert run.paused_at is not None and run.paused_at > 0
        watcher = connect(str(run.folder), run.snaps, read_only=True)
        steerer = connect(str(run.folder), run.snaps)  # the token from the run folder
        assert (watcher.steer, steerer.steer) == (False, True)
        app, seen = DashboardApp(watcher), []
        steerer.start()
        try:
            async with app.run_test(size=SIZE) as pilot:
                # the history arrives first: the run's start, its batches, the pause
                await until(pilot, lambda: app.state.run_state == "paused", "the history")
                assert app.state.step == run.paused_at and app.state.architecture
                assert "READ-ONLY" in banner(app) and "q leaves it running" in banner(app)
                assert app.dashboard.query_one("#viewer-banner").has_class("-read-only")
                # steering keys are refused here, with the reason, and never reach the trainer
                await pilot.press("space")
                await until(pilot, lambda: "Refused" in titles(app), "the refusal")
                assert "read-only" in notes(app) and "token" in notes(app)
                await pilot.press("X")
                await until(pilot, lambda: notes(app).count("read-only") >= 2, "X refused")
                assert "PAUSED" in status(app)
                # the second viewer (the same history) steps the run: both see the step
                wait_for(lambda: has(collect(steerer, seen), ev.Paused), "the steerer's history")
                assert isinstance(seen[0], ev.TrainingStarted)
                steerer.send(cmd.Step(1))
                await until(pilot, lambda: app.state.step == run.paused_at + 1, "the step")
                stepped = run.paused_at + 1
                wait_for(lambda: last_step(collect(steerer, seen)) == stepped, "the step, twice")
                assert app.state.run_state == "paused"  # the reader's space never arrived
        finally:
            steerer.stop()
        assert run.process.poll() is None  # both viewers gone: the run goes on (paused)


async def test_with_the_token_the_viewer_steers_and_q_leaves_it_running(tmp_path: Path) -> None:
    with served_run(tmp_path) as run:
        link = connect(str(run.folder), run.snaps)
        app = DashboardApp(link)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.state.run_state == "paused", "the history")
            assert "steering" in banner(app) and "X X stops it" in banner(app)
            lr = app.state.lr
            await pilot.press("plus")
            await until(pilot, lambda: app.state.lr == lr * 2, "the lr change")
            await pilot.press("n")
            await until(pilot, lambda: app.state.step == run.paused_at + 1, "one step")
            await pilot.press("q")
            await until(pilot, lambda: not app.is_running, "the viewer leaving")
        assert link.ending is None  # it left: nothing to report
        assert run.process.poll() is None
        again = connect(str(run.folder), run.snaps, read_only=True)  # the run is still there
        again.start()
        seen: list[ev.Event] = []
        wait_for(lambda: has(collect(again, seen), ev.Paused), "the history")
        assert last_step(seen) == run.paused_at + 1
        assert any(isinstance(e, ev.HyperparametersChanged) and e.lr == lr * 2 for e in seen)
        again.stop()


async def test_x_twice_stops_the_run_for_everyone(tmp_path: Path) -> None:
    with served_run(tmp_path) as run:
        link = connect(str(run.folder), run.snaps)
        app = DashboardApp(link)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.state.run_state == "paused", "the history")
            await pilot.press("X")  # once: only asks
            await until(pilot, lambda: "press X again" in notes(app), "the question")
            assert run.process.poll() is None
            await pilot.press("X")
            await until(pilot, lambda: not app.is_running, "the run's end to reach the viewer")
        code, err = finished_reason(run.process)
        assert code == 0, err
        assert f"paused at step {run.paused_at:,} (by a viewer)" in err  # said on its terminal
        assert link.ending == (f'the run "served" was stopped at step {run.paused_at:,}', 0)
        assert list(run.folder.glob("*.npz"))  # it saved before it stopped
        assert not run.socket.exists() and not (run.folder / "token").exists()


def test_a_served_run_answers_a_viewers_drawing_and_lr_sweep(tmp_path: Path) -> None:
    """d and L in a viewer: the served run has the dashboard's drawing and lr-finder extensions."""
    with served_run(tmp_path) as run:
        link = connect(str(run.folder), run.snaps)
        link.start()
        seen: list[ev.Event] = []
        try:
            link.send(cmd.ViewDrawing(bytes(range(256)) * 3 + bytes(16), drawing=7))
            wait_for(lambda: has(collect(link, seen), ev.DrawingViewed), "the drawing's answer")
            [drawn] = [e for e in seen if isinstance(e, ev.DrawingViewed)][:1]
            assert drawn.drawing == 7 and len(drawn.probabilities) == 10
            link.send(cmd.FindLr(batches=20))
            wait_for(lambda: has(collect(link, seen), ev.LrFindEnded), "the sweep's end")
            assert not has(seen, ev.CommandRefused)
        finally:
            link.stop()
