"""Provides ``Panel``: the base of every dashboard panel.

A panel is a focusable ``Static`` with a border title (set in app.tcss). It reads the shared
``TrainingState`` it was given (attributes down) and redraws from it only when asked — the
dashboard calls ``refresh_data()`` at most ~10 times a second, and only for panels whose data
changed; a panel may ask for a longer interval (``MIN_INTERVAL``: the charts repaint at ≤ 2 Hz).
``repaint()`` always rebuilds at once (a resize, a view change, a test's ``repaint_all``).
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
    MIN_INTERVAL = 0.0
    """Seconds between repaints driven by new data (``refresh_data``); 0: every dashboard tick."""

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
        """Repaint because the data changed — unless the last repaint is under ``MIN_INTERVAL``
        old: then return False, and the caller keeps the panel marked for its next tick."""
        if perf_counter() - self.painted_at < self.MIN_INTERVAL:
            return False
        self.repaint()
        return True

    def build(self, width: int, height: int) -> RenderableType:
        """The picture for a content area of width × height cells."""
        raise NotImplementedError

    def on_resize(self, event: events.Resize) -> None:
        self.repaint()

    def on_mount(self) -> None:
        self.repaint()
