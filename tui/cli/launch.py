"""Provides ``run_dashboard`` and ``run_inspector``: what ``cnn-tui`` does once its flags are read.

The trainer runs in a spawned process (``ProcessLink``): a busy trainer can never starve the UI,
and it keeps ~90 % of headless speed on two cores (``benchmarks/bench_dashboard.py``).
"""

from __future__ import annotations

import multiprocessing.resource_tracker
import os
import signal
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from cnn_tui.core.contract.config import RunConfig
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.runs.plan import RunPlan
from cnn_tui.tui.cli.closing import closing_lines
from cnn_tui.tui.cli.exit_codes import ExitCode, fail

if TYPE_CHECKING:
    from collections.abc import Callable

    from cnn_tui.core.contract.events import Evaluated
    from cnn_tui.core.contract.timeline import Lineage
    from cnn_tui.core.data.dataset import Dataset
    from cnn_tui.tui.cli.data_choice import DataChoice
    from cnn_tui.tui.dashboard.app import DashboardApp
    from cnn_tui.tui.draw import DrawScreen
    from cnn_tui.tui.embedding.images import LocalImages
    from cnn_tui.tui.inspector import MistakesScreen


def _needs_terminal() -> str | None:
    """Textual reads the keyboard from stdin and draws on stderr: both must be terminals."""
    for name, stream in (("standard input", sys.__stdin__), ("standard error", sys.__stderr__)):
        if stream is None or not stream.isatty():
            return (
                f"the dashboard needs an interactive terminal ({name} is not one); "
                "use `cnn-tui train --headless` instead"
            )
    return None


def run_dashboard(
    config: RunConfig,
    data_dir: Path,
    *,
    limit: int | None,
    test_limit: int | None,
    state: RunState | None,
    resumed_from: str | None,
    snapshot_dir: Path | None,
    run_name: str,
    keep: int | None,
    max_steps: int | None,
    start_paused: bool,
    in_process: bool,
    run: RunPlan | None = None,
    health: bool = True,
) -> int:
    """Open the dashboard on a new trainer; returns the exit code."""
    problem = _needs_terminal()
    if problem:
        return fail(problem, ExitCode.ENVIRONMENT)
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.core.data.load import check_mnist
    from cnn_tui.core.training.data_checks import size_mismatch
    from cnn_tui.core.training.link import ProcessLink, ThreadLink, TrainerSpec

    try:  # fail here, before the screen changes, if the data is missing or corrupt
        sizes = check_mnist(data_dir, limit=limit, test_limit=test_limit)
    except DataError as error:
        return fail(str(error), ExitCode.DATA)
    if state is not None and (mismatch := size_mismatch(state, sizes[0])):
        return fail(mismatch, ExitCode.SNAPSHOT)
    spec = TrainerSpec(
        config=config,
        data_dir=str(data_dir),
        limit=limit,
        test_limit=test_limit,
        state=state,
        resumed_from=resumed_from,
        snapshot_dir=str(snapshot_dir) if snapshot_dir else None,
        run_name=run_name,
        keep=keep,
        max_steps=max_steps,
        start_paused=start_paused,
        log_path=str(Path(tempfile.gettempdir()) / "cnn-tui-trainer.log"),
        # d: draw a digit (core/training/drawing_view.py); h: layer health (layer_health.py);
        # L: the learning-rate range test (lr_find.py, answers FindLr only: free until asked);
        # p: the embedding map (embedding_map.py, after each evaluation: ~75 ms with NumPy);
        # the inspector's nearest training digits (nearest_digits.py: free until asked)
        extensions=(
            "drawing",
            "embedding",
            *(("health",) if health else ()),
            "lr_find",
            "nearest",
        ),
        run=run,
    )
    # The resource tracker cannot start from inside a running Textual app: it hands
    # sys.stderr.fileno() to the new process, and Textual's stderr capture has no file (-1).
    multiprocessing.resource_tracker.ensure_running()
    make_link = ThreadLink if in_process else ProcessLink
    link = make_link(spec)

    from cnn_tui.core.training.relaunch import Relaunch
    from cnn_tui.tui.dashboard.app import DashboardApp

    app = DashboardApp(link)
    factories = _screen_factories(app, data_dir, test_limit)
    app.inspector_factory, app.dashboard.draw_factory, app.dashboard.test_images = factories
    app.run_control = Relaunch(spec, make_link)  # t: the timeline, branches, other architectures
    app.state.lineage = _lineage(run)
    if run is not None:  # o: the other runs of its snapshot folder drawn behind the live one
        from cnn_tui.tui.dashboard.overlay_runs import OverlaySource

        app.dashboard.overlay_source = OverlaySource(Path(run.snapshot_dir), run.path)
    terminated: list[int] = []

    def on_sigterm(signum: int, _frame: object) -> None:
        # SIGTERM and SIGHUP: stop at the next batch, save, exit 143 — as a quit would.
        if terminated:
            return
        terminated.append(signum)
        app.call_later(app.action_quit)
        deadline = app.quit_timeout + app.stop_timeout + 2.0
        # the app's link: after a branch from the timeline it is no longer the first one
        threading.Thread(target=_leave_after, args=(app, deadline), daemon=True).start()

    previous = {s: signal.signal(s, on_sigterm) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        app.run()
    finally:
        app.link.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
    closing = closing_lines(
        app.state.last_snapshot or None,
        finished=app.state.run_state == "finished",
        epochs=app.state.epochs or config.epochs,  # the run shown last (a branch's own)
        headless=False,
    )
    if closing:  # the shell sees where the run is, as after a headless run
        print("\n".join(closing), flush=True)
    if terminated:
        return ExitCode.TERMINATED
    if app.interrupted:
        return ExitCode.INTERRUPTED
    if app.state.run_state == "failed":
        return fail(f"training failed: {app.state.message or 'see the log'}", ExitCode.FAILED)
    return app.return_code or ExitCode.OK


def _leave_after(app: DashboardApp, seconds: float) -> None:
    """The last resort after SIGTERM/SIGHUP: if the app has not exited in ``seconds`` (after a
    hang-up, Textual's final write to a terminal that is gone can block for ever), make sure the
    trainer is stopped and leave, so that no process is left behind."""
    time.sleep(seconds)
    app.link.stop(2.0)
    os._exit(ExitCode.TERMINATED)


def _lineage(run: RunPlan | None) -> Lineage | None:
    """A branch started from the command line (``--resume SNAPSHOT --run-name NEW``): its parent
    run (the name in its folder's name, ``<UTC start>_<name>``) and step, for the chart's ┼."""
    from cnn_tui.core.contract.timeline import Lineage

    if run is None or run.parent_run is None or run.parent_step is None:
        return None
    parent = run.parent_run.split("_", 1)[-1].rsplit("_", 1)
    name = parent[0] if len(parent) == 2 and parent[1].isdigit() else "_".join(parent)
    return Lineage(name, run.parent_step)


def _screen_factories(
    app: DashboardApp, data_dir: Path, test_limit: int | None
) -> tuple[Callable[[Evaluated], MistakesScreen], Callable[[int | None], DrawScreen], LocalImages]:
    """``m`` in the dashboard: the inspector's browser, asking the trainer for each digit; ``d``:
    the drawing screen, asking the trainer for each drawing; ``p``: the map's digits' images.
    The test images are read once, on first use (the trainer process holds its own copy)."""
    from cnn_tui.core.data.load import load_test_set
    from cnn_tui.tui.draw import DrawScreen, LinkDrawing
    from cnn_tui.tui.embedding.images import LocalImages
    from cnn_tui.tui.inspector import LinkSource, MistakesScreen

    cache: list[Dataset] = []

    def test_images() -> Dataset:
        if not cache:
            cache.append(load_test_set(data_dir, test_limit=test_limit))
        return cache[0]

    def open_drawing(start: int | None = None) -> DrawScreen:
        source = LinkDrawing(app.dashboard.link.send)
        names = app.state.class_names
        return DrawScreen(source, test_images(), names=names, start_index=start)

    def open_mistakes(evaluation: Evaluated) -> MistakesScreen:
        return MistakesScreen(evaluation, test_images(), LinkSource(app.send), draw=open_drawing)

    return open_mistakes, open_drawing, LocalImages(test_images)


def run_inspector(
    snapshot: Path,
    choose: Callable[[str], DataChoice],
    *,
    engine: str | None,
    test_limit: int | None,
) -> int:
    """Open the misclassified-digit browser on a saved network; returns the exit code.

    ``choose`` finds the data given the snapshot's recorded set (``data_choice.choose_data``);
    its class names (``classes.txt`` or the set's) are the ones the inspector shows.
    """
    problem = _needs_terminal()
    if problem:
        return fail(problem, ExitCode.ENVIRONMENT)
    from cnn_tui.tui.cli.headless import use_one_blas_thread

    use_one_blas_thread()  # before NumPy: two threads were 3× slower here under load
    from cnn_tui.core.data.errors import DataError
    from cnn_tui.core.data.load import load_test_set
    from cnn_tui.core.snapshot.errors import SnapshotError
    from cnn_tui.core.snapshot.load import load_snapshot

    try:
        state = load_snapshot(snapshot)
    except SnapshotError as error:
        return fail(str(error), ExitCode.SNAPSHOT)
    try:
        choice = choose(state.config.dataset)
        test = load_test_set(choice.folder, test_limit=test_limit)
    except DataError as error:
        return fail(str(error), ExitCode.DATA)
    state = replace(
        state, config=replace(state.config, dataset=choice.dataset, class_names=choice.class_names)
    )
    from cnn_tui.core.data.load import load_mnist
    from cnn_tui.tui.inspector.app import InspectorApp

    folder = choice.folder  # the training set, read on first use (for the nearest digits)
    app = InspectorApp(state, test, engine=engine, load_train=lambda: load_mnist(folder)[0])
    app.run()
    return app.return_code or ExitCode.OK
