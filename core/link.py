"""Provides the links between a UI and a trainer: the same interface over a process or a thread.

A link carries commands to the trainer and events back, and nothing else. ``ProcessLink`` (spawn)
is what the app uses: it keeps ~90–97 % of headless speed on two cores, and a busy trainer can
never starve the UI. ``ThreadLink`` runs the same trainer in a thread (debugging, tests).
UI tests use a scripted fake with the same interface (tests/tui/fakes.py).
"""

from __future__ import annotations

from typing import Protocol

from .commands import Command
from .events import Event


class TrainerLink(Protocol):
    """What the UI sees of a trainer."""

    def start(self) -> None:
        """Start the trainer (non-blocking)."""
        ...

    def send(self, command: Command) -> None:
        """Queue a command; the trainer applies it between batches and answers with an event."""
        ...

    def drain(self, max_events: int = 1000) -> list[Event]:
        """Every event that has arrived, oldest first (at most ``max_events``); never blocks."""
        ...

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the trainer to stop, wait up to ``timeout`` s, then make sure nothing is left."""
        ...

    @property
    def alive(self) -> bool:
        """True while the trainer runs."""
        ...
