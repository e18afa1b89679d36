"""Provides ``RunSwitch``: the dashboard leaves the run it shows for a new one, without leaving
the app — the timeline's branch and fresh runs (``t``, tui/timeline/).

The current trainer is stopped the way quitting stops it: ``Stop(save=True)`` (it saves a snapshot
and ends its run as interrupted; ``keep`` names the snapshot a branch starts from, which its
pruning then leaves), a bounded wait for its ``Finished`` while the dashboard keeps
pumping its last events, then ``link.stop``. Only then does the new link start, under a new
``DashboardScreen`` with a state of its own (and the branch's lineage, for the chart's ┼ mark);
the screens the old one had (``m`` inspector, ``d`` drawing) are built the same way for the new
one. One switch at a time; a quit during a switch quits.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.training.relaunch import Launch
from cnn_tui.tui.dashboard.screen import PUMP_HZ, DashboardScreen
from cnn_tui.tui.dashboard.state import TrainingState

if TYPE_CHECKING:
    from cnn_tui.tui.dashboard.app import DashboardApp


class RunSwitch:
    """One switch from the app's current run to ``launch``'s."""

    def __init__(self, app: DashboardApp, launch: Launch, *, done: Callable[[], None]) -> None:
        self.app = app
        self.launch = launch
        self.done = done
        self.old = app.dashboard
        self._deadline = 0.0
        self._finished = False

    def begin(self) -> None:
        """Ask the current trainer to stop and save; finish once it has (or had its time)."""
        old = self.old
        if old.ended or not old.link.alive:
            self._finish()
            return
        self._deadline = time.monotonic() + self.app.quit_timeout
        # the snapshot a branch starts from stays: the old run's pruning must not take it
        keep = (self.launch.source,) if self.launch.source else ()
        old.send(cmd.Stop(save=True, keep=keep))
        self._timer = self.app.set_interval(1 / PUMP_HZ, self._poll)

    def _poll(self) -> None:
        old = self.old
        if old.ended or not old.link.alive or time.monotonic() > self._deadline:
            self._timer.stop()
            self._finish()

    def _finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        app, old, launch = self.app, self.old, self.launch
        old.tick()  # the last events (its snapshot's path) before the pump stops
        if app.quitting:  # quit while the old trainer stopped: the new run never starts
            self.done()
            return
        app.stop_current_link()
        # a new id: the old screen is still being removed while the new one mounts
        new = DashboardScreen(
            launch.link, TrainingState(lineage=launch.lineage), id=f"dashboard-{id(launch)}"
        )
        new.inspector_factory, new.draw_factory = old.inspector_factory, old.draw_factory
        new.test_images = old.test_images
        app.adopt(new, launch.control)
        while len(app.screen_stack) > 2 and app.screen_stack[-1] is not old:
            app.pop_screen()  # the timeline, a form, the inspector: they belong to the old run
        app.switch_screen(new)
        app.check_size()
        try:
            launch.link.start()
        except Exception as error:  # shown on the new dashboard, not raised
            new.fail(f"the new run did not start: {error}")
        else:
            app.notify(launch.summary, title="New run", timeout=8)
        self.done()
