"""Provides ``Panel``: the base of every dashboard panel.

A panel is a focusable ``Static`` with a border title (set in app.tcss). It reads the shared
``TrainingState`` it was given (attributes down) and redraws from it only when asked. The
dashboard screen (``tui/dashboard/screen.py``) is the one throttle: it calls ``refresh_data()``
for a visible panel whose data changed once ``MIN_INTERVAL`` seconds have passed since it
last did. ``repaint()`` always rebuilds at once (a resize, a view change, a key's effect on the
status, a test's ``repaint_all``).
"""

from __future__ import annotations

from time import perf_counter

from rich.console import RenderableType
from rich.style import Style
from textual import events
from textual.widgets import Static

from cnn_tui.tui.dashboard.state import TrainingState


class Panel(Static):
    """A dashboard panel drawn from the training state."""

    can_focus = True
    ALLOW_MAXIMIZE = True
    TITLE = ""
    """Shown in the panel's border."""
    MIN_INTERVAL = 0.1
    """Seconds at least between repaints driven by new data (the screen keeps to it): ≤ 10 Hz
    unless a panel asks for less (the charts: 0.5)."""

    def __init__(self, state: TrainingState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self.border_title = self.TITLE
        self.last_paint_ms = 0.0
        """How long the last ``repaint`` took to build its picture (ms)."""
        self.painted_at = -1e9
        """``perf_counter()`` when the last repaint started."""

    @property
    def colour_on(self) -> bool:
        """False under NO_COLOR: draw with shades and glyphs only."""
        return not getattr(self.app, "no_color", False)

    @property
    def muted(self) -> Style:
        """A dim style for labels and axes that works on light and dark themes."""
        return Style(dim=True)

    def repaint(self) -> None:
        """Rebuild the picture from the state at the current size."""
        if not self.is_mounted or self.size.width <= 0 or self.size.height <= 0:
            return
        start = self.painted_at = perf_counter()
        self.update(self.build(self.size.width, self.size.height))
        self.last_paint_ms = (perf_counter() - start) * 1000

    def refresh_data(self) -> bool:
        """Repaint because the data changed (the screen calls it when the panel is due). Return
        False if the picture cannot be made now: the screen keeps the panel marked and asks
        again on a later tick."""
        self.repaint()
        return True

    def build(self, width: int, height: int) -> RenderableType:
        """The picture for a content area of width × height cells."""
        raise NotImplementedError

    def on_resize(self, event: events.Resize) -> None:
        self.repaint()

    def on_mount(self) -> None:
        self.repaint()
