"""Provides ``LinePanel``: a dashboard panel drawn with Textual's Line API, in theme colours.

``repaint()`` builds the picture once (``build(width, height)`` → lines of segments) and keeps it
as ready ``Strip``s; Textual then asks ``render_line(y)`` for one row at a time and gets the
cached strip — no Rich layout, no reflow of the screen (``refresh()`` without ``layout``). The
strips are rebuilt only when the data, the size or the styles (the theme, focus) change.

Colours come from the app's theme through component classes (``panel--<role>`` below, in theme
variables such as ``$text-primary``), so ``ctrl+p`` → theme → textual-light stays readable.
``role(name)`` is the Rich style of one role for the current theme.
"""

from __future__ import annotations

from itertools import chain
from time import perf_counter
from typing import ClassVar

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.render.halfblock import SegmentLines, line_length
from cnn_tui.tui.widgets.panel import Panel

ROLES = (
    "muted",
    "axis",
    "label",
    "cloud",
    "line",
    "train",
    "test",
    "epoch",
    "change",
    "pause",
    "resume",
    "branch",
    "inherited",
    "diverged",
    "bar",
    "good",
    "bad",
    "right",
    "wrong",
    "run0",
    "run1",
    "run2",
    "run3",
    "run4",
    "run5",
    "overlay0",
    "overlay1",
    "overlay2",
    "overlay3",
    "overlay4",
)
"""The roles a panel may colour (each a component class ``panel--<role>``)."""


class LinePanel(Panel):
    """A panel whose picture is a list of cached strips, one per content row."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"panel--{role}" for role in ROLES}
    DEFAULT_CSS = """
    LinePanel > .panel--muted { color: $text-muted; }
    LinePanel > .panel--axis { color: $foreground 40%; }
    LinePanel > .panel--label { color: $text-muted; }
    LinePanel > .panel--cloud { color: $foreground 45%; }
    LinePanel > .panel--line { color: $text-primary; }
    LinePanel > .panel--train { color: $text-success; }
    LinePanel > .panel--test { color: $text-accent; text-style: bold; }
    LinePanel > .panel--epoch { color: $foreground 30%; }
    LinePanel > .panel--change { color: $text-warning; }
    LinePanel > .panel--pause { color: $text-warning; }
    LinePanel > .panel--resume { color: $text-success; }
    LinePanel > .panel--branch { color: $text-accent; text-style: bold; }
    LinePanel > .panel--inherited { color: $text-primary 45%; }
    LinePanel > .panel--diverged { color: $text-error; text-style: bold; }
    LinePanel > .panel--bar { color: $primary; }
    LinePanel > .panel--good { color: $success; }
    LinePanel > .panel--bad { color: $error; }
    LinePanel > .panel--right { color: $text-success; text-style: bold; }
    LinePanel > .panel--wrong { color: $text-error; text-style: bold; }
    LinePanel > .panel--run0 { color: $text-primary; }
    LinePanel > .panel--run1 { color: $text-accent; }
    LinePanel > .panel--run2 { color: $text-success; }
    LinePanel > .panel--run3 { color: $text-warning; }
    LinePanel > .panel--run4 { color: $text-error; }
    LinePanel > .panel--run5 { color: $text-secondary; }
    LinePanel > .panel--overlay0 { color: $text-secondary 60%; }
    LinePanel > .panel--overlay1 { color: $text-warning 60%; }
    LinePanel > .panel--overlay2 { color: $text-success 60%; }
    LinePanel > .panel--overlay3 { color: $text-error 60%; }
    LinePanel > .panel--overlay4 { color: $text-accent 60%; }
    """

    def __init__(self, state: TrainingState, *, id: str | None = None) -> None:
        super().__init__(state, id=id)
        self._strips: list[Strip] = []
        self._stale = True  # the styles changed since the strips were built
        self._titles: dict[str, str] = {}

    def set_titles(self, title: str | None = None, subtitle: str | None = None) -> None:
        """Set the border title / subtitle (markup, theme variables allowed) only if they
        changed: each assignment parses the markup and redraws the panel."""
        for name, value in (("border_title", title), ("border_subtitle", subtitle)):
            if value is not None and self._titles.get(name) != value:
                self._titles[name] = value
                setattr(self, name, value)

    def role(self, name: str) -> Style:
        """The theme's style for ``name`` (one of ``ROLES``): colour and text style, no
        background (the panel's own shows through)."""
        s = self.get_component_rich_style(f"panel--{name}")
        return Style(color=s.color, bold=s.bold, dim=s.dim, italic=s.italic)

    def repaint(self) -> None:
        """Rebuild the strips from the state at the current size, and redraw the panel."""
        if self._rebuild():
            self.refresh()

    def _rebuild(self) -> bool:
        if not self.is_mounted or self.size.width <= 0 or self.size.height <= 0:
            return False
        start = self.painted_at = perf_counter()
        width = self.size.width
        self._strips = self._to_strips(self.build(width, self.size.height), width)
        self._stale = False
        self.last_paint_ms = (perf_counter() - start) * 1000
        return True

    def _to_strips(self, picture: RenderableType, width: int) -> list[Strip]:
        """Lines → strips exactly ``width`` cells wide, over the panel's base style: one pass
        and one ``Strip`` per row (each ``Strip`` carries caches of its own)."""
        if isinstance(picture, SegmentLines):
            lines: list[list[Segment]] = picture.lines
        else:  # a Text note, or any other renderable: let Rich lay it out at this width
            console = self.app.console
            options = console.options.update_width(width)
            lines = console.render_lines(picture, options, pad=False, new_lines=False)
        base = self.visual_style.rich_style
        strips = []
        for line in lines:
            cells = line_length(line)
            if cells > width:
                line, cells = Segment.adjust_line_length(line, width), width
            segments = Segment.apply_style(line, base)
            if cells < width:
                segments = chain(segments, [Segment(" " * (width - cells), base)])
            # neighbouring segments of one style joined: fewer to composite and to write
            strips.append(Strip(list(Segment.simplify(segments)), width))
        return strips

    def render_line(self, y: int) -> Strip:
        """Row ``y`` of the picture (built again first if the theme or focus changed)."""
        if self._stale:
            self._rebuild()
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def notify_style_update(self) -> None:
        """The CSS changed (a theme, focus): the strips hold old colours; rebuild on draw."""
        super().notify_style_update()
        self._stale = True
        self.refresh()
