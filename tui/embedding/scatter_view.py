"""Provides ``MapPanel`` (a ``LinePanel`` with a theme-aware colour per class) and ``ScatterView``:
the embedding map drawn as a braille scatter (render/scatter.py), with a cursor that snaps to the
nearest digit.

The cursor is a point in the map's own coordinates, so it stays on the same spot of the map when
the panel is resized, and follows its digit when a newer map arrives (the digit is named by its
test index; the axes keep their signs from map to map, core/embedding/pca.py). Arrows move it a
cell at a time and a click puts it on a cell; the digit it names is the nearest one drawn, shown
reversed. ``Moved`` tells the screen the named digit changed.
"""

from __future__ import annotations

from dataclasses import replace
from textwrap import wrap
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message

from cnn_tui.core.contract.embedding_events import EmbeddingComputed
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.render.halfblock import SegmentLines
from cnn_tui.tui.render.scatter import Frame, Marks, frame_for, nearest, scatter_lines
from cnn_tui.tui.widgets.line_panel import LinePanel

CLASSES = 10
PALETTE = (  # (on a dark theme, on a light one): the categorical "tab10" hues, lighter on dark
    ("#5b9cff", "#1f6fb4"),  # blue
    ("#ff9a3c", "#e0700a"),  # orange
    ("#3ec46d", "#25912b"),  # green
    ("#ff5f5f", "#d02727"),  # red
    ("#b98cff", "#8452b8"),  # purple
    ("#c9936c", "#8c564b"),  # brown
    ("#ff7fc8", "#c94fa8"),  # pink
    ("#b8b8b8", "#6e6e6e"),  # grey
    ("#d6d63a", "#8c8c10"),  # olive
    ("#38d4e6", "#0f8f9e"),  # cyan
)
"""Class k's colour (``PALETTE[k]``) on dark and light themes."""


def _colour_css() -> str:
    rules = [f"MapPanel > .panel--c{k} {{ color: {dark}; }}" for k, (dark, _) in enumerate(PALETTE)]
    rules += [
        f"App.-light-mode MapPanel > .panel--c{k} {{ color: {light}; }}"
        for k, (_, light) in enumerate(PALETTE)
    ]
    return "\n".join(rules)


class MapPanel(LinePanel):
    """A panel that colours the classes: roles "c0" … "c9"."""

    COMPONENT_CLASSES: ClassVar[set[str]] = LinePanel.COMPONENT_CLASSES | {
        f"panel--c{k}" for k in range(CLASSES)
    }
    DEFAULT_CSS = _colour_css()
    SCOPED_CSS = False  # scoped, "App.-light-mode …" would be looked for inside the panel
    can_focus = False

    def class_styles(self) -> dict[str, Style]:
        styles = {f"c{k}": self.role(f"c{k}") for k in range(CLASSES)}
        styles["muted"] = self.role("muted")
        return styles


class ScatterView(MapPanel):
    """One embedding map, a cursor and the digit it names."""

    class Moved(Message):
        """The cursor names another digit (or the map under it changed)."""

    def __init__(self, state: TrainingState, *, id: str | None = None) -> None:
        super().__init__(state, id=id)
        self.map: EmbeddingComputed | None = None
        self.marks = Marks()
        self.cursor: tuple[float, float] | None = None  # in the map's coordinates
        self.frame: Frame | None = None  # of the picture last built
        self.waiting_text = "waiting for the first evaluation"

    @property
    def named(self) -> int | None:
        return self.marks.named

    def build(self, width: int, height: int) -> SegmentLines:
        emb = self.map
        if emb is None or not emb.xs:
            self.frame = None
            muted = self.role("muted")
            return SegmentLines([[Segment(t, muted)] for t in wrap(self.waiting_text, width)])
        self.frame = frame = frame_for(emb.xs, emb.ys, width, height)
        cursor = frame.cell(*self.cursor) if self.cursor is not None else None
        marks = Marks(self.marks.mistakes, self.marks.focus, cursor, self.marks.named)
        styles = self.class_styles()
        return SegmentLines(
            scatter_lines(emb, frame, styles, colour_on=self.colour_on, marks=marks)
        )

    # ---- what is shown --------------------------------------------------------------------

    def show(self, emb: EmbeddingComputed | None) -> None:
        """Draw ``emb``; the cursor follows its digit onto the new map."""
        self.map = emb
        named = self.marks.named
        if emb is not None and named is not None and named < len(emb.xs):
            self.cursor = (emb.xs[named], emb.ys[named])
        elif emb is not None:
            self.marks = replace(self.marks, named=None)
            self.cursor = None
        self.repaint()
        self.post_message(self.Moved())

    def set_focus_class(self, label: int | None) -> None:
        self.marks = replace(self.marks, focus=label)
        if self.cursor is not None:
            self._snap()
        self.repaint()

    def set_mistakes(self, shown: bool) -> None:
        self.marks = replace(self.marks, mistakes=shown)
        self.repaint()

    # ---- the cursor -----------------------------------------------------------------------

    def go_to(self, index: int) -> None:
        """Put the cursor on test digit ``index`` of the map."""
        emb = self.map
        if emb is None or not 0 <= index < len(emb.xs):
            return
        self.cursor = (emb.xs[index], emb.ys[index])
        self.marks = replace(self.marks, named=index)
        self.repaint()
        self.post_message(self.Moved())

    def move(self, columns: int, rows: int) -> None:
        """Move the cursor by whole cells (it starts on the middle of the map)."""
        frame = self.frame
        if frame is None:
            return
        if self.cursor is None:
            self.cursor = frame.cell_centre(frame.columns // 2, frame.rows // 2)
        else:
            column, row = frame.cell(*self.cursor)
            column = max(0, min(frame.columns - 1, column + columns))
            row = max(0, min(frame.rows - 1, row + rows))
            self.cursor = frame.cell_centre(column, row)
        self._snap()

    def _snap(self) -> None:
        """Name the digit nearest the cursor."""
        if self.frame is None or self.map is None or self.cursor is None:
            return
        across, down = self.frame.position(*self.cursor)
        named = nearest(self.map, self.frame, across, down, self.marks.focus)
        moved = named != self.marks.named
        self.marks = replace(self.marks, named=named)
        self.repaint()
        if moved:
            self.post_message(self.Moved())

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self.frame is None:
            return
        self.cursor = self.frame.cell_centre(offset.x, offset.y)
        self._snap()
