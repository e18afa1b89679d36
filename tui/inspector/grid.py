"""Provides ``MistakeGrid``: the misclassified digits as a grid of half-block thumbnails, each
captioned "true→predicted confidence" (a named run's on two lines: "Sneaker →", "Sandal 98%"),
with a cursor moved by keys (arrows, page up/down, home/end) or the mouse (click selects,
clicking the selected digit or Enter opens it).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from cnn_tui.core.contract.class_names import class_name
from cnn_tui.core.contract.events import Mistake
from cnn_tui.core.data.dataset import Dataset
from cnn_tui.tui.inspector.mistakes import confidence
from cnn_tui.tui.inspector.render import THUMB_SIDE, caption, named_caption, tile_lines
from cnn_tui.tui.render.halfblock import Line, SegmentLines, beside

TILE_WIDTH = THUMB_SIDE + 2  # an edge column each side
TILE_HEIGHT = THUMB_SIDE // 2 + 1  # the thumbnail's rows and the caption
NAMED_TILE_HEIGHT = TILE_HEIGHT + 1  # a named run's caption takes two lines (render.named_caption)


class MistakeGrid(Widget, can_focus=True):
    """A grid of mistakes; ``show`` sets the list, the cursor is a position in it."""

    DEFAULT_CSS = """
    MistakeGrid { height: 1fr; width: 1fr; }
    """

    BINDINGS = [
        Binding("up", "move(0, -1)", "Up", show=False),
        Binding("down", "move(0, 1)", "Down", show=False),
        Binding("left", "move(-1, 0)", "Left", show=False),
        Binding("right", "move(1, 0)", "Right", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "open", "Open", id="open-digit"),
    ]
    """Arrows move the cursor; page up/down move a screenful; home/end go to the ends."""

    cursor: reactive[int] = reactive(0, always_update=True)
    """Position of the selected mistake in the shown list."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved to ``position`` (``mistake`` is None when the list is empty)."""

        grid: MistakeGrid
        position: int
        mistake: Mistake | None

    @dataclass
    class Opened(Message):
        """The user asked to open the digit at ``position``."""

        grid: MistakeGrid
        position: int
        mistake: Mistake

    def __init__(self, test: Dataset, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.test = test
        self.mistakes: list[Mistake] = []
        self.marked: frozenset[int] = frozenset()
        self.empty_text = "no mistakes"
        self.names: tuple[str, ...] = ()
        """The run's class names (() for MNIST's digits), for the captions."""
        self._top = 0  # first visible tile row

    # --- geometry --------------------------------------------------------------------------

    @property
    def columns(self) -> int:
        return max(1, self.size.width // TILE_WIDTH)

    @property
    def tile_height(self) -> int:
        return NAMED_TILE_HEIGHT if self.names else TILE_HEIGHT

    @property
    def visible_rows(self) -> int:
        return max(1, self.size.height // self.tile_height)

    def _scroll_to_cursor(self) -> None:
        row = self.cursor // self.columns
        if row < self._top:
            self._top = row
        elif row >= self._top + self.visible_rows:
            self._top = row - self.visible_rows + 1
        last_row = max(0, (len(self.mistakes) - 1) // self.columns)
        self._top = max(0, min(self._top, last_row))

    # --- data ------------------------------------------------------------------------------

    def show(
        self,
        mistakes: list[Mistake],
        *,
        marked: frozenset[int] = frozenset(),
        keep_index: int | None = None,
        empty_text: str = "no mistakes",
    ) -> None:
        """Show ``mistakes``; the cursor stays on test digit ``keep_index`` if it is listed."""
        self.mistakes = mistakes
        self.marked = marked
        self.empty_text = empty_text
        position = 0
        if keep_index is not None:
            position = next((i for i, m in enumerate(mistakes) if m.index == keep_index), 0)
        self._top = 0
        self.cursor = position

    @property
    def current(self) -> Mistake | None:
        if 0 <= self.cursor < len(self.mistakes):
            return self.mistakes[self.cursor]
        return None

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self.mistakes) - 1)) if self.mistakes else 0

    def watch_cursor(self, cursor: int) -> None:
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, cursor, self.current))
        self.refresh()

    # --- actions ---------------------------------------------------------------------------

    def action_move(self, dx: int, dy: int) -> None:
        self.cursor = self.cursor + dx + dy * self.columns

    def action_page(self, pages: int) -> None:
        self.cursor = self.cursor + pages * self.visible_rows * self.columns

    def action_jump(self, position: int) -> None:
        self.cursor = position if position >= 0 else len(self.mistakes) - 1

    def action_open(self) -> None:
        mistake = self.current
        if mistake is not None:
            self.post_message(self.Opened(self, self.cursor, mistake))

    # --- mouse -----------------------------------------------------------------------------

    def _position_at(self, x: int, y: int) -> int | None:
        column, row = x // TILE_WIDTH, y // self.tile_height + self._top
        if column >= self.columns:
            return None
        position = row * self.columns + column
        return position if position < len(self.mistakes) else None

    def on_click(self, event: events.Click) -> None:
        position = self._position_at(event.x, event.y)
        if position is None:
            return
        if position == self.cursor or event.chain >= 2:
            self.cursor = position
            self.action_open()
        else:
            self.cursor = position

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.action_move(0, 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.action_move(0, -1)

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_to_cursor()

    # --- drawing ---------------------------------------------------------------------------

    def render(self) -> RenderableType:
        if not self.mistakes:
            return Text(self.empty_text, style="dim")
        colour_on = not getattr(self.app, "no_color", False)
        columns = self.columns
        lines: list[Line] = []
        for row in range(self._top, self._top + self.visible_rows):
            start = row * columns
            tiles = []
            for position in range(start, min(start + columns, len(self.mistakes))):
                m = self.mistakes[position]
                tiles.append(
                    tile_lines(
                        self.test.image(m.index),
                        self._caption(m),
                        TILE_WIDTH,
                        selected=position == self.cursor and self.has_focus,
                        marked=m.index in self.marked,
                        colour_on=colour_on,
                    )
                )
            if not tiles:
                break
            lines.extend(beside(tiles, [TILE_WIDTH] * len(tiles), gap=0))
        return SegmentLines(lines)

    def _caption(self, m: Mistake) -> str | tuple[str, str]:
        """ "7→2  98%", or a named run's two lines ("Sneaker →", "Sandal 98%")."""
        if not self.names:
            return caption(m.label, m.predicted, confidence(m))
        true, said = class_name(self.names, m.label), class_name(self.names, m.predicted)
        return named_caption(true, said, confidence(m), TILE_WIDTH)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
