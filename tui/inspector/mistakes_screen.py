"""Provides ``MistakesScreen``: the misclassified-digit browser.

A grid of the mistakes of one evaluation, sorted by confidence or by class, filtered by true
class, predicted class or a confusion-matrix cell, with the count of each; Enter opens a digit in
``DetailScreen``; ``c`` opens the confusion matrix; ``e``/``j`` export the list shown.

The same screen serves ``cnn-tui inspect`` (a ``LocalSource``) and the dashboard during training
(a ``LinkSource``): the dashboard forwards trainer events with ``on_trainer_event`` — a new
``Evaluated`` replaces the list (saying which digits became right or wrong), a ``SampleViewed``
answers a digit request.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from cnn_tui.core.contract.class_names import class_name
from cnn_tui.core.contract.config import NUM_CLASSES
from cnn_tui.core.contract.events import CommandRefused, Evaluated, SampleViewed
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.tui.inspector.confusion_screen import ConfusionScreen
from cnn_tui.tui.inspector.detail_screen import DetailScreen, DrawFactory
from cnn_tui.tui.inspector.export import ExportError, write_mistakes
from cnn_tui.tui.inspector.grid import MistakeGrid
from cnn_tui.tui.inspector.keys import KEYS_BINDING, InspectorScreen
from cnn_tui.tui.inspector.mistakes import Changes, Filter, MistakeView, changes
from cnn_tui.tui.inspector.names import app_class_names
from cnn_tui.tui.inspector.prompt import PathPrompt
from cnn_tui.tui.inspector.source import DigitSource, LinkSource
from cnn_tui.tui.inspector.wording import counts_text, digits_or_images, filter_prompt


class MistakesScreen(InspectorScreen[None]):
    """Browse the mistakes of ``evaluation`` on ``test_images`` (the same test set, in order)."""

    CSS_PATH = "inspector.tcss"

    BINDINGS = [
        Binding("s", "cycle_sort", "Sort", id="mistakes-sort"),
        Binding("t", "ask_filter('label')", "True", id="mistakes-filter-true"),
        Binding("p", "ask_filter('predicted')", "Pred", id="mistakes-filter-predicted"),
        Binding("c", "confusion", "Matrix", id="mistakes-confusion"),
        Binding("x", "clear_filter", "All", id="mistakes-clear"),
        Binding("e", "export('csv')", "CSV", id="mistakes-export-csv"),
        Binding("j", "export('jsonl')", "JSONL", id="mistakes-export-jsonl"),
        Binding("d", "draw", "Draw", show=False, id="mistakes-draw"),
        Binding("escape", "escape", "Back", id="mistakes-back"),
        KEYS_BINDING,
        *(Binding(str(d), f"digit({d})", show=False) for d in range(NUM_CLASSES)),
    ]
    """s: sort (confidence → class → test order) · t/p then 0–9: filter by true/predicted class
    (t/p again: any) · c: confusion matrix, Enter on a cell filters to it · x: clear the filter ·
    e/j: export the list shown as CSV/JSON Lines · Escape: back (or cancel a filter prompt) · ?:
    every key (tui/inspector/keys.py). Footer labels are short so that all fit in 80 columns."""

    def __init__(
        self,
        evaluation: Evaluated,
        test_images: Dataset,
        source: DigitSource,
        *,
        closable: bool = True,
        export_dir: Path | None = None,
        engine_name: str = "",
        draw: DrawFactory | None = None,
    ) -> None:
        super().__init__()
        self.draw = draw
        """``d``: the drawing screen (from a test digit, or blank); None: not offered."""
        self.evaluation = evaluation
        self.test_images = test_images
        self.source = source
        self.closable = closable
        """False in ``cnn-tui inspect``, where this is the app's main screen (q quits)."""
        self.export_dir = export_dir
        """Default folder for exports (None: the current directory)."""
        self.engine_name = engine_name
        self.view = MistakeView(evaluation.mistakes)
        self.changes: Changes | None = None
        self._awaiting: str | None = None
        self.detail: DetailScreen | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="mistakes-title", markup=False)
        yield Static("", id="mistakes-counts", markup=False)
        yield MistakeGrid(self.test_images, id="mistakes-grid")
        yield Static("", id="mistakes-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._refresh_list()
        self.query_one(MistakeGrid).focus()

    @property
    def awaiting(self) -> str | None:
        """ "label" or "predicted" while waiting for a digit key after t or p."""
        return self._awaiting

    @awaiting.setter
    def awaiting(self, which: str | None) -> None:
        if which != self._awaiting:
            self._awaiting = which
            self.refresh_bindings()  # Esc shows while it cancels something (check_action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc is live (and in the footer) where it does something: back to the dashboard, or
        cancelling a filter prompt — in ``cnn-tui inspect`` q quits instead."""
        if action == "escape":
            return self.closable or self.awaiting is not None
        return True

    # --- trainer events (the dashboard forwards them) ---------------------------------------

    def on_trainer_event(self, event: object) -> None:
        """Hand any trainer event here; the ones the inspector needs are used, others ignored."""
        if self.source.nearest is not None:  # its answers, their refusals, new evaluations
            self.source.nearest.on_trainer_event(event)
        if isinstance(event, SampleViewed):
            self.on_sample(event)
        elif isinstance(event, Evaluated):
            self.on_evaluated(event)
        elif isinstance(event, CommandRefused) and event.command == "RequestSample":
            self.notify(event.reason, severity="warning", title="Digit not shown")

    def on_sample(self, event: SampleViewed) -> None:
        """A ``SampleViewed`` from the trainer: answers a pending digit request, if it is one."""
        if isinstance(self.source, LinkSource):
            self.source.accept(event)

    def on_evaluated(self, event: Evaluated) -> None:
        """Follow a newer evaluation: new list, cursor kept on the same digit when it is still
        wrong, and which digits became right or wrong since the previous one."""
        if event.split != "test" or event.size != self.evaluation.size:
            return
        self.changes = changes(self.evaluation.mistakes, event.mistakes, self.evaluation.step)
        self.evaluation = event
        self.view = MistakeView(event.mistakes, self.view.filter, self.view.sort)
        if isinstance(self.source, LinkSource):
            self.source.forget()  # the weights changed: digits must be asked for again
        self._refresh_list()

    # --- list ------------------------------------------------------------------------------

    def _refresh_list(self, keep_index: int | None = None) -> None:
        grid = self.query_one(MistakeGrid)
        if keep_index is None and grid.current is not None:
            keep_index = grid.current.index
        shown = self.view.shown
        empty = (
            "no mistakes match this filter — x shows all"
            if self.view.filter.active
            else "no mistakes: every test digit is right"
        )
        marked = self.changes.newly_wrong if self.changes else frozenset()
        grid.names = app_class_names(self.app)
        grid.show(shown, marked=marked, keep_index=keep_index, empty_text=empty)
        self._paint_header()

    def _paint_header(self) -> None:
        e = self.evaluation
        names = app_class_names(self.app)
        engine = f" · {self.engine_name} engine" if self.engine_name else ""
        title = (
            f"{len(e.mistakes):,} mistakes of {e.size:,} test {digits_or_images(names)} "
            f"(accuracy {100 * e.accuracy:.2f}%) · step {e.step:,}{engine}"
        )
        self.query_one("#mistakes-title", Static).update(title)
        counts = self.query_one("#mistakes-counts", Static)
        counts.set_class(bool(names), "named")  # cut at the edge, not wrapped (inspector.tcss)
        counts.update(counts_text(self.view, names, awaiting=self.awaiting))
        self._paint_status()

    def _paint_status(self) -> None:
        if self.awaiting:
            text = filter_prompt(self.awaiting, app_class_names(self.app))
        else:
            grid = self.query_one(MistakeGrid)
            m = grid.current
            names = app_class_names(self.app)
            here = (
                f"#{grid.cursor + 1} test digit {m.index:,}: true {class_name(names, m.label)} → "
                f"{class_name(names, m.predicted)} "
                f"{100 * m.probabilities[m.predicted]:.1f}% · Enter: open"
                if m
                else ""
            )
            since = f"  ·  {self.changes.describe()} (• marks new)" if self.changes else ""
            text = here + since
        self.query_one("#mistakes-status", Static).update(text)

    @on(MistakeGrid.Highlighted)
    def _highlighted(self, event: MistakeGrid.Highlighted) -> None:
        self._paint_status()

    @on(MistakeGrid.Opened)
    def _opened(self, event: MistakeGrid.Opened) -> None:
        self.open_detail(event.position)

    def open_detail(self, position: int) -> None:
        """Open the digit at ``position`` of the shown list."""
        grid = self.query_one(MistakeGrid)
        if not grid.mistakes:
            return
        self.detail = DetailScreen(
            grid.mistakes, position, self.source, export_dir=self.export_dir, draw=self.draw
        )

        def back(position: int | None) -> None:
            self.detail = None
            if position is not None:
                grid.cursor = position

        self.app.push_screen(self.detail, back)

    # --- actions ---------------------------------------------------------------------------

    def action_cycle_sort(self) -> None:
        self.view = self.view.next_sort()
        self._refresh_list()

    def action_ask_filter(self, which: str) -> None:
        if self.awaiting == which:  # t t / p p: any class
            self.awaiting = None
            self._set_filter(**{which: None})
            return
        self.awaiting = which
        self._paint_header()  # a named run lists which key is which class meanwhile

    def action_digit(self, digit: int) -> None:
        if self.awaiting is None:
            return
        which, self.awaiting = self.awaiting, None
        self._set_filter(**{which: digit})

    def _set_filter(self, **change: int | None) -> None:
        f = self.view.filter
        label = change.get("label", f.label) if "label" in change else f.label
        predicted = change.get("predicted", f.predicted) if "predicted" in change else f.predicted
        self.filter_to(label, predicted)

    def filter_to(self, label: int | None, predicted: int | None) -> None:
        """Show only mistakes of true class ``label`` predicted as ``predicted`` (None: any)."""
        self.view = self.view.with_filter(Filter(label, predicted))
        self._refresh_list()

    def action_clear_filter(self) -> None:
        self.awaiting = None
        self.filter_to(None, None)

    def action_draw(self) -> None:
        """d: the drawing screen, on a blank canvas."""
        if self.draw is not None:
            self.app.push_screen(self.draw(None))

    def action_confusion(self) -> None:
        f = self.view.filter
        start = (f.label, f.predicted) if f.label is not None and f.predicted is not None else None
        e = self.evaluation
        names = app_class_names(self.app)
        title = (
            f"confusion matrix · step {e.step:,} · {e.size:,} test {digits_or_images(names)}"
            " · rows: true class"
        )

        def chosen(cell: tuple[int, int] | None) -> None:
            if cell is not None:
                self.filter_to(*cell)

        screen = ConfusionScreen(e.confusion, title=title, start=start, names=names)
        self.app.push_screen(screen, chosen)

    def action_export(self, fmt: str) -> None:
        shown = self.view.shown
        folder = self.export_dir or Path.cwd()
        default = folder / f"cnn-tui-mistakes-step{self.evaluation.step}.{fmt}"

        def write(path: str | None) -> None:
            if path is None:
                return
            try:
                written = write_mistakes(path, shown, app_class_names(self.app))
            except ExportError as error:
                self.notify(str(error), severity="error", title="Export failed")
                return
            self.notify(f"{len(shown):,} mistakes → {written}", title="Exported")

        self.app.push_screen(PathPrompt(f"Export {len(shown):,} mistakes to", str(default)), write)

    def action_escape(self) -> None:
        if self.awaiting:
            self.awaiting = None
            self._paint_header()
        elif self.closable:
            self.dismiss(None)
