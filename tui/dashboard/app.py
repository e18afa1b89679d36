"""Provides ``DashboardApp``: the live training dashboard over any ``TrainerLink``.

The app holds the link's life and the screens around the dashboard; the dashboard screen
(screen.py) does the rest: it pumps the trainer's events into the state and the panels, and its
key actions send commands straight to the link (steering.py). Quitting (q, ctrl+c, ctrl+q) sends
``Stop(save=True)``, waits a bounded time for ``Finished``, then ``link.stop()``: it never hangs
and never leaves the trainer behind. Below 80×24 the dashboard gives way to "make the terminal
larger"; the command palette (ctrl+p) offers every action of the key table (keys.py).

Hooks for other parts of the app:

* ``DashboardApp(link, *, title=...)`` — the constructor; ``run()`` starts the link on mount.
* ``inspector_factory`` — set to ``Callable[[Evaluated], Screen]`` and ``m`` opens that screen
  with the latest evaluation (its mistakes); until then ``m`` only notifies.
* ``state`` — the ``TrainingState`` (read-only for others); ``send(command)`` — send a command and
  show it as pending; ``dashboard`` — the ``DashboardScreen``.
* ``run_control`` — a ``RunControl`` (core/training/relaunch.py): ``t`` opens the timeline of
  the run's snapshots, to branch from one or start a run with another architecture; None: ``t``
  says why not. ``switch_run(launch)`` leaves the current run for a new one (switching.py).
* ``screenshot_dir`` — where ``S`` (and the palette's "Screenshot") saves; None: the current
  directory (``tui/screens/screenshot.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from textual import events
from textual.actions import parse as parse_action
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.timer import Timer

from cnn_tui.core.contract import commands as cmd
from cnn_tui.core.contract import events as ev
from cnn_tui.core.training.link import TrainerLink
from cnn_tui.core.training.relaunch import Launch, RunControl
from cnn_tui.tui.dashboard.keys import bindings, palette_entries
from cnn_tui.tui.dashboard.screen import PUMP_HZ, DashboardScreen
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.dashboard.switching import RunSwitch
from cnn_tui.tui.screens.screenshot import save_screenshot
from cnn_tui.tui.screens.too_small import TooSmallScreen

STOP_CONFIRM_SECONDS = 3.0
"""A viewer's second ``X`` must come this soon after the first to stop the run."""

MIN_SIZE = (80, 24)
"""Below this the dashboard is replaced by "make the terminal larger"."""


class DashboardApp(App[None]):
    """Watch a CNN learn and steer it."""

    CSS_PATH = "app.tcss"
    BINDINGS = bindings(priority=True)

    def __init__(
        self,
        link: TrainerLink,
        *,
        title: str = "cnn-tui",
        quit_timeout: float = 5.0,
        stop_timeout: float = 3.0,
    ) -> None:
        super().__init__()
        self.link = link
        self.title = title
        self.quit_timeout = quit_timeout
        """Seconds to wait for ``Finished`` (the trainer saving) after ``Stop`` on quit."""
        self.stop_timeout = stop_timeout
        """Seconds ``link.stop`` may take before it forces the trainer down."""
        self.dashboard = DashboardScreen(link)
        self.interrupted = False
        """Set when the user quit with Ctrl+C (the command exits 130 then)."""
        self.screenshot_dir: Path | None = None
        """Where screenshots go (None: the current directory)."""
        self._quit_deadline: float | None = None
        self._quit_timer: Timer | None = None
        self._quit_started = False
        self._link_stopped = False
        self.run_control: RunControl | None = None
        """The current run's snapshots and the new runs it can start (``t``); None: none."""
        self._switch: RunSwitch | None = None
        self._stop_asked: float | None = None  # when X was first pressed (viewers)

    @property
    def state(self) -> TrainingState:
        return self.dashboard.state

    @property
    def inspector_factory(self) -> Callable[[ev.Evaluated], Screen[None]] | None:
        """Builds the misclassified-digit screen from an evaluation (set by the inspector)."""
        return self.dashboard.inspector_factory

    @inspector_factory.setter
    def inspector_factory(self, factory: Callable[[ev.Evaluated], Screen[None]] | None) -> None:
        self.dashboard.inspector_factory = factory

    def send(self, command: cmd.Command) -> None:
        """Send a command and show it as pending until the trainer answers (the inspector asks
        for digits this way)."""
        self.dashboard.send(command)

    # ---- life cycle -----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(self.dashboard)
        try:
            self.link.start()
        except Exception as error:  # a link that cannot start is shown, not raised
            self.dashboard.fail(f"the trainer did not start: {error}")
        self._check_size(self.size.width, self.size.height)
        if self.viewer:  # the run's server gone (ended, or the connection lost): leave
            self.set_interval(1 / PUMP_HZ, self._leave_if_gone)

    def _leave_if_gone(self) -> None:
        if not self.link.alive:  # every event it sent has been drained
            self._quit_now()

    def on_unmount(self) -> None:
        self._stop_link()

    def _stop_link(self) -> None:
        if not self._link_stopped:
            self._link_stopped = True
            self.dashboard.pumping = False
            self.link.stop(self.stop_timeout)

    # ---- another run in the same app (the timeline) ----------------------------------------

    @property
    def switching(self) -> bool:
        """A switch to a new run is under way (the old trainer is stopping)."""
        return self._switch is not None

    def switch_run(self, launch: Launch) -> bool:
        """Stop the current trainer as quitting does (it saves), then show ``launch``'s new run
        on a new dashboard. False (and nothing done) while quitting or already switching."""
        if self._switch is not None or self._quit_deadline is not None:
            return False
        self._switch = RunSwitch(self, launch, done=self._switched)
        self._switch.begin()
        return True

    @property
    def quitting(self) -> bool:
        """``q`` (or a signal) has been pressed: no new run starts any more."""
        return self._quit_deadline is not None or self._quit_started

    def _switched(self) -> None:
        self._switch = None

    def stop_current_link(self) -> None:
        """Stop the current link for good (``switching.py``, before the new one starts)."""
        self._stop_link()

    def adopt(self, dashboard: DashboardScreen, control: RunControl) -> None:
        """Make ``dashboard`` (over a new link, not started yet) the app's current run."""
        self.dashboard, self.link, self.run_control = dashboard, dashboard.link, control
        self._link_stopped = False

    # ---- quitting -------------------------------------------------------------------------

    async def action_interrupt(self) -> None:
        """Ctrl+C: quit like ``q`` (stop, save, exit), with the exit code of an interrupt."""
        self.interrupted = True
        await self.action_quit()

    async def action_quit(self) -> None:
        """Stop the trainer at the next batch (it saves a snapshot), wait for it briefly,
        then exit. A second press exits without waiting any longer. A viewer (``cnn-tui
        attach``) just leaves: the run goes on."""
        if self.viewer:
            self._quit_now()
            return
        if self._quit_deadline is not None or self.dashboard.ended or not self.link.alive:
            self._quit_now()
            return
        self._quit_deadline = time.monotonic() + self.quit_timeout
        self.dashboard.send(cmd.Stop(save=True))
        self._quit_timer = self.set_interval(1 / PUMP_HZ, self._quit_when_stopped)

    def _quit_when_stopped(self) -> None:
        """While quitting: exit once the trainer has finished, died, or had its time."""
        ended = self.dashboard.ended or not self.link.alive
        if ended or (self._quit_deadline is not None and time.monotonic() > self._quit_deadline):
            self._quit_now()

    def _quit_now(self) -> None:
        if self._quit_started:
            return
        self._quit_started = True
        if self._quit_timer is not None:
            self._quit_timer.stop()
        # the trainer has finished (or had its time): at most stop_timeout more, then exit
        self._stop_link()
        self.exit()

    @property
    def viewer(self) -> bool:
        """True on a link to a served run (``RemoteLink``): quitting leaves the run going."""
        return getattr(self.link, "viewer", False) is True

    def action_stop_run(self) -> None:
        """``X`` in a viewer: stop the run itself, once pressed again within 3 s (it saves).
        Without the token it is refused at once, with the reason."""
        if not self.viewer:
            self.notify("X stops an attached run; here q stops (and saves)", severity="warning")
            return
        if not getattr(self.link, "steer", False):
            self.dashboard.send(cmd.Stop(save=True))  # the read-only link refuses it, saying why
            return
        now = time.monotonic()
        if self._stop_asked is None or now - self._stop_asked > STOP_CONFIRM_SECONDS:
            self._stop_asked = now
            self.notify(
                "press X again to stop the run for every viewer (it saves first)",
                title="Stop the run?",
                severity="warning",
                timeout=STOP_CONFIRM_SECONDS,
            )
            return
        self._stop_asked = None
        self.dashboard.send(cmd.Stop(save=True))
        self.notify("stopping the run (it saves first)…", title="Stop")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``X`` (stop the run) exists only in a viewer: locally ``q`` does it."""
        return self.viewer if action == "stop_run" else True

    # ---- screenshots ----------------------------------------------------------------------

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """``S`` and the palette's "Screenshot": an SVG of the screen, a moment later (once the
        palette has closed), in ``path`` or ``screenshot_dir``; shows the full path or why not."""
        folder = Path(path) if path else self.screenshot_dir
        self.set_timer(0.1, partial(save_screenshot, self, folder, filename))

    # ---- size -----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def check_size(self) -> None:
        """Show "make the terminal larger" if the terminal is below ``MIN_SIZE`` now."""
        self._check_size(self.size.width, self.size.height)

    def _check_size(self, width: int, height: int) -> None:
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        top = self.screen_stack[-1] if self.screen_stack else None
        if small and not isinstance(top, TooSmallScreen):
            self.push_screen(TooSmallScreen(*MIN_SIZE))
        elif small and isinstance(top, TooSmallScreen):
            top.show_size(width, height)
        elif not small and isinstance(top, TooSmallScreen):
            self.pop_screen()

    # ---- command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, then every dashboard action of the key table that can run
        now (of Pause training / Resume training, the one space would do)."""
        ours = palette_entries()
        titles = {title for title, _, _ in ours}  # ours replace Textual's ("Screenshot")
        yield from (c for c in super().get_system_commands(screen) if c.title not in titles)
        for title, help_text, action in ours:
            namespace, name, parameters = parse_action(action)
            owner = self if namespace == "app" else self.dashboard
            if owner.check_action(name, parameters):
                yield SystemCommand(title, help_text, partial(self.dashboard.run_action, action))
