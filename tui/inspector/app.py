"""Provides ``InspectorApp``: ``cnn-tui inspect SNAPSHOT`` — the misclassified-digit browser on a
saved network, with no training.

It builds the snapshot's network in an engine, evaluates the whole test set in a worker thread
(a progress bar meanwhile), then opens ``MistakesScreen`` over a ``LocalSource`` (with a
``LocalNearest`` for the nearest training digits when ``load_train`` is given). A network that
cannot be built ends the app with one line and exit code 4, never a traceback. The palette's
"Screenshot" saves in ``export_dir`` (the current directory by default), not Textual's Downloads.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from cnn_tui.core.contract.events import Evaluated
from cnn_tui.core.contract.run_state import RunState
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.engines import Engine
from cnn_tui.core.training.evaluation import evaluate_test_set
from cnn_tui.tui.cli.exit_codes import ExitCode
from cnn_tui.tui.draw import DrawScreen, LocalDrawing
from cnn_tui.tui.inspector.loading import InspectorLoading
from cnn_tui.tui.inspector.mistakes_screen import MistakesScreen
from cnn_tui.tui.inspector.nearest_source import LocalNearest
from cnn_tui.tui.inspector.snapshot_engine import InspectError, build_engine
from cnn_tui.tui.inspector.source import LocalSource
from cnn_tui.tui.screens.screenshot import save_screenshot


class InspectorApp(App[None]):
    """Browse the mistakes of the network saved in ``state`` on the test set ``test``."""

    TITLE = "cnn-tui inspect"

    BINDINGS = [Binding("q", "quit", "Quit", id="quit")]

    def __init__(
        self,
        state: RunState,
        test: Dataset,
        engine: str | None = None,
        *,
        export_dir: Path | None = None,
        load_train: Callable[[], Dataset] | None = None,
    ) -> None:
        super().__init__()
        self.state = state
        self.test = test
        self.load_train = load_train
        """Reads the training set, for the nearest training digits (None: not offered)."""
        self.engine_name = engine or state.config.engine
        self.export_dir = export_dir
        """Where exports and screenshots go by default (None: the current directory)."""
        self.started = time.perf_counter()
        self.open_seconds: float | None = None
        """Seconds from construction until the browser was shown (for the benchmark)."""
        self.mistakes_screen: MistakesScreen | None = None
        self._done = 0  # test digits evaluated so far (written by the evaluating thread)
        # Start evaluating at once, so the work overlaps Textual's own start-up.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cnn-tui-inspect")
        self._result: Future[tuple[Engine, Evaluated]] = self._pool.submit(self._evaluate)
        self._pool.shutdown(wait=False)

    def _evaluate(self) -> tuple[Engine, Evaluated]:
        """Build the engine and evaluate every test digit (in the pool's thread)."""
        engine = build_engine(self.state, self.engine_name)
        evaluated = evaluate_test_set(
            engine,
            self.test,
            epoch=self.state.epoch,
            step=self.state.step,
            progress=lambda done, total: setattr(self, "_done", done),
        )
        return engine, evaluated

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands, with "Screenshot" saving where exports go."""
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":  # a moment later: once the palette has closed
                later = partial(self.set_timer, 0.1, self._save_screenshot)
                command = command._replace(callback=later)
            yield command

    def _save_screenshot(self) -> None:
        save_screenshot(self, self.export_dir)

    def on_mount(self) -> None:
        text = f"evaluating {len(self.test):,} test digits with the {self.engine_name} engine…"
        self.push_screen(InspectorLoading(text))
        self._ticker = self.set_interval(0.1, self._progress)
        self.run_worker(self._wait, thread=True, exclusive=True, exit_on_error=False)

    def _wait(self) -> None:
        """Worker thread: wait for the evaluation; hand the result to the UI thread."""
        try:
            engine, evaluated = self._result.result()
        except InspectError as error:
            self.call_from_thread(self._fail, str(error))
            return
        except (ValueError, MemoryError) as error:
            self.call_from_thread(self._fail, f"could not evaluate the network: {error}")
            return
        self.call_from_thread(self._open, engine, evaluated)

    def _progress(self) -> None:
        if isinstance(self.screen, InspectorLoading):
            self.screen.set_progress(self._done, len(self.test))

    def _fail(self, message: str) -> None:
        self._ticker.stop()
        self.exit(return_code=ExitCode.SNAPSHOT, message=Text(f"cnn-tui: {message}"))

    def _open(self, engine: Engine, evaluated: Evaluated) -> None:
        self._ticker.stop()
        nearest = None
        if self.load_train is not None:  # its own engine: it computes in a thread of its own
            own_engine = partial(build_engine, self.state, self.engine_name)
            nearest = LocalNearest(
                own_engine,
                self.load_train,
                self.test,
                step=self.state.step,
                post=self.call_from_thread,
            )
        source = LocalSource(engine, self.test, step=self.state.step, nearest=nearest)

        def draw(start: int | None) -> DrawScreen:
            drawing = LocalDrawing(engine, step=self.state.step)
            names = self.state.config.class_names
            return DrawScreen(drawing, self.test, names=names, start_index=start)

        self.mistakes_screen = MistakesScreen(
            evaluated,
            self.test,
            source,
            closable=False,
            export_dir=self.export_dir,
            engine_name=self.engine_name,
            draw=draw,
        )
        self.switch_screen(self.mistakes_screen)
        self.open_seconds = time.perf_counter() - self.started
