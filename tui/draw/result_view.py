"""Provides ``ResultView``: the network's view of the drawing beside the canvas — prediction,
probabilities, feature maps (tui/draw/result_lines.py) — or a note ("draw a digit").

Built once per answer into cached strips (Textual's Line API) and scrolled when the maps are
taller than the panel. Colours come from the theme through component classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cnn_tui.core.contract.events import DrawingViewed
from cnn_tui.tui.draw.result_lines import ResultStyles, note_lines, result_lines
from cnn_tui.tui.render.halfblock import Line, line_length


class ResultView(ScrollView, can_focus=False):
    """What the network makes of the drawing."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "result--muted",
        "result--bar",
        "result--strong",
    }
    DEFAULT_CSS = """
    ResultView > .result--muted { color: $text-muted; }
    ResultView > .result--bar { color: $primary; }
    ResultView > .result--strong { color: $text; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: DrawingViewed | None = None
        self.note: tuple[str, str] = ("draw a digit", "")
        """Shown when there is no view: (message, hint)."""
        self.names: Sequence[str] = ()
        self.painted = 0
        """Pictures built so far (the benchmark waits for the next one)."""
        self._strips: list[Strip] = []
        self._dirty = True

    def show(self, view: DrawingViewed | None, note: tuple[str, str] | None = None) -> None:
        """Show ``view`` (or, when None, ``note``); rebuilt at once."""
        self.view = view
        if note is not None:
            self.note = note
        self._build()
        self.refresh()

    def styles_now(self) -> ResultStyles:
        def role(name: str) -> Style:
            s = self.get_component_rich_style(f"result--{name}")
            return Style(color=s.color, bold=s.bold, dim=s.dim)

        colour_on = not getattr(self.app, "no_color", False)
        return ResultStyles(role("muted"), role("bar") if colour_on else None, role("strong"))

    def _build(self) -> None:
        self._dirty = False
        width, height = self.scrollable_content_region.size
        if width <= 0:
            self._dirty = True
            return
        styles = self.styles_now()
        colour_on = not getattr(self.app, "no_color", False)
        view = self.view
        if view is None or view.predicted < 0:
            lines: list[Line] = note_lines(*self.note, styles)
        else:
            lines = result_lines(
                view, width, height, names=self.names, styles=styles, colour_on=colour_on
            )
        base = self.visual_style.rich_style
        self._strips = []
        for line in lines:
            cells = line_length(line)
            strip = Strip(list(Segment.apply_style(line, base)), cells)
            self._strips.append(strip.adjust_cell_length(width, base))
        self.virtual_size = Size(width, len(self._strips))
        self.painted += 1

    def render_line(self, y: int) -> Strip:
        if self._dirty:
            self._build()
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.visual_style.rich_style
        if 0 <= index < len(self._strips):
            return self._strips[index]
        return Strip.blank(width, base)

    def on_resize(self, event: events.Resize) -> None:
        self._dirty = True
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._dirty = True
