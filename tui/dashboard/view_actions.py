"""Provides ``ViewsScreen``: the dashboard's keys that open a screen over it — ``d`` draw a digit
(tui/draw/), ``h`` layer health (tui/health/), ``p`` the embedding map (tui/embedding/), ``t``
the timeline (tui/timeline/). ``DashboardScreen`` (screen.py) builds on this; the health and
embedding histories are fed by its event pump.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

from cnn_tui.core.training.link import TrainerLink
from cnn_tui.tui.dashboard.overlay_action import OverlayScreen
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.embedding.history import EmbeddingHistory
from cnn_tui.tui.health.history import HealthHistory
from cnn_tui.tui.screens.opening import push_built


class ViewsScreen(OverlayScreen):
    """The steering and overlay screen plus the views opened over it."""

    def __init__(self, link: TrainerLink, state: TrainingState, *, id: str | None = None) -> None:
        super().__init__(link, state, id=id)
        self.health = HealthHistory()
        """Layer health of the run, fed whether or not its screen (h) is open."""
        self.embedding = EmbeddingHistory()
        """The run's embedding maps, fed whether or not their screen (p) is open."""
        self.draw_factory: Callable[[int | None], Screen[None]] | None = None
        """Builds the drawing screen over the live trainer (``d``), from test digit i or blank
        (None); None: not here."""
        self.test_images: Callable[[int], bytes | None] | None = None
        """Test digit i's 28×28 image (None: it cannot be read), for the map's cursor; None:
        no test images here."""

    def action_draw(self) -> None:
        """d: draw a digit for the live trainer's weights (tui/draw/)."""
        if self.draw_factory is None:
            self.notify("drawing needs the trainer's drawing extension", title="Draw")
        elif self.ended:
            self.notify("the run has ended: nothing answers a drawing now", title="Draw")
        else:
            draw = self.draw_factory
            push_built(self, lambda: draw(None), "Cannot draw")

    def action_health(self) -> None:
        """h: layer health over the live dashboard (tui/health/)."""
        from cnn_tui.tui.health.screen import HealthScreen

        self.app.push_screen(HealthScreen(self.health, self))

    def action_embedding(self) -> None:
        """p: the embedding map of the latest evaluation (tui/embedding/)."""
        from cnn_tui.tui.embedding.screen import EmbeddingScreen

        self.app.push_screen(EmbeddingScreen(self))

    def action_timeline(self) -> None:
        """t: the run's snapshots, to branch from one or start another architecture
        (tui/timeline/); the app knows how to start new runs (``run_control``)."""
        from cnn_tui.tui.timeline import TimelineScreen

        control = getattr(self.app, "run_control", None)
        if control is None:
            self.notify("no timeline here: this dashboard cannot start new runs", title="Timeline")
            return
        self.app.push_screen(TimelineScreen(control, self.state))
