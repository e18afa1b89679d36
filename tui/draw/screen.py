"""Provides ``DrawScreen``: draw a digit and watch the network read it — ``d`` in the dashboard
(the live trainer's current weights, which keep changing while it trains) and in
``cnn-tui inspect`` (a saved network).

Left, the 28×28 canvas (canvas_view.py) and a line of state under it (pen or eraser, brush,
cursor, what is shown); right, the prediction, the ten probabilities and every conv layer's
feature maps (result_view.py). Each stroke is preprocessed the MNIST way at once
(core/drawing/preprocess.py) and sent to the drawing source (source.py: the trainer through the
link, or an engine here), which coalesces strokes so the latest drawing wins; ``i`` shows the
canvas as the network receives it. An empty canvas predicts nothing and says "draw a digit".
Below ``MIN_SIZE`` the screen says how large the terminal must be; from ``LARGE_FROM`` on the
canvas doubles (two columns per pixel). Layout in draw.tcss.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from time import perf_counter

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from cnn_tui.core.contract.class_names import class_name
from cnn_tui.core.contract.events import CommandRefused, DrawingViewed, Finished
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.core.drawing.canvas import BRUSH_RANGE, Canvas, parse_brush
from cnn_tui.core.drawing.preprocess import mnist_input, to_image
from cnn_tui.tui.draw.canvas_view import CanvasView
from cnn_tui.tui.draw.keys import DRAW_BINDINGS, draw_help_table
from cnn_tui.tui.draw.result_view import ResultView
from cnn_tui.tui.draw.source import DrawingSource, LinkDrawing
from cnn_tui.tui.screens.help import HelpScreen
from cnn_tui.tui.screens.value_prompt import ValuePrompt

MIN_SIZE = (60, 20)
"""The smallest terminal the canvas (28×14 cells) and the result fit in."""
LARGE_FROM = (110, 34)
"""From this size on the canvas is drawn two columns per pixel (56×28 cells)."""
COMPACT_FOOTER_BELOW = 120
HINT = (
    "drag with the mouse (the right button erases),\n"
    "or move with the arrows and paint with space;\n"
    "t loads a test digit to edit"
)


class DrawScreen(Screen[None]):
    """A canvas, and what the network makes of it."""

    CSS_PATH = Path(__file__).with_name("draw.tcss")

    BINDINGS = list(DRAW_BINDINGS)

    def __init__(
        self,
        source: DrawingSource,
        test_images: Dataset | None = None,
        *,
        names: Sequence[str] = (),
        start_index: int | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.test_images = test_images
        self.names = tuple(names)
        self.canvas = Canvas()
        self.test_index = -1 if start_index is None else start_index - 1
        """The test digit ``t`` loaded last (−1: none yet)."""
        self.loaded: str = ""
        """Which test digit the drawing started from ("" for a drawing of one's own)."""
        self.input_pixels: list[float] | None = None
        """What the network receives for the drawing (None: nothing to receive)."""
        self.showing_input = False
        self.ended = False
        self.drawn_at = 0.0
        """perf_counter() of the latest stroke (the benchmark's start)."""
        self.shown_at = 0.0
        """perf_counter() when the latest answer was shown."""
        self.shown_drawing = 0
        self._start_index = start_index

    # ---- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="draw-head", markup=False)
        with Horizontal(id="draw-body"):
            with Vertical(id="draw-left"):
                yield CanvasView(self.canvas, id="draw-canvas")
                yield Static("", id="draw-info", markup=False)
            yield ResultView(id="draw-result")
        yield Static("", id="draw-small", markup=False)
        yield Footer()

    @property
    def canvas_view(self) -> CanvasView:
        return self.query_one(CanvasView)

    @property
    def result(self) -> ResultView:
        return self.query_one(ResultView)

    def on_mount(self) -> None:
        self.source.reply = self._answered
        self.result.names = self.names
        self.result.border_title = "the network's answer"
        self._arrange(self.app.size.width, self.app.size.height)
        self.canvas_view.focus()
        if self._start_index is not None and self.test_images is not None:
            self.action_test_digit()
        else:
            self._show_note()
        self._paint_head()
        self._paint_info()

    def on_resize(self, event: events.Resize) -> None:
        self._arrange(event.size.width, event.size.height)

    def _arrange(self, width: int, height: int) -> None:
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        large = width >= LARGE_FROM[0] and height >= LARGE_FROM[1]
        self.set_class(small, "-small")
        self.set_class(large and not small, "-large")
        for footer in self.query(Footer):
            footer.compact = width < COMPACT_FOOTER_BELOW
            footer.show_command_palette = width >= COMPACT_FOOTER_BELOW
        if small:
            self.query_one("#draw-small", Static).update(
                f"Make the terminal larger to draw\n\nit is {width}×{height}; the canvas needs "
                f"at least {MIN_SIZE[0]}×{MIN_SIZE[1]}\n(Esc goes back)"
            )

    # ---- the drawing changed --------------------------------------------------------------

    @on(CanvasView.Changed)
    def _canvas_changed(self, event: CanvasView.Changed) -> None:
        if event.drawn:
            self._drawing_changed()
        self._paint_info()

    def _drawing_changed(self) -> None:
        """Preprocess the drawing and ask for the network's view of it (coalesced)."""
        self.drawn_at = perf_counter()
        self.input_pixels = mnist_input(self.canvas.pixels)
        if self.showing_input:
            self._show_input()
        if self.ended:
            return
        if self.input_pixels is None:
            self.source.view(b"")
            self._show_note()
            return
        self.source.view(to_image(self.input_pixels))
        if self.result.view is None and self.source.waiting:
            self.result.show(None, ("asking the trainer…", "the answer comes between two batches"))

    def _answered(self, view: DrawingViewed) -> None:
        """The source's answer (the trainer's, or the engine's at once)."""
        self.shown_at = perf_counter()
        self.shown_drawing = view.drawing
        if view.predicted < 0 or self.input_pixels is None:
            self._show_note()
        else:
            self.result.show(view)
        self._paint_head()

    def _show_note(self) -> None:
        self.result.show(None, ("draw a digit", HINT))

    # ---- trainer events (the dashboard forwards them) ---------------------------------------

    def on_trainer_event(self, event: object) -> None:
        source = self.source
        if isinstance(event, DrawingViewed) and isinstance(source, LinkDrawing):
            source.accept(event)
        elif isinstance(event, CommandRefused) and event.command == "ViewDrawing":
            if isinstance(source, LinkDrawing):
                source.refused()
            self.result.show(None, ("the trainer refused the drawing", event.reason))
        elif isinstance(event, Finished):
            self.ended = True
            self._paint_head()

    # ---- actions --------------------------------------------------------------------------

    def action_toggle_eraser(self) -> None:
        self.canvas_view.erasing = not self.canvas_view.erasing
        self._paint_info()

    def action_brush(self, delta: int) -> None:
        lo, hi = BRUSH_RANGE
        size = self.canvas_view.brush + delta
        if not lo <= size <= hi:
            self.notify(f"the brush is {lo}–{hi} pixels across", title="Brush", timeout=3)
            return
        self.canvas_view.brush = size
        self._paint_info()

    def action_type_brush(self) -> None:
        lo, hi = BRUSH_RANGE

        def done(value: float | int | None) -> None:
            if value is not None:
                self.canvas_view.brush = int(value)
                self._paint_info()

        current = str(self.canvas_view.brush)
        rule = f"a whole number of pixels across, {lo}–{hi}"
        self.app.push_screen(ValuePrompt("Brush size", current, rule, parse_brush), done)

    def action_clear(self) -> None:
        self.canvas.clear()
        self.loaded = ""
        self.canvas_view.redraw()
        self._drawing_changed()
        self._paint_info()

    def action_test_digit(self) -> None:
        test = self.test_images
        if test is None or len(test) == 0:
            self.notify("no test digits here", title="Test digit", timeout=3)
            return
        self.test_index = (self.test_index + 1) % len(test)
        self.canvas.load(test.image(self.test_index))
        label = class_name(self.names, test.labels[self.test_index])
        self.loaded = f"test #{self.test_index:,} (label {label})"
        self.canvas_view.redraw()
        self._drawing_changed()
        self._paint_info()

    def action_toggle_input(self) -> None:
        self.showing_input = not self.showing_input
        if self.showing_input:
            self._show_input()
        else:
            self.canvas_view.shown = None
            self.canvas_view.redraw()
        self._paint_info()

    def _show_input(self) -> None:
        self.canvas_view.shown = self.input_pixels or [0.0] * len(self.canvas.pixels)
        self.canvas_view.redraw()

    def action_back(self) -> None:
        if not self.ended:
            self.source.view(b"")  # the trainer stops viewing it
        self.dismiss(None)

    def action_keys(self) -> None:
        self.app.push_screen(HelpScreen(draw_help_table(), title="cnn-tui · draw a digit · keys"))

    # ---- text -----------------------------------------------------------------------------

    def _paint_head(self) -> None:
        view = self.result.view
        if self.ended:
            weights = "the run has ended: drawings are no longer answered"
        elif not self.source.live:
            step = getattr(self.source, "step", -1)
            weights = f"the saved network (step {step:,})" if step >= 0 else "the saved network"
        elif view is not None:
            weights = f"live weights of step {view.step:,} (they change as it trains)"
        else:
            weights = "the live trainer's current weights"
        self.query_one("#draw-head", Static).update(f"Draw a digit · {weights}")

    def _paint_info(self) -> None:
        cv = self.canvas_view
        mode = "eraser" if cv.erasing else "pen"
        column, row = cv.cursor
        lines = [
            f"{mode} · brush {cv.brush} ([ ]) · at {column},{row}",
            "i: back to your drawing" if self.showing_input else "i: what the network receives",
        ]
        if self.loaded:
            lines.append(f"from {self.loaded}")
        self.query_one("#draw-info", Static).update("\n".join(lines))
        cv.border_title = "network input" if self.showing_input else "your drawing"
